package dev.mrt2.convert;

import dev.mrt2.io.AtomicFile;
import dev.mrt2.mil.MilBuilder;
import dev.mrt2.mil.Model;
import dev.mrt2.mil.pkg.Digests;
import dev.mrt2.mil.pkg.MlPackageBuilder;
import dev.mrt2.mil.pkg.PackageLayout;
import dev.mrt2.mil.pkg.PackageWriteResult;
import dev.mrt2.safetensors.SafetensorsFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.function.Supplier;

/**
 * Turns a {@link PackageConverter} into files: checks every key first, streams the graph's constants into a staging
 * package, commits it with one rename, then writes the {@code _export_metadata.json} sidecar. A failure at any point
 * leaves no package at the target (the staging directory is deleted).
 */
public final class PackageExporter {
    private final SafetensorsFile checkpoint;
    private final Supplier<String> checkpointSha256;
    private final Path outDir;
    private final SharedConstants shared;

    /**
     * {@code checkpointSha256} yields the lower-case hex digest of the checkpoint file; it is asked for only once the
     * graph is built, so a caller can hash in the background meanwhile.
     */
    public PackageExporter(SafetensorsFile checkpoint, Supplier<String> checkpointSha256, Path outDir) {
        this(checkpoint, checkpointSha256, outDir, null);
    }

    /** {@code shared}: constants the packages of one conversion run copy from each other, or null. */
    PackageExporter(SafetensorsFile checkpoint, Supplier<String> checkpointSha256, Path outDir, SharedConstants shared) {
        this.checkpoint = checkpoint;
        this.checkpointSha256 = checkpointSha256;
        this.outDir = outDir;
        this.shared = shared;
    }

    public PackageExporter(SafetensorsFile checkpoint, String checkpointSha256, Path outDir) {
        this(checkpoint, () -> checkpointSha256, outDir);
    }

    /**
     * What one export wrote. {@code digests}: sha256 of every file written, by path relative to the output folder.
     * {@code seconds} is wall time, for progress lines only (never written to a file).
     */
    public record Exported(String name, Path packagePath, Path sidecar, long bytes, String modelSha256,
                           String weightSha256, SortedMap<String, String> digests, double seconds) {
        public Exported {
            digests = Collections.unmodifiableSortedMap(new TreeMap<>(digests));
        }
    }

    public <W> Exported export(PackageConverter<W> converter) {
        long start = System.nanoTime();
        W weights = converter.load(checkpoint);   // a bad checkpoint fails here, before anything is created
        try {
            Files.createDirectories(outDir);
        } catch (IOException e) {
            throw new UncheckedIOException(outDir + ": cannot create the output directory: " + e.getMessage(), e);
        }
        Path target = outDir.resolve(converter.packageName());
        Model model;
        PackageWriteResult written;
        String sha256;
        SharedConstants.Session session = null;
        try (MlPackageBuilder pkg = MlPackageBuilder.create(target, converter.opset())) {
            MilBuilder mb = pkg.builder();
            if (shared == null) {
                converter.build(mb, weights);
            } else {
                session = shared.building(mb, () -> converter.build(mb, weights));
            }
            sha256 = checkpointSha256.get();
            model = mb.build(ExportMetadata.packageMetadata(converter, sha256));
            written = pkg.commit(model);
        }
        if (session != null) {
            shared.publish(session, target);
        }
        SortedMap<String, Object> sidecar = ExportMetadata.sidecar(converter, model, written,
                checkpoint.path().getFileName().toString(), sha256);
        byte[] sidecarBytes = SortedJson.write(sidecar).getBytes(StandardCharsets.UTF_8);
        Path sidecarPath = outDir.resolve(ExportMetadata.sidecarName(converter.packageName()));
        AtomicFile.write(sidecarPath, sidecarBytes);

        String pkgName = converter.packageName();
        SortedMap<String, String> digests = new TreeMap<>();
        digests.put(pkgName + "/" + PackageLayout.MANIFEST, written.manifestSha256());
        digests.put(pkgName + "/" + PackageLayout.MODEL_FILE, written.modelSha256());
        String weightFile = PackageLayout.WEIGHTS_DIR + "/" + PackageLayout.WEIGHT_FILE;
        digests.put(pkgName + "/" + weightFile, written.weightSha256());
        digests.put(sidecarPath.getFileName().toString(), Digests.sha256(sidecarBytes));
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Exported(pkgName, target, sidecarPath, written.totalBytes(), written.modelSha256(),
                written.weightSha256(), digests, seconds);
    }
}
