package dev.mrt2.validate;

import dev.mrt2.mil.DataType;
import dev.mrt2.mil.FeatureDescription;
import dev.mrt2.mil.Model;
import dev.mrt2.mil.Operation;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.Var;
import dev.mrt2.mil.pkg.FileDigests;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What an artifact of the models folder is: a package (kind from its input names, so coremltools-made packages with
 * the same contract are recognised too; precision from its ops' output types) or the codebook table; the checkpoint
 * its metadata names, and every file's SHA-256 for the receipt.
 *
 * @param artifact     the package name without {@code .mlpackage}, or the codebook file name without {@code .bin}
 * @param path         the package folder or the codebook file
 * @param kind         which comparisons apply
 * @param precision    {@code float16} when any op computes in fp16, else {@code float32}
 * @param inputs       the package's input shapes by name (empty for the codebooks)
 * @param outputs      the package's output shapes by name (empty for the codebooks)
 * @param sourceSha256 the checkpoint SHA-256 its metadata names ({@code mrt2.source_checkpoint_sha256}, or the
 *                     codebook sidecar's {@code checkpoint_sha256}); null when it names none
 * @param files        SHA-256 of every file, by path inside the package (or the file name)
 */
public record PackageInfo(String artifact, Path path, Kind kind, String precision,
                          SortedMap<String, List<Integer>> inputs, SortedMap<String, List<Integer>> outputs,
                          String sourceSha256, SortedMap<String, String> files) {
    public enum Kind { TEMPORAL, TEMPORAL_CARRY, DEPTH_LOGITS, DEPTH_ROLLOUT, DECODER, CODEBOOKS, END_TO_END, UNKNOWN }

    public static final String FP16 = "float16";
    public static final String FP32 = "float32";
    static final String SOURCE_KEY = "mrt2.source_checkpoint_sha256";

    public PackageInfo {
        inputs = new TreeMap<>(inputs);
        outputs = new TreeMap<>(outputs);
    }

    /** The last dimension of input {@code name}, or -1 when the package has no such input. */
    public int inputWidth(String name) {
        List<Integer> shape = inputs.get(name);
        return shape == null || shape.isEmpty() ? -1 : shape.get(shape.size() - 1);
    }

    public List<Integer> inputShape(String name) {
        return inputs.getOrDefault(name, List.of());
    }

    public boolean fp16() {
        return FP16.equals(precision);
    }

    /** Runs on the executor (every kind but the codebook table). */
    public boolean executable() {
        return kind != Kind.CODEBOOKS;
    }

    /** The artifact's file or folder name, as a user sees it in the models folder. */
    public String fileName() {
        return path.getFileName().toString();
    }

    static PackageInfo of(Path pkg, Model model, FileDigests digests) {
        String name = pkg.getFileName().toString();
        String artifact = name.endsWith(".mlpackage") ? name.substring(0, name.length() - ".mlpackage".length()) : name;
        SortedMap<String, List<Integer>> inputs = shapes(model.description().inputs());
        String source = model.description().metadata().userDefined().get(SOURCE_KEY);
        return new PackageInfo(artifact, pkg, kind(inputs.keySet()), precision(model), inputs,
                shapes(model.description().outputs()), source, digests.tree(pkg));
    }

    /** The codebook table and its sidecar (mrt2-model.md §5). */
    static PackageInfo codebooks(Path bin, Path sidecar, String sourceSha256, FileDigests digests) {
        String name = bin.getFileName().toString();
        digests.request(sidecar);
        SortedMap<String, String> files = new TreeMap<>();
        files.put(name, digests.sha256(bin));
        files.put(sidecar.getFileName().toString(), digests.sha256(sidecar));
        return new PackageInfo(name.substring(0, name.length() - ".bin".length()), bin, Kind.CODEBOOKS, FP32,
                new TreeMap<>(), new TreeMap<>(), sourceSha256, files);
    }

    private static SortedMap<String, List<Integer>> shapes(List<FeatureDescription> features) {
        SortedMap<String, List<Integer>> out = new TreeMap<>();
        for (FeatureDescription f : features) {
            out.put(f.name(), java.util.Arrays.stream(f.type().intDims()).boxed().toList());
        }
        return out;
    }

    static Kind kind(Set<String> names) {
        Set<String> inputs = new HashSet<>(names);
        if (inputs.contains(StatefulStepper.INPUT) && inputs.contains(StatefulStepper.SOURCE)) {
            // the carry step takes its caches as inputs; the stateful step keeps them in states
            boolean carry = inputs.stream().anyMatch(n -> n.endsWith(CarryStepper.CACHE_IN_SUFFIX));
            return carry ? Kind.TEMPORAL_CARRY : Kind.TEMPORAL;
        }
        if (inputs.contains(RolloutCheck.FRAME) && inputs.contains(RolloutCheck.NOISE)) {
            return Kind.DEPTH_ROLLOUT;
        }
        if (inputs.contains(DepthLogits.INPUT)) {
            return Kind.DEPTH_LOGITS;
        }
        if (inputs.contains(DecoderCheck.INPUT)) {
            return Kind.DECODER;
        }
        return Kind.UNKNOWN;
    }

    static String precision(Model model) {
        for (Operation op : model.program().main().block().operations()) {
            for (Var out : op.outputs()) {
                if (!op.isConst() && out.type() instanceof TensorType t && t.dataType() == DataType.FLOAT16) {
                    return FP16;
                }
            }
        }
        return FP32;
    }
}
