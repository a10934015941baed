// swift-tools-version:5.9
// The measurement logic (BenchCore) builds and tests anywhere Swift runs; the Core ML calls (BenchCoreML) compile
// only where Core ML exists. The iOS app (Mrt2DeviceBench.xcodeproj) compiles the same sources.
import PackageDescription

let package = Package(
    name: "mrt2-device-runner",
    platforms: [.macOS(.v15), .iOS(.v18)],
    products: [
        .executable(name: "mrt2-bench", targets: ["mrt2-bench"]),
    ],
    targets: [
        .target(name: "BenchCore"),
        .target(name: "BenchCoreML", dependencies: ["BenchCore"]),
        .executableTarget(name: "mrt2-bench", dependencies: ["BenchCore", "BenchCoreML"]),
        .testTarget(name: "BenchCoreTests", dependencies: ["BenchCore"]),
    ]
)
