package dev.mrt2.host.decode;

import dev.mrt2.io.BadInputException;
import dev.mrt2.model.Mrt2Constants;
import dev.mrt2.tensor.NdArray;
import dev.mrt2.tensor.Npy;
import java.nio.file.Path;

/**
 * Token frames as {@code mrt2 decode} reads them and {@code mrt2 render --tokens-out} writes them: an {@code .npy} of
 * shape {@code [F, L]}, int32 (int64 accepted), either unique ids {@code 6 + C l + code} like the published
 * {@code generated_tokens_unique.npy}, or codebook-local codes 0..C-1 ({@code --raw-codes}).
 */
public final class TokenFrames {
    private TokenFrames() {}

    /** Codebook-local codes {@code [F][L]} from the file; every value must lie in its level's range. */
    public static int[][] read(Path file, int levels, int codebookSize, boolean raw) {
        Npy.Contents contents = Npy.readContents(file);
        NdArray a = contents.array();
        // the file's own dtype in the message: a float64 file arrives as F32, an int64 one as I32
        if (a.kind() != NdArray.Kind.I32 || a.rank() != 2 || a.dim(1) != levels) {
            throw new BadInputException(file + ": " + contents.describe() + ", expected integer [frames, " + levels
                    + "] " + (raw ? "codes" : "unique token ids"));
        }
        int frames = a.dim(0);
        if (frames < 2) {
            throw new BadInputException(file + ": " + frames + " frame(s); the decoder needs 2 or more (the last one"
                    + " is lookahead only)");
        }
        int[] v = a.ints();
        int[][] codes = new int[frames][levels];
        for (int t = 0; t < frames; t++) {
            for (int l = 0; l < levels; l++) {
                int x = v[t * levels + l];
                int from = raw ? 0 : uniqueId(l, 0, codebookSize);
                if (x < from || x >= from + codebookSize) {
                    // say the layout in full: a file made for codebooks of another size fails here too
                    String layout = "unique ids are " + Mrt2Constants.RESERVED_TOKENS + " + " + codebookSize
                            + " level + code, these codebooks holding " + codebookSize + " codes per level";
                    throw new BadInputException(file + ": frame " + t + " level " + l + ": " + (raw ? "code " : "id ")
                            + x + " outside " + from + ".." + (from + codebookSize - 1) + " (" + layout
                            + (raw ? "; for unique ids drop --raw-codes)" : "; codes 0.." + (codebookSize - 1)
                            + " need --raw-codes)"));
                }
                codes[t][l] = x - from;
            }
        }
        return codes;
    }

    /** {@code [F, L]} int32 unique ids for codes {@code [F][L]}. */
    public static NdArray uniqueIds(int[][] codes, int codebookSize) {
        int levels = codes[0].length;
        int[] ids = new int[codes.length * levels];
        for (int t = 0; t < codes.length; t++) {
            for (int l = 0; l < levels; l++) {
                ids[t * levels + l] = uniqueId(l, codes[t][l], codebookSize);
            }
        }
        return NdArray.i32(new int[] {codes.length, levels}, ids);
    }

    static int uniqueId(int level, int code, int codebookSize) {
        return Mrt2Constants.RESERVED_TOKENS + codebookSize * level + code;
    }
}
