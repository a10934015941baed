package dev.mrt2.host.engine;

import dev.mrt2.io.BadInputException;
import dev.mrt2.mil.MilException;
import dev.mrt2.mil.exec.ExecutorException;
import dev.mrt2.mil.exec.MlProgramExecutor;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opens the packages of one chain from a models folder; a missing or malformed package is a bad input. */
final class PackageChain {
    private PackageChain() {}

    static MlProgramExecutor load(Path models, String name, Precision precision) {
        Path pkg = models.resolve(name);
        if (!Files.isDirectory(pkg)) {
            throw new BadInputException(models + ": no " + name + " (the " + precision.name().toLowerCase(
                    java.util.Locale.ROOT) + " chain; mrt2 convert --generation " + precision.generation()
                    + " writes it)");
        }
        try {
            return MlProgramExecutor.load(pkg);
        } catch (MilException | ExecutorException e) {
            throw new BadInputException(e.getMessage(), e);
        }
    }
}
