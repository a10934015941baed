package dev.mrt2.mil.pkg;

import dev.mrt2.mil.DataType;
import dev.mrt2.mil.MilBuilder;
import dev.mrt2.mil.Opset;
import dev.mrt2.mil.TensorType;
import java.nio.FloatBuffer;
import java.nio.file.Path;

/** Child process for {@link MlPackageBuilderTest}: starts a package, streams a constant, then waits to be killed. */
public final class KilledWriterMain {
    private KilledWriterMain() {}

    public static void main(String[] args) throws Exception {
        MlPackageBuilder pkg = MlPackageBuilder.create(Path.of(args[0]), Opset.IOS15);
        MilBuilder b = pkg.builder();
        b.input("x", TensorType.of(DataType.FLOAT32, 1, 1024));
        b.constantFloats("w", TensorType.of(DataType.FLOAT32, 1024, 1024), FloatBuffer.allocate(1024 * 1024));
        System.out.println("READY");
        System.out.flush();
        Thread.sleep(60_000);
    }
}
