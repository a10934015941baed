package dev.mrt2.cli;

import picocli.CommandLine.Option;

/** Mixin for {@code --json}: the command prints its result as exactly one JSON document on stdout. */
final class JsonOption {
    @Option(names = "--json", description = "Print the result as one JSON document on stdout (keys sorted).")
    boolean json;
}
