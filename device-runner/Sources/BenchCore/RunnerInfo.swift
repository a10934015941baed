import Foundation
#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#endif

/// Who produced a results file: runner version, OS and the hardware identifier (`utsname.machine`, e.g.
/// "iPhone16,2" on a phone, "arm64" on a Mac).
public enum RunnerInfo {
    public static let appVersion = "0.1.0"

    public static func current() -> ResultsDocument.Runner {
        let v = ProcessInfo.processInfo.operatingSystemVersion
        return ResultsDocument.Runner(
            appVersion: appVersion,
            platform: platform,
            osVersion: "\(v.majorVersion).\(v.minorVersion).\(v.patchVersion)",
            hardwareModel: machine())
    }

    static var platform: String {
        #if os(iOS)
        return "iOS"
        #elseif os(macOS)
        return "macOS"
        #else
        return "other"
        #endif
    }

    static func machine() -> String {
        var info = utsname()
        guard uname(&info) == 0 else { return "unknown" }
        return withUnsafeBytes(of: &info.machine) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
    }
}
