package dev.mrt2.validate;

import static dev.mrt2.validate.FixtureFiles.STREAM_INPUTS;
import static dev.mrt2.validate.FixtureFiles.STREAM_OUTPUTS;
import static dev.mrt2.validate.FixtureFiles.STREAM_SOURCES;

import dev.mrt2.io.BadInputException;
import dev.mrt2.tensor.NdArray;
import java.util.Arrays;

/**
 * The reference cases of fixture files {@link FixtureDims} and {@link FixtureValues} have checked (so every shape
 * here is the layout's), and the checks of the files that repeat each other: the device fixture against the
 * streaming npz, the unrolled tokens against the generated ones.
 */
final class FixtureCases {
    private final String source;
    private final FixtureManifest manifest;

    /**
     * @param source   {@code fixtures <folder name>}
     * @param manifest our manifest, or null
     */
    FixtureCases(String source, FixtureManifest manifest) {
        this.source = source;
        this.manifest = manifest;
    }

    private Origin origin(FixtureFile f) {
        return new Origin(f.name(), source, manifest == null ? "as published" : manifest.inputsOf(f.name()));
    }

    /** The npz when present, else the device fixture; when both are there they must hold the same values. */
    ReferenceSet.TemporalStream stream(FixtureFile npz, FixtureFile device) {
        if (npz != null && device != null) {
            int steps = npz.get(STREAM_INPUTS).dim(0);
            if (device.get(STREAM_INPUTS).dim(0) != steps) {
                throw new BadInputException(device.path() + ": holds " + device.get(STREAM_INPUTS).dim(0)
                        + " steps, " + npz.name() + " holds " + steps + " (files from different runs?)");
            }
            for (String m : new String[] {STREAM_INPUTS, STREAM_SOURCES, STREAM_OUTPUTS}) {
                same(npz, device, m, steps);
            }
        }
        FixtureFile f = npz != null ? npz : device;
        if (f == null) {
            return null;
        }
        int steps = f.get(STREAM_INPUTS).dim(0);
        return new ReferenceSet.TemporalStream(Tensors.rows(f.get(STREAM_INPUTS), steps),
                Tensors.rows(f.get(STREAM_SOURCES), steps), Tensors.rows(f.get(STREAM_OUTPUTS), steps), origin(f));
    }

    private static void same(FixtureFile npz, FixtureFile device, String member, int steps) {
        float[][] a = Tensors.rows(npz.get(member), steps);
        float[][] b = Tensors.rows(device.get(member), steps);
        for (int i = 0; i < steps; i++) {
            if (!Arrays.equals(a[i], b[i])) {
                throw new BadInputException(device.where(member) + " differs from " + npz.name() + " at row " + i
                        + " (files from different runs?)");
            }
        }
    }

    ReferenceSet.Unrolled unrolled(FixtureFile f) {
        NdArray tokens = f.get(FixtureFiles.UNROLLED_TOKENS);
        int frames = tokens.dim(0);
        int levels = tokens.dim(1);
        return new ReferenceSet.Unrolled(Tensors.intRows(tokens),
                Tensors.rows(f.get(FixtureFiles.UNROLLED_INPUTS), frames),
                Tensors.rows(f.get(FixtureFiles.UNROLLED_SOURCES), frames),
                Tensors.rows(f.get(FixtureFiles.UNROLLED_OUTPUTS), frames),
                Tensors.cube(f.get(FixtureFiles.UNROLLED_PREFIX), frames, levels - 1),
                Tensors.cube(f.get(FixtureFiles.UNROLLED_LOGITS), frames, levels), origin(f));
    }

    ReferenceSet.GeneratedTokens generated(FixtureFile f) {
        return new ReferenceSet.GeneratedTokens(Tensors.intRows(f.get("")), origin(f));
    }

    /** The published unrolled tokens are the first rows of the generated tokens (§8.3). */
    void sameTokens(FixtureFile file, ReferenceSet.Unrolled u, ReferenceSet.GeneratedTokens g) {
        for (int f = 0; f < u.frames(); f++) {
            if (f >= g.ids().length || !Arrays.equals(u.tokens()[f], g.ids()[f])) {
                throw new BadInputException(file.where(FixtureFiles.UNROLLED_TOKENS) + " row " + f + " is not row " + f
                        + " of " + FixtureFiles.TOKENS + " (files from different runs?)");
            }
        }
    }

    ReferenceSet.TokenArm tokenArm(FixtureFile f) {
        NdArray ids = f.get("tokens");
        int frames = ids.dim(0);
        int levels = ids.dim(1);
        String arm = f.name().substring("tokens_".length(), f.name().length() - ".npz".length());
        return new ReferenceSet.TokenArm(arm, f.get("temperature").floats()[0],
                Tensors.cube(f.get("gumbel_noise"), frames, levels), Tensors.rows(f.get("source_encoded"), frames),
                Tensors.rows(f.get("temporal_inputs"), frames), Tensors.rows(f.get("temporal_outputs"), frames),
                Tensors.intRows(ids), Tensors.cube(f.get("prefix_embeddings"), frames, levels - 1), origin(f));
    }

    RolloutReference.Arm rollout(FixtureFile f) {
        NdArray codes = f.get("sampled_codes");
        int frames = codes.dim(0);
        int levels = codes.dim(1);
        NdArray gumbel = f.get("gumbel_noise");
        String arm = f.name().substring("rollout_".length(), f.name().length() - ".npz".length());
        return RolloutReference.Arm.of(RolloutReference.spec(arm, f.get("temperature").floats()[0], gumbel.floats()),
                Tensors.rows(f.get("temporal_frame"), frames), Tensors.cube(gumbel, frames, levels),
                Tensors.intRows(codes), Tensors.rows(f.get("temporal_feedback"), frames),
                Tensors.cube(f.get("level_logits"), frames, levels), origin(f));
    }

    ReferenceSet.DecoderCase decoder(FixtureFile f) {
        NdArray codes = f.get("codes");
        return new ReferenceSet.DecoderCase(Tensors.intRows(codes),
                Tensors.rows(f.get("decoder_embeddings"), codes.dim(0)), f.get(DecoderCheck.OUTPUT), origin(f));
    }
}
