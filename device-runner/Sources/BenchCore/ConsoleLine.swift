/// The one line the runner prints per (model, compute units), so a `--console` launch or a Mac terminal shows the
/// figures before the receipts exist. Same statistics as the receipts.
public enum ConsoleLine {
    public static func summary(_ run: ResultsDocument.ModelRun) -> String {
        let head = "\(run.model) [\(run.computeUnits)]"
        if let error = run.error {
            return "\(head): FAILED: \(error)"
        }
        var parts: [String] = []
        if let s = LatencyStats(milliseconds: run.latenciesMs) {
            parts.append("p50 \(ms(s.p50)) p90 \(ms(s.p90)) p99 \(ms(s.p99)) max \(ms(s.max)) ms")
            parts.append("\(s.overBudget)/\(s.calls) over \(Int(LatencyStats.frameBudgetMs)) ms")
        }
        if run.computePlan.available {
            let total = run.computePlan.cost.values.reduce(0, +)
            let share = PlacementDevice.allCases.map { d -> String in
                let c = run.computePlan.cost[d.rawValue] ?? 0
                return "\(d.rawValue) \(percent(total > 0 ? c / total : 0))"
            }
            parts.append("cost " + share.joined(separator: " "))
        } else {
            parts.append("no compute plan (\(run.computePlan.reason ?? "unknown"))")
        }
        let t = run.outputs.tally
        parts.append("non-finite \(t.nonFiniteValues)/\(t.valuesChecked)")
        return "\(head): " + parts.joined(separator: ", ")
    }

    static func ms(_ v: Double) -> String {
        let thousandths = Int((v * 1000).rounded())
        let frac = String(thousandths % 1000)
        return "\(thousandths / 1000)." + String(repeating: "0", count: 3 - frac.count) + frac
    }

    static func percent(_ share: Double) -> String {
        let tenths = Int((share * 1000).rounded())
        return "\(tenths / 10).\(tenths % 10)%"
    }
}
