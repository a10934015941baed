package dev.mrt2.validate;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mrt2.convert.codebooks.CodebookExporter;
import dev.mrt2.io.BadInputException;
import dev.mrt2.mil.pkg.FileDigests;
import dev.mrt2.mil.pkg.MlPackage;
import dev.mrt2.mil.pkg.MlPackageReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The artifacts of a models folder, sorted by name: every {@code *.mlpackage}, and every {@code *.bin} whose
 * {@code .json} sidecar has the codebook schema (mrt2-model.md §5). Reading them maps nothing but the model
 * descriptions, so classifying a full-size folder costs only the file digests.
 */
final class ModelsFolder {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ModelsFolder() {}

    static List<PackageInfo> classify(Path models) {
        try (FileDigests digests = new FileDigests()) {
            return classify(models, digests);
        }
    }

    /**
     * The artifacts, their files hashed by {@code digests}: every artifact's files are asked for before the first
     * digest is awaited, so they hash on all cores, beside whatever the caller asked for already (the checkpoint).
     */
    static List<PackageInfo> classify(Path models, FileDigests digests) {
        if (!Files.isDirectory(models)) {
            throw new BadInputException(models + ": no such folder");
        }
        List<Path> found;
        try (Stream<Path> list = Files.list(models)) {
            found = list.sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(models + ": cannot list: " + e.getMessage(), e);
        }
        for (Path p : found) {
            if (isPackage(p)) {
                digests.requestTree(p);
            } else if (codebookSidecar(p) != null) {
                digests.request(p);
            }
        }
        List<PackageInfo> out = new ArrayList<>();
        for (Path p : found) {
            JsonNode sidecar;
            if (isPackage(p)) {
                // The reader alone: no execution plan, weights stay mapped and undecoded.
                try (MlPackage pkg = MlPackageReader.read(p)) {
                    out.add(PackageInfo.of(p, pkg.model(), digests));
                }
            } else if ((sidecar = codebookSidecar(p)) != null) {
                String sha = sidecar.path("checkpoint_sha256").asText(null);
                out.add(PackageInfo.codebooks(p, sidecarOf(p), sha, digests));
            }
        }
        if (out.isEmpty()) {
            throw new BadInputException(models + ": no .mlpackage to validate");
        }
        return out;
    }

    private static boolean isPackage(Path p) {
        return p.getFileName().toString().endsWith(".mlpackage") && Files.isDirectory(p);
    }

    private static Path sidecarOf(Path bin) {
        String name = bin.getFileName().toString();
        return bin.resolveSibling(name.substring(0, name.length() - ".bin".length()) + ".json");
    }

    /** The codebook sidecar of {@code p} when {@code p} is a {@code .bin} file that has one, else null. */
    private static JsonNode codebookSidecar(Path p) {
        return p.getFileName().toString().endsWith(".bin") && Files.isRegularFile(p) ? codebookJson(sidecarOf(p))
                : null;
    }

    /** The sidecar when it is the codebook table's, else null. */
    private static JsonNode codebookJson(Path sidecar) {
        if (!Files.isRegularFile(sidecar)) {
            return null;
        }
        try {
            JsonNode json = JSON.readTree(Files.readAllBytes(sidecar));
            return json != null && CodebookExporter.SCHEMA.equals(json.path("schema").asText()) ? json : null;
        } catch (IOException e) {
            throw new BadInputException(sidecar + ": cannot read (" + e.getMessage() + ")", e);
        }
    }
}
