package dev.mrt2.validate;

import dev.mrt2.mil.DataType;
import dev.mrt2.mil.FeatureDescription;
import dev.mrt2.mil.Model;
import dev.mrt2.mil.Operation;
import dev.mrt2.mil.TensorType;
import dev.mrt2.mil.Var;
import dev.mrt2.mil.pkg.Digests;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What a package is, read from its model: the kind from its input names (so coremltools-made packages with the same
 * contract are recognised too), the precision from its ops' output types, and every file's SHA-256 for the receipt.
 *
 * @param artifact  the package name without {@code .mlpackage}
 * @param kind      which comparison applies
 * @param precision {@code float16} when any op computes in fp16, else {@code float32}
 * @param files     SHA-256 of every file, by path inside the package
 */
public record PackageInfo(String artifact, Kind kind, String precision, SortedMap<String, String> files) {
    public enum Kind { TEMPORAL, TEMPORAL_CARRY, DEPTH_LOGITS, DEPTH_ROLLOUT, DECODER, END_TO_END, UNKNOWN }

    public static final String FP16 = "float16";
    public static final String FP32 = "float32";

    public boolean fp16() {
        return FP16.equals(precision);
    }

    static PackageInfo of(Path pkg, Model model) {
        String name = pkg.getFileName().toString();
        String artifact = name.endsWith(".mlpackage") ? name.substring(0, name.length() - ".mlpackage".length()) : name;
        return new PackageInfo(artifact, kind(model), precision(model), digests(pkg));
    }

    static Kind kind(Model model) {
        java.util.Set<String> inputs = new java.util.HashSet<>();
        for (FeatureDescription f : model.description().inputs()) {
            inputs.add(f.name());
        }
        if (inputs.contains(TemporalCheck.INPUT) && inputs.contains(TemporalCheck.SOURCE)) {
            // the carry step takes its caches as inputs; the stateful step keeps them in states
            boolean carry = inputs.stream().anyMatch(n -> n.endsWith(CarryCheck.CACHE_IN_SUFFIX));
            return carry ? Kind.TEMPORAL_CARRY : Kind.TEMPORAL;
        }
        if (inputs.contains(RolloutCheck.FRAME) && inputs.contains(RolloutCheck.NOISE)) {
            return Kind.DEPTH_ROLLOUT;
        }
        if (inputs.contains(TokenCheck.DEPTH_INPUT)) {
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

    private static SortedMap<String, String> digests(Path pkg) {
        SortedMap<String, String> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(pkg)) {
            walk.filter(Files::isRegularFile).sorted().forEach(f ->
                    out.put(pkg.relativize(f).toString().replace('\\', '/'), Digests.sha256(f)));
        } catch (IOException e) {
            throw new UncheckedIOException(pkg + ": cannot list: " + e.getMessage(), e);
        }
        return out;
    }
}
