#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#endif

// One spelling of log and cos for Darwin and Glibc, so BenchCore needs no Foundation for its math.
@inline(__always) func _log(_ x: Double) -> Double { log(x) }
@inline(__always) func _cos(_ x: Double) -> Double { cos(x) }
