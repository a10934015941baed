package dev.mrt2.validate;

import java.util.EnumSet;
import java.util.Set;

/** A {@link CaseCheck} that applies to fixed package kinds: its name and kinds are all a subclass declares. */
abstract class KindCheck implements CaseCheck {
    private final String name;
    private final Set<PackageInfo.Kind> kinds;

    KindCheck(String name, PackageInfo.Kind first, PackageInfo.Kind... rest) {
        this.name = name;
        this.kinds = EnumSet.of(first, rest);
    }

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final boolean appliesTo(PackageInfo info) {
        return kinds.contains(info.kind());
    }
}
