package dev.mrt2.convert;

import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Where the FP16 decoder divides its activations by S (mrt2-model.md §4.6): {@code x (1/S)} before child block
 * {@code entry}, {@code x S} after child block {@code exit}; inside, every bias is scaled by 1/S and every ELU becomes
 * the scaled ELU. {@link #none} is an FP16 graph without the rescale.
 *
 * @param scale   S (128), or 1 when inactive
 * @param entry   first child block inside the region, -1 when inactive
 * @param exit    last child block inside the region, -1 when inactive
 * @param profile the measured maxima it was chosen from, null when none were measured
 * @param reason  why the plan is what it is, for the export metadata
 */
public record RescalePlan(float scale, int entry, int exit, DecoderProfile profile, String reason) {
    /** S of the published artifact: a power of two, so scaling a bias or an activation is exact. */
    public static final float SCALE = 128f;
    /** A block is hot when some value inside it exceeds this. */
    public static final double HOT_THRESHOLD = 30_000;
    /** Largest finite binary16 value. */
    public static final double FP16_MAX = 65_504;

    /** No rescale at all (a plain FP16 graph); {@code reason} says why. */
    public static RescalePlan none(DecoderProfile profile, String reason) {
        return new RescalePlan(1f, -1, -1, profile, reason);
    }

    /**
     * The §4.6 rule: hot blocks have subtree max > 30 000; entry = the first hot block; exit = the last hot block,
     * moved on while twice its output max would not fit FP16 (the region must end where values are small again).
     */
    public static RescalePlan fromProfile(DecoderProfile p) {
        double[] subtree = p.subtreeWorstAbsmax();
        double[] boundary = p.boundaryOutAbsmax();
        int entry = -1;
        int exit = -1;
        for (int i = 0; i < subtree.length; i++) {
            if (subtree[i] > HOT_THRESHOLD) {
                entry = entry < 0 ? i : entry;
                exit = i;
            }
        }
        if (entry < 0) {
            return none(p, "no child block exceeds " + (long) HOT_THRESHOLD + " on the calibration input");
        }
        while (exit < boundary.length - 1 && boundary[exit] * 2 > FP16_MAX) {
            exit++;
        }
        return new RescalePlan(SCALE, entry, exit, p, "child blocks " + entry + ".." + exit
                + " hold values above " + (long) HOT_THRESHOLD + " (or feed such values out) on the calibration input");
    }

    public boolean active() {
        return entry >= 0;
    }

    /** Whether child block {@code block} runs scaled. */
    public boolean covers(int block) {
        return active() && block >= entry && block <= exit;
    }

    /**
     * {@code wrapper.fp16_rescale} of the export metadata (§8.4 field names, plus {@code applied}, block names,
     * {@code reason} and the calibration description).
     */
    SortedMap<String, Object> json(int elusSwapped, int biasesScaled, SortedMap<String, Object> calibration) {
        SortedMap<String, Object> m = new TreeMap<>();
        m.put("applied", active());
        m.put("reason", reason);
        m.put("hot_threshold", HOT_THRESHOLD);
        m.put("child_blocks", DecoderProfile.CHILD_BLOCKS);
        if (active()) {
            m.put("scale", (double) scale);
            m.put("entry_block", entry);
            m.put("exit_block", exit);
            m.put("entry_block_name", DecoderProfile.CHILD_BLOCKS.get(entry));
            m.put("exit_block_name", DecoderProfile.CHILD_BLOCKS.get(exit));
        }
        m.put("elus_swapped", elusSwapped);
        m.put("biases_scaled", biasesScaled);
        if (profile != null) {
            m.put("boundary_out_absmax", list(profile.boundaryOutAbsmax()));
            m.put("subtree_worst_absmax", list(profile.subtreeWorstAbsmax()));
        }
        if (calibration != null) {
            m.put("calibration", calibration);
        }
        return m;
    }

    private static List<Double> list(double[] values) {
        List<Double> out = new ArrayList<>(values.length);
        for (double v : values) {
            out.add(v);
        }
        return out;
    }
}
