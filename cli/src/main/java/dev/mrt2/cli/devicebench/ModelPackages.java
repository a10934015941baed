package dev.mrt2.cli.devicebench;

import dev.mrt2.cli.devicebench.DeviceBenchException.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** Finds the .mlpackage directories to time: the direct children of --models, sorted by name. */
public final class ModelPackages {

    public static final String SUFFIX = ".mlpackage";

    /** Names travel as one comma-separated launch argument, so commas and spaces are ruled out. */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");

    private ModelPackages() {
    }

    public static List<Path> list(Path modelsDir) {
        if (!Files.isDirectory(modelsDir)) {
            throw new DeviceBenchException(Kind.BAD_INPUT, modelsDir + ": not a directory");
        }
        List<Path> packages;
        try (Stream<Path> children = Files.list(modelsDir)) {
            packages = children
                    .filter(p -> p.getFileName().toString().endsWith(SUFFIX) && Files.isDirectory(p))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new DeviceBenchException(Kind.BAD_INPUT, modelsDir + ": cannot list: " + e.getMessage(), e);
        }
        if (packages.isEmpty()) {
            throw new DeviceBenchException(Kind.BAD_INPUT, modelsDir + ": no .mlpackage found (run mrt2 convert first)");
        }
        for (Path p : packages) {
            String name = modelName(p);
            if (!NAME.matcher(name).matches()) {
                throw new DeviceBenchException(Kind.BAD_INPUT,
                        p + ": package name '" + name + "' must use only letters, digits, '.', '_' and '-'");
            }
        }
        return packages;
    }

    public static String modelName(Path pkg) {
        String file = pkg.getFileName().toString();
        return file.substring(0, file.length() - SUFFIX.length());
    }
}
