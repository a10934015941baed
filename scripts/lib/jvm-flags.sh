# Sourced by scripts/mrt2, scripts/golden and the bench scripts: the JVM options every mrt2 run gets, one place.
#
# mrt2_jvm_flags JAVA prints them for the java binary JAVA, one per line:
# - JDK 24+: --sun-misc-unsafe-memory-access=allow (protobuf-java uses sun.misc.Unsafe; the JDK warns on stderr
#   otherwise).
# - Linux whose transparent huge pages are on request ("[madvise]", the usual default): -XX:+UseTransparentHugePages,
#   so the heap asks for 2 MB pages. A step of the executor allocates its activations afresh (a temporal step 15 to
#   23 MB); with 4 KB pages every new young-generation region is a page fault each time the kernel has taken it back,
#   and on a VM those are dear. Measured on a 2-core AMD EPYC VM, OpenJDK 17, same jar, same results: a full-size
#   temporal step 95-103 ms -> 30-38 ms (median of 30 after 50), full-size validate of every package 62-68 s ->
#   43-51 s wall. With "[always]" the kernel does it already; with "[never]" (or on macOS and Windows, where the
#   option does not exist) the JVM would warn or refuse to start, so nothing is added.
mrt2_jvm_flags() {
    local java="$1" major thp
    major=$("$java" -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -n 1)
    if [[ -n "$major" ]] && (( major >= 24 )); then
        echo "--sun-misc-unsafe-memory-access=allow"
    fi
    # Linux only has this file; MRT2_THP_ENABLED_FILE stands in for it in tests
    thp="${MRT2_THP_ENABLED_FILE:-/sys/kernel/mm/transparent_hugepage/enabled}"
    if [[ -r "$thp" ]] && grep -q '\[madvise\]' "$thp"; then
        echo "-XX:+UseTransparentHugePages"
    fi
}
