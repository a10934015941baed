package dev.mrt2.cli.devicebench;

import java.util.ArrayList;
import java.util.List;

/** Core ML's {@code MLComputeUnits}, spelled as the Swift case names the runner app accepts. */
public enum ComputeUnits {
    ALL("all"),
    CPU_AND_NEURAL_ENGINE("cpuAndNeuralEngine"),
    CPU_AND_GPU("cpuAndGPU"),
    CPU_ONLY("cpuOnly");

    private final String swiftName;

    ComputeUnits(String swiftName) {
        this.swiftName = swiftName;
    }

    public String swiftName() {
        return swiftName;
    }

    public static ComputeUnits parse(String name) {
        for (ComputeUnits units : values()) {
            if (units.swiftName.equals(name)) {
                return units;
            }
        }
        throw new DeviceBenchException(DeviceBenchException.Kind.USAGE,
                "unknown compute units '" + name + "' (expected all, cpuAndNeuralEngine, cpuAndGPU or cpuOnly)");
    }

    /** Parses a comma-separated list, keeping the order given and rejecting repeats. */
    public static List<ComputeUnits> parseList(String list) {
        List<ComputeUnits> parsed = new ArrayList<>();
        for (String name : list.split(",")) {
            ComputeUnits units = parse(name.strip());
            if (parsed.contains(units)) {
                throw new DeviceBenchException(DeviceBenchException.Kind.USAGE,
                        "compute units '" + name.strip() + "' given twice");
            }
            parsed.add(units);
        }
        return List.copyOf(parsed);
    }
}
