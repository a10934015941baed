package dev.mrt2.mil.pkg;

import dev.mrt2.mil.Model;
import dev.mrt2.mil.weights.WeightFileReader;
import java.nio.file.Path;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A package read from disk: its model, whose blob constants read lazily from the memory-mapped weight files.
 * Close it to release the files; blob data already handed out stays readable.
 */
public final class MlPackage implements AutoCloseable {
    private final Path path;
    private final Model model;
    private final SortedMap<String, WeightFileReader> weightFiles;

    MlPackage(Path path, Model model, Map<String, WeightFileReader> weightFiles) {
        this.path = path;
        this.model = model;
        this.weightFiles = new TreeMap<>(weightFiles);
    }

    public Path path() {
        return path;
    }

    public Model model() {
        return model;
    }

    /** The opened {@code weights/weight.bin}, or null when the package has none. */
    public WeightFileReader weightFile() {
        return weightFiles.get(PackageLayout.WEIGHT_FILE);
    }

    /** Every weight file the model references (or the package holds), by file name. */
    public SortedMap<String, WeightFileReader> weightFiles() {
        return java.util.Collections.unmodifiableSortedMap(weightFiles);
    }

    @Override
    public void close() {
        for (WeightFileReader r : weightFiles.values()) {
            r.close();
        }
    }
}
