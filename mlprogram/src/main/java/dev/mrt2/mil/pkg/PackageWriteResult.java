package dev.mrt2.mil.pkg;

import java.nio.file.Path;

/** What a package write produced: where, how large each file is, and each file's SHA-256 (lower-case hex). */
public record PackageWriteResult(Path path, long modelBytes, long weightBytes, long manifestBytes,
                                 String modelSha256, String weightSha256, String manifestSha256) {
    /** Bytes of all three files together. */
    public long totalBytes() {
        return modelBytes + weightBytes + manifestBytes;
    }
}
