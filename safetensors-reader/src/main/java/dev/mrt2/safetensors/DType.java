package dev.mrt2.safetensors;

import java.util.Optional;

/** The safetensors element types we understand, each carrying its size, as the format's {@code dtype} field spells it. */
public enum DType {
    BOOL(8), U8(8), I8(8), I16(16), U16(16), F16(16), BF16(16), I32(32), U32(32), F32(32), I64(64), U64(64), F64(64);

    private final int bitSize;

    DType(int bitSize) {
        this.bitSize = bitSize;
    }

    public int bitSize() {
        return bitSize;
    }

    public int byteSize() {
        return bitSize / 8;
    }

    /** The header spelling ({@code "F32"}) to a dtype; empty for anything else, including other letter cases. */
    public static Optional<DType> parse(String name) {
        for (DType d : values()) {
            if (d.name().equals(name)) {
                return Optional.of(d);
            }
        }
        return Optional.empty();
    }
}
