package dev.mrt2.djl;

import dev.mrt2.mil.DataType;
import dev.mrt2.mil.MilBuilder;
import dev.mrt2.mil.Model;
import dev.mrt2.mil.Opset;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.Var;
import dev.mrt2.mil.WeightSink;
import dev.mrt2.mil.exec.ExecutorBackend;
import dev.mrt2.mil.exec.MlProgramExecutor;
import dev.mrt2.tensor.NdArray;
import java.util.Map;

/** Runs convolutions of every size class and a linear on the native backend; exits 0 (stderr is the test's). */
public final class QuietRun {
    private QuietRun() {}

    private static final class HeapSink implements WeightSink {
        private final java.util.List<byte[]> blobs = new java.util.ArrayList<>();

        @Override
        public long append(TensorType type, java.nio.ByteBuffer data) {
            byte[] copy = new byte[data.remaining()];
            data.duplicate().get(copy);
            blobs.add(copy);
            return blobs.size() - 1;
        }

        @Override
        public java.nio.ByteBuffer read(long offset, TensorType type) {
            return java.nio.ByteBuffer.wrap(blobs.get((int) offset)).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        }
    }

    public static void main(String[] args) {
        for (int[] size : new int[][] {{1, 16, 25, 1}, {1, 32, 25, 5}, {1, 64, 40, 48}}) {
            MilBuilder b = new MilBuilder(Opset.IOS18, new HeapSink());
            Var x = b.input("x", TensorType.of(DataType.FLOAT32, size[0], size[1], size[2], size[3]));
            Var w3 = b.constant("w3", TensorType.of(DataType.FLOAT32, size[1], size[1], 3, 3), new float[size[1] * size[1] * 9]);
            Var w1 = b.constant("w1", TensorType.of(DataType.FLOAT32, size[1], size[1], 1, 1), new float[size[1] * size[1]]);
            Var wt = b.constant("wt", TensorType.of(DataType.FLOAT32, size[1], size[1], 3, 4), new float[size[1] * size[1] * 12]);
            Var c3 = b.conv("c3", x, w3, null, new int[] {1, 1}, new int[] {2, 0, 1, 1}, new int[] {1, 1}, 1);
            Var c1 = b.conv("c1", c3, w1, null, new int[] {1, 1}, new int[] {0, 0, 0, 0}, new int[] {1, 1}, 1);
            Var t = b.convTranspose("t", c1, wt, null, new int[] {1, 2}, new int[] {0, 2, 1, 1}, 1);
            b.output("y", t);
            Model model = b.build(null);
            try (MlProgramExecutor e = MlProgramExecutor.forModel(model, "quiet", ExecutorBackend.DJL)) {
                e.predict(Map.of("x", NdArray.f32(size, new float[size[0] * size[1] * size[2] * size[3]])));
            }
        }
    }
}
