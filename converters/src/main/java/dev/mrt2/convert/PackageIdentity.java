package dev.mrt2.convert;

/**
 * What a package is called and what its export metadata says it is.
 *
 * @param packageName      directory name, e.g. {@code MRT2TemporalBody.mlpackage}
 * @param schema           the {@code schema} string of the export metadata (mrt2-model.md §6)
 * @param precision        compute precision of the graph's constants and ops: {@code float16} or {@code float32}
 * @param shortDescription one line for the package's Metadata.shortDescription
 */
public record PackageIdentity(String packageName, String schema, String precision, String shortDescription) {
}
