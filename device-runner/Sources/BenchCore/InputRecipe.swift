/// How the runner fills each model input, decided by the input's name so the same rules serve every package
/// `mrt2 convert` writes (and the corrected-generation packages of the seed):
///
/// | input | fill |
/// | --- | --- |
/// | `cache_valid_bias` | the host protocol of ``CacheValidBias`` for the current step |
/// | names containing `cache` (carry-model `*_cache_in`) | zeros: an empty cache |
/// | `gumbel_noise` | Gumbel(0, 1) noise |
/// | `inverse_temperature` | 1 / 1.3 (the default temperature) |
/// | `temporal_inputs`, `temporal_frame` | N(0, 0.3²): a mean of 12 unit-scale embeddings |
/// | `source_encoded` | N(0, 0.15²), like the seed's streaming validator |
/// | `decoder_embeddings` | N(0, 0.35²): a sum of 12 codebook rows |
/// | anything else | N(0, 1) |
///
/// Values come from ``SplitMix64/stream(seed:name:)``, so a given seed gives the same inputs on every device.
public enum InputFill: Equatable, Sendable {
    case gaussian(standardDeviation: Float)
    case gumbel
    case constant(Float)
    case zeros
    case cacheValidBias

    public static func forInput(named name: String) -> InputFill {
        if name == CacheValidBias.inputName { return .cacheValidBias }
        if name.contains("cache") { return .zeros }
        switch name {
        case "gumbel_noise": return .gumbel
        case "inverse_temperature": return .constant(1 / 1.3)
        case "temporal_inputs", "temporal_frame": return .gaussian(standardDeviation: 0.3)
        case "source_encoded": return .gaussian(standardDeviation: 0.15)
        case "decoder_embeddings": return .gaussian(standardDeviation: 0.35)
        default: return .gaussian(standardDeviation: 1)
        }
    }

    /// `count` values drawn from `generator` (nothing drawn for fills that need no randomness).
    public func values(count: Int, generator: inout SplitMix64) -> [Float] {
        switch self {
        case .gaussian(let sd): return (0..<count).map { _ in generator.nextGaussian() * sd }
        case .gumbel: return (0..<count).map { _ in generator.nextGumbel() }
        case .constant(let v): return Array(repeating: v, count: count)
        case .zeros, .cacheValidBias: return Array(repeating: 0, count: count)
        }
    }

    /// The temporal model's frame input changes every step; everything else stays fixed for the whole run.
    public static func changesEveryStep(_ name: String) -> Bool {
        name == "temporal_inputs"
    }
}

/// The streaming host protocol of the stateful temporal body (MODELS.md): caches start at zero; at step s the
/// bias is 0 for the sink (index 0) and the current frame (last index), 0 for the cache rows that hold the
/// `min(s, W)` most recent frames, and -1e4 for the rest, where the graph shifts the newest row into row W - 1
/// and W = length - 2 (41). So `bias[1 + r] = 0` exactly when `r >= W - min(s, W)`.
public enum CacheValidBias {
    public static let inputName = "cache_valid_bias"
    /// FP16-representable and far below any reachable score, so masked rows get zero weight.
    public static let masked: Float = -1e4

    public static func values(step: Int, length: Int) -> [Float] {
        precondition(length >= 2 && step >= 0)
        let window = length - 2
        let valid = min(step, window)
        var bias = [Float](repeating: masked, count: length)
        bias[0] = 0
        bias[length - 1] = 0
        for row in 0..<window where row >= window - valid {
            bias[1 + row] = 0
        }
        return bias
    }
}
