#if canImport(CoreML)
import CoreML
import Foundation
#if canImport(BenchCore)
import BenchCore
#endif

/// Times one compiled model under one compute-unit setting. Only `prediction` sits inside the timed region: inputs
/// are prepared before it and outputs are scanned after it.
struct ModelBench {
    let name: String
    let url: URL
    let arguments: BenchArguments
    /// The device fixture every temporal model also streams through, or nil.
    let fixture: DeviceFixture?

    func run(units: ComputeUnitName) async -> ResultsDocument.ModelRun {
        let configuration = MLModelConfiguration()
        configuration.computeUnits = units.mlComputeUnits
        let clock = ContinuousClock()

        var loaded: MLModel?
        let loadTime: Duration
        do {
            guard FileManager.default.fileExists(atPath: url.path) else {
                throw BenchError.missingModel(url.path)
            }
            loadTime = try clock.measure { loaded = try MLModel(contentsOf: url, configuration: configuration) }
        } catch {
            return failed(units, kind: "unknown", "load failed: \(Self.describe(error))")
        }
        guard let model = loaded else { return failed(units, kind: "unknown", "load returned no model") }
        let plan = await ComputePlanReader.read(url: url, configuration: configuration)

        let inputs: ModelInputs
        do {
            inputs = try ModelInputs(description: model.modelDescription, seed: arguments.seed)
        } catch {
            return failed(units, kind: "unknown", "inputs: \(Self.describe(error))", plan: plan)
        }
        let kind = inputs.isTemporal ? "temporal" : "seeded"

        var latencies: [Double] = []
        var finite = FiniteTally()
        var state: MLState?
        for call in RunSchedule(frames: arguments.frames, warmups: arguments.warmups, repeats: arguments.repeats) {
            do {
                // One MLState per stream: caches start at zero and persist across every call of the repeat.
                if inputs.isStateful && call.step == 0 {
                    state = model.makeState()
                }
                try inputs.prepare(step: call.step)
                let provider = try inputs.provider()
                var output: MLFeatureProvider?
                let elapsed = try clock.measure {
                    if let state {
                        output = try model.prediction(from: provider, using: state)
                    } else {
                        output = try model.prediction(from: provider)
                    }
                }
                if call.timed {
                    latencies.append(Self.milliseconds(elapsed))
                }
                if let output {
                    Self.scan(output, call: call, into: &finite)
                }
            } catch {
                return failed(units, kind: kind,
                              "prediction failed at call \(call.index): \(Self.describe(error))", plan: plan)
            }
        }
        // After the timed calls, so the fixture stream never shares a state or a timing with them.
        let fixtureRun = fixture.flatMap { inputs.isTemporal ? FixtureStream.run(model: model, fixture: $0) : nil }
        return ResultsDocument.ModelRun(
            model: name, kind: kind, computeUnits: units.rawValue, error: nil,
            loadMs: Self.milliseconds(loadTime), latenciesMs: latencies, computePlan: plan,
            outputs: .init(finite), fixtureRun: fixtureRun)
    }

    private static func scan(_ output: MLFeatureProvider, call: RunSchedule.Call, into tally: inout FiniteTally) {
        for name in output.featureNames.sorted() {
            guard let array = output.featureValue(for: name)?.multiArrayValue else { continue }
            let (checked, nonFinite) = ArrayIO.scan(array)
            tally.record(call: call.index, warmup: !call.timed, output: name, checked: checked,
                         nonFinite: nonFinite)
        }
    }

    private func failed(_ units: ComputeUnitName, kind: String, _ message: String,
                        plan: ResultsDocument.ComputePlan = .unavailable("the model did not load"))
        -> ResultsDocument.ModelRun {
        ResultsDocument.ModelRun(model: name, kind: kind, computeUnits: units.rawValue, error: message,
                                 loadMs: nil, latenciesMs: [], computePlan: plan, outputs: .init(FiniteTally()))
    }

    static func milliseconds(_ d: Duration) -> Double {
        Double(d.components.seconds) * 1_000 + Double(d.components.attoseconds) / 1e15
    }

    /// One line with Core ML's own message and its domain and code: Core ML errors are NSErrors whose description
    /// can span lines, which would break the receipts' one-line messages.
    static func describe(_ error: Error) -> String {
        let text: String
        if let own = error as? BenchError {
            text = own.description
        } else {
            let ns = error as NSError
            text = "\(ns.localizedDescription) (\(ns.domain) error \(ns.code))"
        }
        return text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }
}

extension ComputeUnitName {
    var mlComputeUnits: MLComputeUnits {
        switch self {
        case .all: return .all
        case .cpuAndNeuralEngine: return .cpuAndNeuralEngine
        case .cpuAndGPU: return .cpuAndGPU
        case .cpuOnly: return .cpuOnly
        }
    }
}
#endif
