/// Latency statistics with the nearest-rank percentile: the p-th percentile of n sorted latencies is the k-th
/// smallest, k = ceil(p * n / 100). `mrt2 device-bench` computes the receipts with the same definition.
public struct LatencyStats: Equatable, Sendable {
    public let calls: Int
    public let p50: Double
    public let p90: Double
    public let p99: Double
    public let max: Double
    public let mean: Double
    /// Calls strictly slower than the budget.
    public let overBudget: Int

    /// One 25 Hz token frame.
    public static let frameBudgetMs = 40.0

    public init?(milliseconds: [Double], budget: Double = frameBudgetMs) {
        guard !milliseconds.isEmpty else { return nil }
        let sorted = milliseconds.sorted()
        calls = sorted.count
        p50 = Self.percentile(sorted, 50)
        p90 = Self.percentile(sorted, 90)
        p99 = Self.percentile(sorted, 99)
        max = sorted[sorted.count - 1]
        mean = sorted.reduce(0, +) / Double(sorted.count)
        overBudget = sorted.filter { $0 > budget }.count
    }

    /// Nearest-rank percentile of an ascending array, 0 < p <= 100.
    public static func percentile(_ sorted: [Double], _ p: Int) -> Double {
        precondition(p > 0 && p <= 100 && !sorted.isEmpty)
        let rank = (p * sorted.count + 99) / 100
        return sorted[Swift.max(1, rank) - 1]
    }
}
