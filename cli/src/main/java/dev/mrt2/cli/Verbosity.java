package dev.mrt2.cli;

/** How much progress goes to stderr: none ({@code -q}), one line per step, or detail ({@code -v}). */
enum Verbosity { QUIET, NORMAL, VERBOSE }
