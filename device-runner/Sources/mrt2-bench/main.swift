// The macOS command-line runner: the same measurement as the iOS app, on this Mac.
//
//     mrt2-bench --mrt2-bench --models-dir DIR --models A,B --compute-units all --frames 100 \
//                --warmups 10 --repeats 2 --seed 0 --out results.json [--fixture temporal_..._device_fixture.json]
import Foundation
#if canImport(BenchCore)
import BenchCore
#endif
#if canImport(CoreML)
import BenchCoreML
#endif

func fail(_ message: String, status: Int32) -> Never {
    FileHandle.standardError.write(Data("mrt2-bench: \(message)\n".utf8))
    exit(status)
}

let arguments: BenchArguments
do {
    guard let parsed = try BenchArguments.parse(CommandLine.arguments) else {
        fail("usage: mrt2-bench \(BenchArguments.marker) --models-dir DIR --models A,B --out FILE "
             + "[--compute-units all,...] [--frames N] [--warmups N] [--repeats N] [--seed N] [--fixture FILE]",
             status: 2)
    }
    arguments = parsed
} catch {
    fail("\(error)", status: 2)
}

#if canImport(CoreML)
do {
    try await BenchSession.run(arguments: arguments,
                               modelsDirectory: URL(fileURLWithPath: arguments.modelsDir, isDirectory: true),
                               output: URL(fileURLWithPath: arguments.out),
                               fixture: arguments.fixture.map { URL(fileURLWithPath: $0) }) { line in print(line) }
} catch let error as FixtureError {
    fail("fixture \(error)", status: 3)
} catch {
    fail("cannot write \(arguments.out): \(error)", status: 1)
}
#else
fail("Core ML is not available on this platform; run on macOS 15 or newer", status: 3)
#endif
