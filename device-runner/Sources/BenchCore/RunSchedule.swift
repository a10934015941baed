/// The order of predictions in one (model, compute units) run: each repeat is `warmups` untimed calls followed by
/// `frames` timed ones. For the temporal model a repeat is one stream, so `step` (0-based within the repeat) drives
/// the cache bias and warm-ups are the first steps of that stream.
public struct RunSchedule: Sequence, Sendable {
    public struct Call: Equatable, Sendable {
        /// 0-based across the whole run, the index the results file reports for a non-finite output.
        public let index: Int
        public let repeatIndex: Int
        public let step: Int
        public let timed: Bool
    }

    public let frames: Int
    public let warmups: Int
    public let repeats: Int

    public init(frames: Int, warmups: Int, repeats: Int) {
        self.frames = frames
        self.warmups = warmups
        self.repeats = repeats
    }

    public var callCount: Int { (frames + warmups) * repeats }

    public func makeIterator() -> AnyIterator<Call> {
        let perRepeat = frames + warmups
        var index = 0
        let total = callCount
        let warmups = self.warmups
        return AnyIterator {
            guard index < total else { return nil }
            defer { index += 1 }
            let step = index % perRepeat
            return Call(index: index, repeatIndex: index / perRepeat, step: step, timed: step >= warmups)
        }
    }
}
