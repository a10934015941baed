#if canImport(CoreML)
import CoreML
import Foundation
#if canImport(BenchCore)
import BenchCore
#endif

/// Reads MLComputePlan (iOS 17.4+, macOS 14.4+): for every operation of every function, nested blocks included,
/// its preferred compute device and its estimated cost weight.
enum ComputePlanReader {
    static func read(url: URL, configuration: MLModelConfiguration) async -> ResultsDocument.ComputePlan {
        do {
            let plan = try await MLComputePlan.load(contentsOf: url, configuration: configuration)
            guard case .program(let program) = plan.modelStructure else {
                return .unavailable("the model is not an ML program")
            }
            var tally = PlacementTally()
            for name in program.functions.keys.sorted() {
                if let function = program.functions[name] {
                    visit(function.block, plan: plan, tally: &tally)
                }
            }
            return .from(tally)
        } catch {
            return .unavailable("MLComputePlan.load failed: \(error.localizedDescription)")
        }
    }

    private static func visit(_ block: MLModelStructure.Program.Block, plan: MLComputePlan,
                              tally: inout PlacementTally) {
        for operation in block.operations {
            var device: PlacementDevice?
            if let usage = plan.deviceUsage(for: operation) {
                device = placement(of: usage.preferred)
            }
            tally.record(device: device, costWeight: plan.estimatedCost(of: operation)?.weight)
            for nested in operation.blocks {
                visit(nested, plan: plan, tally: &tally)
            }
        }
    }

    private static func placement(of device: MLComputeDevice) -> PlacementDevice? {
        switch device {
        case .cpu: return .cpu
        case .gpu: return .gpu
        case .neuralEngine: return .neuralEngine
        @unknown default: return nil
        }
    }
}
#endif
