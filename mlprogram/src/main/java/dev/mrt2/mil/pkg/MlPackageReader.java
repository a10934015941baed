package dev.mrt2.mil.pkg;

import dev.mrt2.mil.ConstValue;
import dev.mrt2.mil.MilException;
import dev.mrt2.mil.Model;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.codec.BlobResolver;
import dev.mrt2.mil.codec.ProgramReader;
import dev.mrt2.mil.weights.WeightFileReader;
import dev.mrt2.io.OsReason;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Opens a .mlpackage (ours or coremltools') and checks it as coreml-mlpackage.md §8 lists: the manifest and its
 * items, then the model (see {@link ProgramReader}), then every blob the model references. Each error is one
 * {@link MilException} whose message starts with the package path and the file inside it.
 */
public final class MlPackageReader {
    private MlPackageReader() {}

    /** Reads and checks a package; every problem is a {@link PackageFormatException} naming the package and file. */
    public static MlPackage read(Path pkg) {
        try {
            return readChecked(pkg);
        } catch (PackageFormatException e) {
            throw e;
        } catch (MilException e) {
            throw new PackageFormatException(e.getMessage(), e);
        }
    }

    private static MlPackage readChecked(Path pkg) {
        if (!Files.exists(pkg)) {
            throw new MilException(pkg + ": no such file or directory");
        }
        if (!Files.isDirectory(pkg)) {
            throw new MilException(pkg + ": not a directory (a .mlpackage is a directory)");
        }
        Manifest manifest = readManifest(pkg);
        Path data = pkg.resolve(PackageLayout.DATA_DIR);
        for (Map.Entry<String, Manifest.Item> e : manifest.items().entrySet()) {
            Path item = itemPath(pkg, data, e.getKey(), e.getValue());
            if (!Files.exists(item)) {
                throw new MilException(pkg + ": " + PackageLayout.MANIFEST + ": item '" + e.getKey() + "' ("
                        + e.getValue().path() + ") does not exist under Data/");
            }
        }
        Path modelFile = itemPath(pkg, data, manifest.rootModelIdentifier(), manifest.rootItem());
        if (!Files.isRegularFile(modelFile)) {
            throw new MilException(pkg + ": root model item " + manifest.rootItem().path() + " is not a file");
        }
        Manifest.Item weightsItem = manifest.weightsItem();
        Path weightsDir = weightsItem == null ? null : itemPath(pkg, data, "weights", weightsItem);
        if (weightsDir != null && !Files.isDirectory(weightsDir)) {
            throw new MilException(pkg + ": weights item " + weightsItem.path() + " is not a directory");
        }
        WeightFiles weights = new WeightFiles(pkg, weightsDir, weightsItem == null ? null : weightsItem.path());
        try {
            byte[] bytes = readAll(pkg, modelFile);
            Model model;
            try {
                model = ProgramReader.fromBytes(bytes, weights);
            } catch (WeightFileError e) {
                throw e;
            } catch (MilException e) {
                throw new MilException(pkg + ": " + PackageLayout.DATA_DIR + "/" + manifest.rootItem().path() + ": "
                        + e.getMessage(), e);
            }
            weights.openDefault();
            return new MlPackage(pkg, model, weights.readers);
        } catch (RuntimeException e) {
            weights.closeAll();
            throw e;
        }
    }

    private static Manifest readManifest(Path pkg) {
        Path file = pkg.resolve(PackageLayout.MANIFEST);
        if (!Files.isRegularFile(file)) {
            throw new MilException(pkg + ": " + PackageLayout.MANIFEST + " is missing");
        }
        try {
            return Manifest.parse(readAll(pkg, file));
        } catch (MilException e) {
            throw new MilException(pkg + ": " + e.getMessage(), e);
        }
    }

    // Data/<path>, and it must stay inside Data/ even through symbolic links (§8.1 item 4).
    private static Path itemPath(Path pkg, Path data, String id, Manifest.Item item) {
        Path p = data.resolve(item.path()).normalize();
        if (!p.startsWith(data.normalize())) {
            throw new MilException(pkg + ": item '" + id + "' path " + item.path() + " escapes Data/");
        }
        if (Files.exists(p)) {
            try {
                if (!p.toRealPath().startsWith(data.toRealPath())) {
                    throw new MilException(pkg + ": item '" + id + "' path " + item.path() + " links outside Data/");
                }
            } catch (IOException e) {
                throw new MilException(pkg + ": item '" + id + "': " + e.getMessage(), e);
            }
        }
        return p;
    }

    private static byte[] readAll(Path pkg, Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (IOException e) {
            throw new MilException(pkg + ": " + pkg.relativize(file) + ": cannot read: " + OsReason.of(e), e);
        }
    }

    /** A weight-file problem, already prefixed with the package and the file. */
    private static final class WeightFileError extends MilException {
        WeightFileError(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Opens each referenced weight file once and checks every blob the model points at. */
    private static final class WeightFiles implements BlobResolver {
        private final Path pkg;
        private final Path dir;
        private final String dirLabel;
        private final Map<String, WeightFileReader> readers = new TreeMap<>();

        WeightFiles(Path pkg, Path dir, String itemPath) {
            this.pkg = pkg;
            this.dir = dir;
            this.dirLabel = PackageLayout.DATA_DIR + "/" + itemPath;
        }

        @Override
        public ConstValue.Blob resolve(String fileName, long offset, TensorType type) {
            if (!fileName.startsWith(PackageLayout.BLOB_FILE_PREFIX)) {
                throw new MilException("blob file name '" + fileName + "' does not start with " + PackageLayout.BLOB_FILE_PREFIX);
            }
            String name = fileName.substring(PackageLayout.BLOB_FILE_PREFIX.length());
            if (name.isEmpty() || name.contains("/") || name.contains("\\") || name.equals("..") || name.equals(".")) {
                throw new MilException("blob file name '" + fileName + "' must name a file directly inside weights/");
            }
            if (dir == null) {
                throw new MilException("a constant references " + fileName + " but the manifest has no weights item");
            }
            WeightFileReader reader = open(name);
            if (reader == null) {
                boolean folder = java.nio.file.Files.isDirectory(dir.resolve(name));
                throw new MilException("a constant references " + fileName + ", which " + (folder
                        ? "is a directory, not a file," : "does not exist") + " in " + dirLabel);
            }
            try {
                reader.check(offset, type);
            } catch (MilException e) {
                throw new WeightFileError(pkg + ": " + e.getMessage(), e);
            }
            return new ConstValue.Blob(type, fileName, offset, reader);
        }

        /** weight.bin is opened (and checked) even when no constant uses it, so a corrupt file never goes unnoticed. */
        void openDefault() {
            if (dir != null) {
                open(PackageLayout.WEIGHT_FILE);
            }
        }

        private WeightFileReader open(String name) {
            WeightFileReader r = readers.get(name);
            if (r != null) {
                return r;
            }
            Path file = dir.resolve(name);
            if (!Files.isRegularFile(file, LinkOption.NOFOLLOW_LINKS)) {
                return null;
            }
            try {
                r = WeightFileReader.open(file, dirLabel + "/" + name);
            } catch (MilException e) {
                throw new WeightFileError(pkg + ": " + e.getMessage(), e);
            }
            readers.put(name, r);
            return r;
        }

        void closeAll() {
            for (WeightFileReader r : readers.values()) {
                r.close();
            }
        }
    }
}
