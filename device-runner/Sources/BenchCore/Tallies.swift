/// Where MLComputePlan puts operations. Keys match the results schema.
public enum PlacementDevice: String, CaseIterable, Sendable {
    case neuralEngine = "neural_engine"
    case gpu
    case cpu
}

/// Counts operations by preferred device and sums their estimated cost weights. Operations without a device usage
/// (constants) are counted under "none" and carry no cost.
public struct PlacementTally: Equatable, Sendable {
    public private(set) var ops: [String: Int] = ["neural_engine": 0, "gpu": 0, "cpu": 0, "none": 0]
    public private(set) var cost: [String: Double] = ["neural_engine": 0, "gpu": 0, "cpu": 0]

    public init() {}

    public mutating func record(device: PlacementDevice?, costWeight: Double?) {
        guard let device else {
            ops["none", default: 0] += 1
            return
        }
        ops[device.rawValue, default: 0] += 1
        cost[device.rawValue, default: 0] += costWeight ?? 0
    }
}

/// The non-finite check of one run: how many output values were inspected, how many were NaN or infinite, and
/// where the first one appeared.
public struct FiniteTally: Equatable, Sendable {
    public struct Location: Equatable, Sendable {
        public let call: Int
        public let output: String
        public let warmup: Bool
    }

    public private(set) var valuesChecked = 0
    public private(set) var nonFiniteValues = 0
    public private(set) var first: Location?

    public init() {}

    public mutating func record(call: Int, warmup: Bool, output: String, checked: Int, nonFinite: Int) {
        valuesChecked += checked
        nonFiniteValues += nonFinite
        if nonFinite > 0 && first == nil {
            first = Location(call: call, output: output, warmup: warmup)
        }
    }
}
