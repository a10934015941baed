package dev.mrt2.mil.pkg;

/** Fixed names inside a .mlpackage directory (coreml-mlpackage.md §1.1–1.2). */
public final class PackageLayout {
    public static final String MANIFEST = "Manifest.json";
    public static final String DATA_DIR = "Data";
    public static final String AUTHOR = "com.apple.CoreML";
    /** Item paths, relative to {@code Data/}. */
    public static final String MODEL_ITEM_PATH = AUTHOR + "/model.mlmodel";
    public static final String WEIGHTS_ITEM_PATH = AUTHOR + "/weights";
    public static final String WEIGHTS_ITEM_NAME = "weights";
    public static final String WEIGHT_FILE = "weight.bin";
    /** What BlobFileValue.fileName starts with: @model_path is the directory holding model.mlmodel. */
    public static final String BLOB_FILE_PREFIX = "@model_path/weights/";

    /** Paths relative to the package root. */
    public static final String MODEL_FILE = DATA_DIR + "/" + MODEL_ITEM_PATH;
    public static final String WEIGHTS_DIR = DATA_DIR + "/" + WEIGHTS_ITEM_PATH;

    private PackageLayout() {}
}
