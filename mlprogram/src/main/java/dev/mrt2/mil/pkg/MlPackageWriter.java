package dev.mrt2.mil.pkg;

import dev.mrt2.mil.Binding;
import dev.mrt2.mil.Block;
import dev.mrt2.mil.ConstValue;
import dev.mrt2.mil.Function;
import dev.mrt2.mil.MilException;
import dev.mrt2.mil.Model;
import dev.mrt2.mil.Operation;
import dev.mrt2.mil.Program;
import dev.mrt2.mil.codec.ModelValidator;
import dev.mrt2.mil.weights.WeightFileWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Writes a model that already exists in memory (typically one read from disk) as a new package: blob data is
 * copied into a fresh weight.bin in program order, straight from its source mapping, and offsets are reassigned.
 * Two constants that shared one blob still share one. Same atomic publishing as {@link MlPackageBuilder}.
 */
public final class MlPackageWriter {
    private MlPackageWriter() {}

    public static PackageWriteResult write(Path target, Model model) {
        try {
            ModelValidator.validate(model);
        } catch (MilException e) {
            throw new MilException(target + ": " + e.getMessage(), e);
        }
        try (StagingDirectory staging = StagingDirectory.besides(target);
             WeightFileWriter weights = PackageFiles.createWeights(staging.path())) {
            Model copied = copyBlobs(model, weights);
            return PackageFiles.finish(staging, weights, copied, target);
        }
    }

    private static Model copyBlobs(Model model, WeightFileWriter weights) {
        BlobCopier copier = new BlobCopier(weights);
        TreeMap<String, Function> functions = new TreeMap<>();
        for (Function f : model.program().functions().values()) {
            List<Operation> ops = new ArrayList<>();
            for (Operation op : f.block().operations()) {
                TreeMap<String, List<Binding>> inputs = new TreeMap<>();
                for (Map.Entry<String, List<Binding>> e : op.inputs().entrySet()) {
                    List<Binding> bindings = new ArrayList<>();
                    for (Binding b : e.getValue()) {
                        bindings.add(b.isName() ? b : Binding.inline(copier.copy(b.value())));
                    }
                    inputs.put(e.getKey(), bindings);
                }
                ConstValue value = op.value() == null ? null : copier.copy(op.value());
                ops.add(new Operation(op.type(), op.name(), inputs, op.outputs(), value));
            }
            Block block = new Block(f.block().inputs(), ops, f.block().outputs());
            functions.put(f.name(), new Function(f.name(), f.inputs(), f.opset(), block));
        }
        return new Model(model.specificationVersion(), model.description(), new Program(functions));
    }

    /** Copies each distinct source blob once, in the order first met. */
    private static final class BlobCopier {
        private final WeightFileWriter weights;
        private final Map<ConstValue.BlobStorage, Map<Long, Long>> copied = new IdentityHashMap<>();

        BlobCopier(WeightFileWriter weights) {
            this.weights = weights;
        }

        ConstValue copy(ConstValue value) {
            if (!(value instanceof ConstValue.Blob blob)) {
                return value;
            }
            Map<Long, Long> offsets = copied.computeIfAbsent(blob.storage(), s -> new TreeMap<>());
            Long offset = offsets.get(blob.offset());
            if (offset == null) {
                offset = weights.append(blob.type(), blob.data());
                offsets.put(blob.offset(), offset);
            }
            return new ConstValue.Blob(blob.type(), weights.fileName(), offset, weights);
        }
    }
}
