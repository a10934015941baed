/// The host ring of the stateless carry temporal step (mrt2-model.md §6.2.2, repository MODELS.md): caches start at
/// zero; at step s, `valid = min(s, W)` and `cache_valid_bias` opens rows 0..valid-1 (bias indices 1...valid);
/// after the prediction every `<cache>_updates` row goes to row `valid` while the window fills, afterwards the rows
/// shift down by one and it goes to row W - 1 (oldest first). All caches move in lockstep. Because the model has
/// no positional encoding, this chronological order is equivalent to the reference's ring.
public struct CarryRing: Equatable, Sendable {
    public let window: Int
    public let rowSize: Int
    /// One `[window * rowSize]` cache per name, in the order given at creation.
    public private(set) var caches: [[Float]]

    public init(cacheCount: Int, window: Int, rowSize: Int) {
        self.window = window
        self.rowSize = rowSize
        caches = Array(repeating: Array(repeating: 0, count: window * rowSize), count: cacheCount)
    }

    /// The bias for step `step`: sink (index 0) and current frame (last) open, cache rows 0..<min(step, W) open,
    /// the rest masked with ``CacheValidBias/masked``.
    public static func bias(step: Int, length: Int) -> [Float] {
        precondition(length >= 2 && step >= 0)
        let window = length - 2
        var bias = [Float](repeating: CacheValidBias.masked, count: length)
        bias[0] = 0
        bias[length - 1] = 0
        for row in 0..<min(step, window) {
            bias[1 + row] = 0
        }
        return bias
    }

    /// Files the updates of step `step` (one `rowSize` row per cache, same order as the caches).
    public mutating func file(updates: [[Float]], step: Int) {
        precondition(updates.count == caches.count)
        let valid = min(step, window)
        for i in caches.indices {
            precondition(updates[i].count == rowSize)
            if valid < window {
                caches[i].replaceSubrange((valid * rowSize)..<((valid + 1) * rowSize), with: updates[i])
            } else {
                caches[i].removeFirst(rowSize)
                caches[i].append(contentsOf: updates[i])
            }
        }
    }
}
