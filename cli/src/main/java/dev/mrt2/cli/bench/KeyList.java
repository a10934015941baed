package dev.mrt2.cli.bench;

import dev.mrt2.safetensors.DType;
import dev.mrt2.safetensors.SafetensorsFile;
import dev.mrt2.safetensors.TensorInfo;
import java.nio.file.Path;
import java.util.stream.Collectors;

/**
 * Prints a checkpoint's tensors as {@code key<TAB>d0,d1,...}, the format of {@code shared/spec/mrt2-small-keys.tsv},
 * so a script can diff a full-size synthetic checkpoint against Appendix A. Exits 1 if any tensor is not F32.
 *
 * <p>Usage: {@code java -cp mrt2.jar dev.mrt2.cli.bench.KeyList FILE}
 */
public final class KeyList {
    private KeyList() {}

    public static void main(String[] args) {
        if (args.length != 1) {
            System.err.println("usage: KeyList FILE");
            System.exit(2);
        }
        int notF32 = 0;
        try (SafetensorsFile f = SafetensorsFile.open(Path.of(args[0]))) {
            for (TensorInfo t : f.tensors()) {
                System.out.println(t.name() + "\t" + t.shape().stream().map(String::valueOf).collect(Collectors.joining(",")));
                if (t.dtype() != DType.F32) {
                    System.err.println(t.name() + ": " + t.dtype() + ", expected F32");
                    notF32++;
                }
            }
        }
        System.exit(notF32 == 0 ? 0 : 1);
    }
}
