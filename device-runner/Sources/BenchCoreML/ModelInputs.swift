#if canImport(CoreML)
import CoreML
import Foundation
#if canImport(BenchCore)
import BenchCore
#endif

/// The inputs of one model, filled once by the rules of ``InputFill`` and updated in place before each call:
/// `cache_valid_bias` follows the step of the stream, `temporal_inputs` gets new values every step, everything else
/// stays as first drawn (depth and decoder see the same seeded inputs on every call).
final class ModelInputs {
    private var arrays: [String: MLMultiArray] = [:]
    private var generators: [String: SplitMix64] = [:]
    /// Stateful (MLState caches) or driven by the cache-bias protocol.
    let isTemporal: Bool
    let isStateful: Bool

    init(description: MLModelDescription, seed: UInt64) throws {
        for name in description.inputDescriptionsByName.keys.sorted() {
            guard let feature = description.inputDescriptionsByName[name],
                  feature.type == .multiArray,
                  let constraint = feature.multiArrayConstraint else {
                throw BenchError.unsupportedInput(name, "only multi-array inputs are filled")
            }
            let array = try MLMultiArray(shape: constraint.shape, dataType: constraint.dataType)
            var generator = SplitMix64.stream(seed: seed, name: name)
            try ArrayIO.write(InputFill.forInput(named: name).values(count: array.count, generator: &generator),
                              into: array)
            arrays[name] = array
            generators[name] = generator
        }
        isStateful = !description.stateDescriptionsByName.isEmpty
        isTemporal = isStateful || arrays[CacheValidBias.inputName] != nil
    }

    /// Sets the per-step inputs for call `step` of a stream (outside the timed region).
    func prepare(step: Int) throws {
        if let bias = arrays[CacheValidBias.inputName] {
            let length = bias.shape.last?.intValue ?? 0
            try ArrayIO.write(CacheValidBias.values(step: step, length: length), into: bias)
        }
        guard isTemporal else { return }
        for name in arrays.keys.sorted() where InputFill.changesEveryStep(name) {
            guard let array = arrays[name], var generator = generators[name] else { continue }
            try ArrayIO.write(InputFill.forInput(named: name).values(count: array.count, generator: &generator),
                              into: array)
            generators[name] = generator
        }
    }

    func provider() throws -> MLFeatureProvider {
        try MLDictionaryFeatureProvider(dictionary: arrays.mapValues { MLFeatureValue(multiArray: $0) })
    }
}
#endif
