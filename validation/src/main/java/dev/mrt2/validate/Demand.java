package dev.mrt2.validate;

/**
 * Which reference cases a run needs, so a checkpoint computes only those (and only those a fixtures folder lacks).
 *
 * @param decoderFrames token frames of the decoder chunk; 0 = no decoder case
 */
public record Demand(boolean stream, boolean unrolled, boolean generated, boolean arms, boolean rollouts,
                     int decoderFrames, boolean codebooks) {

    public static final Demand NONE = new Demand(false, false, false, false, false, 0, false);

    /** Every case: what {@code mrt2 fixtures generate} stores. */
    public static Demand all(int decoderFrames) {
        return new Demand(true, true, true, true, true, decoderFrames, true);
    }

    /** The cases the port's published fixture set holds: what {@code fixtures generate --format seed} stores. */
    public static Demand published() {
        return new Demand(true, true, true, false, false, 0, false);
    }

    /** This demand without the cases {@code have} already holds. */
    public Demand without(ReferenceSet have) {
        boolean decoderHeld = have.decoder() != null && have.decoder().frames() == decoderFrames;
        return new Demand(stream && have.stream() == null, unrolled && have.unrolled() == null,
                generated && have.generated() == null, arms && have.arms().isEmpty(),
                rollouts && have.rollouts().isEmpty(), decoderHeld ? 0 : decoderFrames,
                codebooks && have.codebooks() == null);
    }

    public Demand or(Demand o) {
        return new Demand(stream || o.stream, unrolled || o.unrolled, generated || o.generated, arms || o.arms,
                rollouts || o.rollouts, Math.max(decoderFrames, o.decoderFrames), codebooks || o.codebooks);
    }

    public boolean any() {
        return stream || unrolled || generated || arms || rollouts || decoderFrames > 0 || codebooks;
    }
}
