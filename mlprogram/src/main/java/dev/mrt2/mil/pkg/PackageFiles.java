package dev.mrt2.mil.pkg;

import dev.mrt2.io.OsReason;
import dev.mrt2.io.OutputException;
import dev.mrt2.mil.Model;
import dev.mrt2.mil.codec.ProgramWriter;
import dev.mrt2.mil.weights.WeightFileWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** The last steps every package write shares: weight.bin closed, model.mlmodel and Manifest.json written, published. */
final class PackageFiles {
    private PackageFiles() {}

    /** Creates {@code Data/com.apple.CoreML/weights/} in {@code root} and the weight.bin writer inside it. */
    static WeightFileWriter createWeights(Path root) {
        Path dir = root.resolve(PackageLayout.WEIGHTS_DIR);
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw OutputException.cannotWrite(dir, e);
        }
        return WeightFileWriter.create(dir.resolve(PackageLayout.WEIGHT_FILE));
    }

    static PackageWriteResult finish(StagingDirectory staging, WeightFileWriter weights, Model model, Path target) {
        weights.close();   // the header already carries the final count
        Path root = staging.path();
        byte[] modelBytes = ProgramWriter.toBytes(model);
        byte[] manifest = Manifest.standard().toBytes();
        Path modelFile = root.resolve(PackageLayout.MODEL_FILE);
        Path weightFile = root.resolve(PackageLayout.WEIGHTS_DIR).resolve(PackageLayout.WEIGHT_FILE);
        write(modelFile, modelBytes);
        write(root.resolve(PackageLayout.MANIFEST), manifest);
        // weight.bin is hashed from disk: its header changed after the blobs were streamed.
        PackageWriteResult staged = new PackageWriteResult(target, modelBytes.length, size(weightFile), manifest.length,
                Digests.sha256(modelBytes), Digests.sha256(weightFile), Digests.sha256(manifest));
        staging.publish(target);
        weights.movedTo(target.resolve(PackageLayout.WEIGHTS_DIR).resolve(PackageLayout.WEIGHT_FILE));
        return staged;
    }

    private static void write(Path file, byte[] bytes) {
        try {
            Files.write(file, bytes, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
        } catch (IOException e) {
            throw OutputException.cannotWrite(file, e);
        }
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new UncheckedIOException(file + ": " + OsReason.of(e), e);
        }
    }
}
