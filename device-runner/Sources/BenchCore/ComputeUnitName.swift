/// The compute-unit settings a run can ask for, spelled like Core ML's `MLComputeUnits` cases.
public enum ComputeUnitName: String, CaseIterable, Codable, Sendable {
    case all
    case cpuAndNeuralEngine
    case cpuAndGPU
    case cpuOnly
}
