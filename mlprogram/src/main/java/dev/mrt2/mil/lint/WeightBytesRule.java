package dev.mrt2.mil.lint;

import dev.mrt2.mil.Binding;
import dev.mrt2.mil.ConstValue;
import dev.mrt2.mil.DataType;
import dev.mrt2.mil.Operation;
import dev.mrt2.mil.TensorType;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code ANE040-weight-bytes}: how many constant bytes every prediction reads, by dtype, listing the weight.bin
 * constants. Reported once a package has any blob constant; it blocks nothing, it prices each call.
 */
final class WeightBytesRule implements LintRule {
    static final String ID = "ANE040-weight-bytes";

    private static final String WHY = "constants stream from DRAM on every prediction, so one call costs at least weight"
            + " bytes / memory bandwidth (mrt2-model.md 6.2.3: 12 calls per frame of the 93 MB fp32 depth body cost"
            + " ~40 ms per frame on A14); fewer calls per frame and fp16 constants cut it";

    @Override
    public List<Finding> check(ProgramIndex program) {
        TreeMap<String, Long> bytesByType = new TreeMap<>();
        List<String> blobOps = new ArrayList<>();
        long total = 0;
        long constants = 0;
        for (Operation op : program.operations()) {
            List<ConstValue> values = new ArrayList<>();
            if (op.value() != null) {
                values.add(op.value());
                if (op.value() instanceof ConstValue.Blob) {
                    blobOps.add(op.name());
                }
            }
            for (List<Binding> bindings : op.inputs().values()) {
                for (Binding b : bindings) {
                    if (!b.isName()) {
                        values.add(b.value());
                    }
                }
            }
            for (ConstValue v : values) {
                long bytes = bytes(v.type());
                constants++;
                total += bytes;
                if (bytes > 0) {
                    bytesByType.merge(v.type().dataType().milName, bytes, Long::sum);
                }
            }
        }
        if (blobOps.isEmpty()) {
            return List.of();
        }
        TreeMap<String, Long> figures = new TreeMap<>();
        figures.put("bytes", total);
        figures.put("constants", constants);
        figures.put("blob_constants", (long) blobOps.size());
        StringBuilder split = new StringBuilder();
        for (Map.Entry<String, Long> e : bytesByType.entrySet()) {
            figures.put(e.getKey() + "_bytes", e.getValue());
            split.append(split.length() == 0 ? "" : ", ").append(e.getKey()).append(' ')
                    .append(String.format(Locale.ROOT, "%,d", e.getValue()));
        }
        String message = String.format(Locale.ROOT, "every prediction reads %,d bytes (%.1f MiB) of constants (%s)",
                total, total / 1048576.0, split);
        return List.of(new Finding(ID, Severity.INFO, message, blobOps, figures, WHY));
    }

    private static long bytes(TensorType t) {
        return t.dataType() == DataType.STRING ? 0 : t.elementCount() * t.dataType().byteSize();
    }
}
