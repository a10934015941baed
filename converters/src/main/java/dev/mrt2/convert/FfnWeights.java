package dev.mrt2.convert;

import dev.mrt2.model.Mrt2Keys;
import dev.mrt2.safetensors.SafetensorsFile;
import java.util.function.Function;

/**
 * The feed-forward block of one layer with its sandwich norms (mrt2-model.md §2.5, §3.2 step 3).
 *
 * @param preNorm  {@code [d_model]}
 * @param kernel1  {@code [d_model, d_ffn]}
 * @param bias1    {@code [d_ffn]}
 * @param kernel2  {@code [d_ffn, d_model]}
 * @param bias2    {@code [d_model]}
 * @param postNorm {@code [d_model]}
 */
record FfnWeights(CheckpointTensor preNorm, CheckpointTensor kernel1, CheckpointTensor bias1, CheckpointTensor kernel2,
                  CheckpointTensor bias2, CheckpointTensor postNorm) {
    static FfnWeights load(SafetensorsFile f, Function<String, String> keyOf, int dModel, int dFfn) {
        return new FfnWeights(
                CheckpointTensor.require(f, keyOf.apply(Mrt2Keys.FFN_PRE_NORM), dModel),
                CheckpointTensor.require(f, keyOf.apply(Mrt2Keys.FFN1_KERNEL), dModel, dFfn),
                CheckpointTensor.require(f, keyOf.apply(Mrt2Keys.FFN1_BIAS), dFfn),
                CheckpointTensor.require(f, keyOf.apply(Mrt2Keys.FFN2_KERNEL), dFfn, dModel),
                CheckpointTensor.require(f, keyOf.apply(Mrt2Keys.FFN2_BIAS), dModel),
                CheckpointTensor.require(f, keyOf.apply(Mrt2Keys.FFN_POST_NORM), dModel));
    }
}
