#if canImport(CoreML)
import CoreML
import Foundation
#if canImport(BenchCore)
import BenchCore
#endif

/// Streams one temporal model through the device fixture from fresh state with the host protocol its inputs ask
/// for: the stateful step (one `MLState`) with ``CacheValidBias``, the carry step (`*_cache_in` inputs, no states)
/// with ``CarryRing``. Returns every step's `temporal_outputs`; the CLI compares them with `reference_outputs`.
enum FixtureStream {
    static let inputName = "temporal_inputs"
    static let sourceName = "source_encoded"
    static let outputName = "temporal_outputs"
    static let cacheInSuffix = "_cache_in"
    static let updateSuffix = "_cache_updates"

    static func run(model: MLModel, fixture: DeviceFixture) -> ResultsDocument.FixtureRun {
        let description = model.modelDescription
        let inputs = description.inputDescriptionsByName
        guard let input = inputs[inputName]?.multiArrayConstraint,
              let source = inputs[sourceName]?.multiArrayConstraint else {
            return failed(fixture, "the model has no \(inputName) / \(sourceName) inputs")
        }
        let width = input.shape.last?.intValue ?? 0
        guard width == fixture.temporalInputs.first?.count,
              source.shape.last?.intValue == fixture.sourceEncoded.first?.count else {
            return failed(fixture, "fixture rows of width \(fixture.temporalInputs.first?.count ?? 0) / "
                          + "\(fixture.sourceEncoded.first?.count ?? 0) do not fit \(inputName) \(input.shape) / "
                          + "\(sourceName) \(source.shape)")
        }
        let caches = inputs.keys.filter { $0.hasSuffix(cacheInSuffix) }.sorted()
        var ring: CarryRing?
        if let first = caches.first, let shape = inputs[first]?.multiArrayConstraint?.shape.map(\.intValue),
           shape.count == 4 {
            ring = CarryRing(cacheCount: caches.count, window: shape[1], rowSize: shape[2] * shape[3])
        }
        let state = description.stateDescriptionsByName.isEmpty ? nil : model.makeState()
        var outputs: [Float] = []
        do {
            for step in 0..<fixture.steps {
                var features: [String: MLFeatureValue] = [
                    inputName: try value(fixture.temporalInputs[step], input),
                    sourceName: try value(fixture.sourceEncoded[step], source),
                ]
                if let bias = inputs[CacheValidBias.inputName]?.multiArrayConstraint {
                    let length = bias.shape.last?.intValue ?? 0
                    let values = ring == nil ? CacheValidBias.values(step: step, length: length)
                        : CarryRing.bias(step: step, length: length)
                    features[CacheValidBias.inputName] = try value(values, bias)
                }
                if let ring {
                    for (i, name) in caches.enumerated() {
                        features[name] = try value(ring.caches[i], inputs[name]!.multiArrayConstraint!)
                    }
                }
                let provider = try MLDictionaryFeatureProvider(dictionary: features)
                let result: MLFeatureProvider
                if let state {
                    result = try model.prediction(from: provider, using: state)
                } else {
                    result = try model.prediction(from: provider)
                }
                guard let y = result.featureValue(for: outputName)?.multiArrayValue else {
                    return failed(fixture, "step \(step): no output \(outputName)")
                }
                outputs += ArrayIO.read(y)
                if ring != nil {
                    var updates: [[Float]] = []
                    for name in caches {
                        let update = String(name.dropLast(cacheInSuffix.count)) + updateSuffix
                        guard let u = result.featureValue(for: update)?.multiArrayValue else {
                            return failed(fixture, "step \(step): no output \(update)")
                        }
                        updates.append(ArrayIO.read(u))
                    }
                    ring?.file(updates: updates, step: step)
                }
            }
        } catch {
            return failed(fixture, "prediction failed: \(ModelBench.describe(error))")
        }
        return .init(steps: fixture.steps, error: nil, outputs: outputs, width: width)
    }

    private static func value(_ values: [Float], _ constraint: MLMultiArrayConstraint) throws -> MLFeatureValue {
        let array = try MLMultiArray(shape: constraint.shape, dataType: constraint.dataType)
        try ArrayIO.write(values, into: array)
        return MLFeatureValue(multiArray: array)
    }

    private static func failed(_ fixture: DeviceFixture, _ why: String) -> ResultsDocument.FixtureRun {
        .init(steps: fixture.steps, error: why, outputs: nil, width: 0)
    }
}
#endif
