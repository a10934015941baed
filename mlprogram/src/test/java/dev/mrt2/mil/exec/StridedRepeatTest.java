package dev.mrt2.mil.exec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import org.junit.jupiter.api.Test;

/** A view whose last axis repeats an element (stride 0), as tile after expand_dims makes: every element in place. */
class StridedRepeatTest {
    @Test
    void repeatedLastAxisGathersWhatTheElementLoopGives() {
        float[] src = new float[400];
        for (int i = 0; i < src.length; i++) {
            src[i] = i * 0.5f - 7;
        }
        for (int times : new int[] {2, 3, 5, 15, 16}) {
            // [3, 7, times] with strides {40, 3, 0} from offset 11: rows of seven elements three apart
            int[] shape = {3, 7, times};
            int[] strides = {40, 3, 0};
            float[] want = new float[3 * 7 * times];
            int k = 0;
            for (int a = 0; a < 3; a++) {
                for (int b = 0; b < 7; b++) {
                    for (int c = 0; c < times; c++) {
                        want[k++] = src[11 + a * 40 + b * 3];
                    }
                }
            }
            float[] got = new float[want.length];
            Strided.gather(src, 11, strides, shape, got);
            assertArrayEquals(want, got, "times " + times);
        }
    }
}
