package dev.mrt2.validate.reference;

/** {@link Conv2d} as a plain loop in float64 accumulation: the oracle every faster conv is tested against. */
public final class ScalarConv2d implements Conv2d {
    @Override
    public Chw valid(Chw x, ConvWeights w) {
        int[] size = Conv2d.outputSize(x, w);
        Chw y = Chw.zeros(w.cout(), size[0], size[1]);
        for (int o = 0; o < w.cout(); o++) {
            for (int t = 0; t < size[0]; t++) {
                for (int f = 0; f < size[1]; f++) {
                    double acc = w.bias()[o];
                    for (int i = 0; i < w.cin(); i++) {
                        for (int a = 0; a < w.kt(); a++) {
                            for (int c = 0; c < w.kf(); c++) {
                                acc += (double) w.at(o, i, a, c) * x.at(i, t + a, f + c);
                            }
                        }
                    }
                    y.data()[y.index(o, t, f)] = (float) acc;
                }
            }
        }
        return y;
    }
}
