#if canImport(CoreML)
import CoreML
import Foundation
#if canImport(BenchCore)
import BenchCore
#endif

/// One launch of the runner: every requested model under every requested compute-unit setting, models outer,
/// then one results file. Failures of a single model are recorded in its run and do not stop the others.
public enum BenchSession {
    /// - Parameters:
    ///   - modelsDirectory: folder holding `<name>.mlmodelc` for every name in `arguments.models`
    ///   - output: the results file; any earlier file there is deleted first, so a run that dies leaves none
    ///   - fixture: the device fixture manifest (`--fixture`, resolved), or nil; read once, before any model
    ///   - log: receives one progress or summary line at a time
    @discardableResult
    public static func run(arguments: BenchArguments, modelsDirectory: URL, output: URL, fixture: URL? = nil,
                           log: @escaping @Sendable (String) -> Void) async throws -> ResultsDocument {
        try? FileManager.default.removeItem(at: output)
        let stream = try fixture.map { try DeviceFixture.load(from: $0) }
        var runs: [ResultsDocument.ModelRun] = []
        for name in arguments.models {
            let bench = ModelBench(name: name, url: modelsDirectory.appendingPathComponent(name + ".mlmodelc"),
                                   arguments: arguments, fixture: stream)
            for units in arguments.computeUnits {
                log("mrt2-bench: \(name) [\(units.rawValue)] ...")
                let run = await bench.run(units: units)
                log(ConsoleLine.summary(run))
                runs.append(run)
            }
        }
        let document = ResultsDocument(runner: RunnerInfo.current(), request: .init(arguments), runs: runs)
        try document.write(to: output)
        log("mrt2-bench: wrote \(output.path)")
        return document
    }
}
#endif
