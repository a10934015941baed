package dev.mrt2.mil;

/**
 * MIL element types. Each constant carries its three codes, which live in three different number spaces
 * (coreml-mlpackage.md §10 pitfall 2): the MIL.proto {@code DataType} value, the weight.bin blob
 * {@code mil_dtype} code (0 = cannot live in a blob) and the Model.proto {@code ArrayDataType} (0 = not a model I/O type).
 */
public enum DataType {
    BOOL(1, 8, 0, 0, "bool"),
    STRING(2, 0, 0, 0, "string"),
    FLOAT16(10, 16, 1, 65552, "fp16"),
    FLOAT32(11, 32, 2, 65568, "fp32"),
    FLOAT64(12, 64, 0, 65600, "fp64"),
    INT8(21, 8, 4, 131080, "int8"),
    INT16(22, 16, 6, 0, "int16"),
    INT32(23, 32, 14, 131104, "int32"),
    INT64(24, 64, 0, 0, "int64"),
    UINT8(31, 8, 3, 0, "uint8"),
    UINT16(32, 16, 7, 0, "uint16"),
    UINT32(33, 32, 15, 0, "uint32");

    /** MIL.proto DataType enum value. */
    public final int protoValue;
    /** Bits per element (0 for strings). */
    public final int bitSize;
    /** weight.bin blob_metadata.mil_dtype, 0 when this type is never blob-backed. */
    public final int blobCode;
    /** Model.proto ArrayFeatureType.ArrayDataType, 0 when not allowed as a model input/output. */
    public final int arrayDataType;
    /** The spelling used by MIL (cast dtype strings, text form). */
    public final String milName;

    DataType(int protoValue, int bitSize, int blobCode, int arrayDataType, String milName) {
        this.protoValue = protoValue;
        this.bitSize = bitSize;
        this.blobCode = blobCode;
        this.arrayDataType = arrayDataType;
        this.milName = milName;
    }

    public int byteSize() {
        return bitSize / 8;
    }

    public boolean isFloat() {
        return this == FLOAT16 || this == FLOAT32 || this == FLOAT64;
    }

    public static DataType fromProto(int value) {
        for (DataType t : values()) {
            if (t.protoValue == value) {
                return t;
            }
        }
        throw new IllegalArgumentException("unsupported MIL DataType " + value);
    }

    public static DataType fromBlobCode(int code) {
        for (DataType t : values()) {
            if (t.blobCode == code && code != 0) {
                return t;
            }
        }
        throw new IllegalArgumentException("unsupported blob mil_dtype " + code);
    }

    public static DataType fromArrayDataType(int value) {
        for (DataType t : values()) {
            if (t.arrayDataType == value && value != 0) {
                return t;
            }
        }
        throw new IllegalArgumentException("unsupported ArrayDataType " + value);
    }

    public static DataType fromMilName(String name) {
        for (DataType t : values()) {
            if (t.milName.equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown MIL dtype name '" + name + "'");
    }
}
