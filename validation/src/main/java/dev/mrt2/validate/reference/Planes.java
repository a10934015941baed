package dev.mrt2.validate.reference;

/** Element-wise and layout operations of the codec decoder on {@link Chw} activations (mrt2-model.md §4.2–4.3, §14.4). */
public final class Planes {
    private Planes() {}

    /** Elements per parallel chunk of {@link #elu}: Math.expm1 is slow enough that a decoder's ELUs took seconds. */
    private static final int ELU_CHUNK = 1 << 16;

    public static Chw elu(Chw x) {
        float[] in = x.data();
        float[] y = new float[in.length];
        // every element on its own: chunks over the cores change no value
        java.util.stream.IntStream.range(0, (in.length + ELU_CHUNK - 1) / ELU_CHUNK).parallel().forEach(c -> {
            for (int i = c * ELU_CHUNK; i < Math.min(in.length, (c + 1) * ELU_CHUNK); i++) {
                y[i] = Kernels.elu(in[i]);
            }
        });
        return new Chw(y, x.channels(), x.time(), x.freq());
    }

    public static Chw add(Chw a, Chw b) {
        if (a.channels() != b.channels() || a.time() != b.time() || a.freq() != b.freq()) {
            throw new IllegalArgumentException("cannot add " + a + " and " + b);
        }
        float[] y = new float[a.data().length];
        for (int i = 0; i < y.length; i++) {
            y[i] = a.data()[i] + b.data()[i];
        }
        return new Chw(y, a.channels(), a.time(), a.freq());
    }

    /** Nearest-neighbour {@code Up(a, b)}: {@code out[t, f] = in[t / a, f / b]}. */
    public static Chw upsample(Chw x, int byTime, int byFreq) {
        Chw y = Chw.zeros(x.channels(), x.time() * byTime, x.freq() * byFreq);
        float[] in = x.data();
        float[] out = y.data();
        for (int c = 0; c < x.channels(); c++) {
            for (int t = 0; t < x.time(); t++) {
                // one output row from the input row, then the same row again for the other time repeats
                int from = x.index(c, t, 0);
                int to = y.index(c, t * byTime, 0);
                for (int f = 0; f < x.freq(); f++) {
                    float v = in[from + f];
                    for (int r = 0; r < byFreq; r++) {
                        out[to + f * byFreq + r] = v;
                    }
                }
                for (int r = 1; r < byTime; r++) {
                    System.arraycopy(out, to, out, to + r * y.freq(), y.freq());
                }
            }
        }
        return y;
    }

    /** Zero padding: {@code top/bottom} rows of time, {@code left/right} columns of frequency. */
    public static Chw pad(Chw x, int top, int bottom, int left, int right) {
        return window(x, -top, x.time() + top + bottom, -left, x.freq() + left + right);
    }

    /** Inserts {@code s - 1} zeros between neighbouring samples along each axis: length n becomes (n - 1) s + 1. */
    public static Chw dilate(Chw x, int byTime, int byFreq) {
        Chw y = Chw.zeros(x.channels(), (x.time() - 1) * byTime + 1, (x.freq() - 1) * byFreq + 1);
        for (int c = 0; c < x.channels(); c++) {
            for (int t = 0; t < x.time(); t++) {
                for (int f = 0; f < x.freq(); f++) {
                    y.data()[y.index(c, t * byTime, f * byFreq)] = x.at(c, t, f);
                }
            }
        }
        return y;
    }

    /**
     * A stride-1 codec conv (§4.3): time "semicausal" = left pad {@code kt - 1}, frequency "same" = left
     * {@code floor((kf-1)/2)}, right the rest; then a valid cross-correlation.
     */
    public static Chw conv(Conv2d engine, Chw x, ConvWeights w) {
        int p = w.kf() - 1;
        return engine.valid(pad(x, w.kt() - 1, 0, p / 2, p - p / 2), w);
    }

    /**
     * A transposed conv in the checkpoint's native form (§14.4), literally: insert {@code s - 1} zeros between input
     * samples, pad time {@code (kt - 1, st - 1)} and frequency {@code (ceil((kf + sf - 2) / 2), rest)}, then
     * cross-correlate with the UNFLIPPED kernel. Output length {@code n s} along each axis. {@link #transposeConv}
     * computes the same without the products of inserted zeros.
     */
    public static Chw transposeConvByDilation(Conv2d engine, Chw x, ConvWeights w, int st, int sf) {
        int freqPad = w.kf() + sf - 2;
        int left = (freqPad + 1) / 2;
        return engine.valid(pad(dilate(x, st, sf), w.kt() - 1, st - 1, left, freqPad - left), w);
    }

