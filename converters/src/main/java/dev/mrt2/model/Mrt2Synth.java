package dev.mrt2.model;

import dev.mrt2.safetensors.DType;
import dev.mrt2.safetensors.SafetensorsWriter;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.function.LongConsumer;

/**
 * Writes a synthetic MRT2 checkpoint: every key and shape of {@link Mrt2Layout#keys(Mrt2Dims)}, all F32, filled
 * with seeded Gaussian noise whose scale keeps activations realistic.
 *
 * <p>Scheme. Each tensor has its own SplitMix64 stream seeded from FNV-1a-64(key) mixed with the seed
 * ({@link SynthRandom}), so the bytes depend only on (dims, seed): not on thread count or fill order.
 * Distributions ({@link SynthInit}): dense, attention and conv kernels N(0, 1/fan_in), with fan_in = the first
 * axis; H*h for an output projection stored [d_model, H, h]; kt*kf*cin for a conv; kt*kf*cin/(st*sf) for a
 * transpose conv. Norm scales 1 + N(0, 0.05^2); LayerNorm and dense biases N(0, 0.02^2); codec biases
 * N(0, 0.01^2); per_dim_scale N(0, 0.1^2); attention sinks N(0, 1/h); decoder embedding N(0, 1/D) so that
 * sqrt(D)*row has unit scale; quantizer codebooks and conditioning-encoder tables N(0, 0.1^2).
 * Header metadata records the generator and the seed.
 */
public final class Mrt2Synth {
    private static final int CHUNK = 16384;

    private Mrt2Synth() {}

    /** Writes with one thread per available processor; returns the file size in bytes. */
    public static long write(Path out, Mrt2Dims dims, long seed) {
        return write(out, dims, seed, Runtime.getRuntime().availableProcessors());
    }

    /** Writes with up to {@code threads} threads (the bytes do not depend on it); returns the file size. */
    public static long write(Path out, Mrt2Dims dims, long seed, int threads) {
        return write(out, dims, seed, threads, bytes -> {});
    }

    /** Same, telling {@code filled} the bytes of each tensor as it is written (from the filling thread). */
    public static long write(Path out, Mrt2Dims dims, long seed, int threads, LongConsumer filled) {
        SynthInit init = new SynthInit(dims);
        SafetensorsWriter w = new SafetensorsWriter().threads(threads).onFilled(filled)
                .metadata("generator", "mrt2 synth")
                .metadata("seed", Long.toString(seed));
        for (Mrt2Layout.KeySpec spec : Mrt2Layout.keys(dims)) {
            SynthInit.Gaussian g = init.forKey(spec.key(), spec.shape());
            long n = spec.elementCount();
            w.add(spec.key(), DType.F32, spec.shape(), dst -> fill(dst.asFloatBuffer(), n, g,
                    SynthRandom.forKey(seed, spec.key())));
        }
        return w.write(out);
    }

    /** The tensor bytes {@link #write} fills for {@code dims} (what it reports through its progress hook). */
    public static long dataBytes(Mrt2Dims dims) {
        long data = 0;
        for (Mrt2Layout.KeySpec spec : Mrt2Layout.keys(dims)) {
            data += spec.elementCount() * Float.BYTES;
        }
        return data;
    }

    /** An upper bound of the file's size: the data plus its JSON header (374 keys: well under 256 KiB). */
    public static long fileSize(Mrt2Dims dims) {
        return dataBytes(dims) + 256 * 1024;
    }

    private static void fill(FloatBuffer dst, long n, SynthInit.Gaussian g, SynthRandom random) {
        float[] chunk = new float[(int) Math.min(CHUNK, n)];
        for (long done = 0; done < n; ) {
            int m = (int) Math.min(chunk.length, n - done);
            for (int i = 0; i < m; i++) {
                chunk[i] = (float) (g.mean() + g.std() * random.nextGaussian());
            }
            dst.put(chunk, 0, m);
            done += m;
        }
    }
}
