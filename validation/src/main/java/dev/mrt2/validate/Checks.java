package dev.mrt2.validate;

import java.util.List;

/** Every kind of comparison, in the order a package's checks run. A new kind is one class and one line here. */
final class Checks {
    static final List<CaseCheck> ALL = List.of(
            new StreamCheck(),
            new UnrolledTemporalCheck(),
            new UnrolledDepthCheck(),
            new TokenArmsCheck(),
            new RolloutArmsCheck(),
            new DecoderCheck(),
            new CodebookCheck());

    private Checks() {}

    static List<CaseCheck> applying(PackageInfo info) {
        return ALL.stream().filter(c -> c.appliesTo(info)).toList();
    }

    /** The cases the given packages could use: the run asks a checkpoint to compute only these. */
    static Demand demand(List<PackageInfo> packages) {
        Demand d = Demand.NONE;
        for (PackageInfo p : packages) {
            for (CaseCheck c : applying(p)) {
                d = d.or(c.needs(p));
            }
        }
        return d;
    }
}