    /**
     * {@link #transposeConvByDilation}, one output phase at a time. In the dilated, padded input only every s-th
     * position holds a sample, so an output of phase {@code r} (along an axis) meets samples only through the taps
     * {@code k ≡ pad - r (mod s)}: each phase is a stride-1 valid correlation of the input with that sub-kernel
     * (still unflipped), written to every s-th output. The products of inserted zeros, {@code (s_t s_f - 1) / (s_t s_f)}
     * of the literal form's work, are never computed; the remaining products are summed in the same order (input
     * channel, kernel row, kernel column, ascending), so the engine gives the same sums.
     */
    public static Chw transposeConv(Conv2d engine, Chw x, ConvWeights w, int st, int sf) {
        int freqPad = w.kf() + sf - 2;
        Chw y = Chw.zeros(w.cout(), x.time() * st, x.freq() * sf);
        for (int rt = 0; rt < st; rt++) {
            Phase time = Phase.of(rt, st, w.kt() - 1, w.kt(), y.time());
            for (int rf = 0; rf < sf; rf++) {
                Phase freq = Phase.of(rf, sf, (freqPad + 1) / 2, w.kf(), y.freq());
                Chw part;
                if (time.taps() == 0 || freq.taps() == 0) {
                    part = Chw.zeros(w.cout(), time.outputs(), freq.outputs());   // no sample reaches: bias only
                    for (int o = 0; o < w.cout(); o++) {
                        java.util.Arrays.fill(part.data(), o * part.plane(), (o + 1) * part.plane(), w.bias()[o]);
                    }
                } else {
                    Chw in = window(x, time.first(), time.outputs() + time.taps() - 1, freq.first(),
                            freq.outputs() + freq.taps() - 1);
                    part = engine.valid(in, subKernel(w, time, st, freq, sf));
                }
                for (int o = 0; o < w.cout(); o++) {
                    for (int q = 0; q < part.time(); q++) {
                        int from = part.index(o, q, 0);
                        int to = y.index(o, q * st + rt, rf);
                        for (int p = 0; p < part.freq(); p++) {
                            y.data()[to + p * sf] = part.data()[from + p];
                        }
                    }
                }
            }
        }
        return y;
    }

    /**
     * One output phase of a transposed conv along one axis: outputs {@code o = s q + r}, {@code q < outputs}, each
     * {@code Σ_m kernel[tap + s m] · input[q + m + first]} over {@code m < taps} (input outside its range is zero).
     */
    private record Phase(int tap, int taps, int first, int outputs) {
        /** Phase {@code r} of stride {@code s} with {@code pad} zeros before the dilated input, a kernel of {@code k}. */
        static Phase of(int r, int s, int pad, int k, int outLength) {
            int tap = Math.floorMod(pad - r, s);           // o + k - pad ≡ 0 (mod s): a sample, not an inserted zero
            int taps = tap < k ? (k - tap + s - 1) / s : 0;
            int first = Math.floorDiv(r + tap - pad, s);   // exact: r + tap - pad is a multiple of s
            return new Phase(tap, taps, first, (outLength - r + s - 1) / s);
        }
    }

    /** The kernel's taps {@code (time.tap + st m, freq.tap + sf n)}, in their order, with the same bias. */
    private static ConvWeights subKernel(ConvWeights w, Phase time, int st, Phase freq, int sf) {
        float[] sub = new float[w.cout() * w.cin() * time.taps() * freq.taps()];
        int at = 0;
        for (int o = 0; o < w.cout(); o++) {
            for (int i = 0; i < w.cin(); i++) {
                for (int m = 0; m < time.taps(); m++) {
                    for (int n = 0; n < freq.taps(); n++) {
                        sub[at++] = w.at(o, i, time.tap() + st * m, freq.tap() + sf * n);
                    }
                }
            }
        }
        return new ConvWeights(sub, w.bias(), w.cout(), w.cin(), time.taps(), freq.taps());
    }

    /** {@code [C, time, freq]} cut from {@code x} at {@code (t0, f0)}; positions outside {@code x} are zero. */
    static Chw window(Chw x, int t0, int time, int f0, int freq) {
        Chw y = Chw.zeros(x.channels(), time, freq);
        int fFrom = Math.max(0, -f0);
        int fTo = Math.min(freq, x.freq() - f0);
        for (int c = 0; c < x.channels(); c++) {
            for (int t = Math.max(0, -t0); t < Math.min(time, x.time() - t0); t++) {
                if (fFrom < fTo) {
                    System.arraycopy(x.data(), x.index(c, t + t0, f0 + fFrom), y.data(), y.index(c, t, fFrom),
                            fTo - fFrom);
                }
            }
        }
        return y;
    }

    /** Channels {@code [from, from + count)}. */
    public static Chw channels(Chw x, int from, int count) {
        float[] y = new float[count * x.plane()];
        System.arraycopy(x.data(), from * x.plane(), y, 0, y.length);
        return new Chw(y, count, x.time(), x.freq());
    }

    /** Concatenation along channels, in argument order. */
    public static Chw concatChannels(Chw... parts) {
        int channels = 0;
        for (Chw p : parts) {
            if (p.time() != parts[0].time() || p.freq() != parts[0].freq()) {
                throw new IllegalArgumentException("cannot concatenate " + p + " with " + parts[0]);
            }
            channels += p.channels();
        }
        float[] y = new float[channels * parts[0].plane()];
        int at = 0;
        for (Chw p : parts) {
            System.arraycopy(p.data(), 0, y, at, p.data().length);
            at += p.data().length;
        }
        return new Chw(y, channels, parts[0].time(), parts[0].freq());
    }

    /** Drops the first {@code rows} time steps (the decoder's lookahead crop). */
    public static Chw dropFrontRows(Chw x, int rows) {
        Chw y = Chw.zeros(x.channels(), x.time() - rows, x.freq());
        for (int c = 0; c < x.channels(); c++) {
            System.arraycopy(x.data(), x.index(c, rows, 0), y.data(), y.index(c, 0, 0), y.plane());
        }
        return y;
    }
}
