package dev.mrt2.validate;

import dev.mrt2.io.BadInputException;
import dev.mrt2.tensor.NdArray;
import dev.mrt2.tensor.Npy;
import dev.mrt2.tensor.Npz;
import dev.mrt2.validate.fixtures.DeviceFixture;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One recognised fixture file as read: every member its layout names (a missing one fails here), in layout order,
 * and how errors name each member ({@code dir/file.npz: member 'x.npy'}, {@code dir/x_device_fixture.json: array
 * 'x'}, or the .npy file alone). Nothing is checked beyond presence; {@link FixtureDims} and {@link FixtureValues}
 * check the rest.
 *
 * @param name    the file name, as receipts cite it
 * @param path    the file as the user gave it (the folder resolved against it)
 * @param format  how it stores its members
 * @param layout  what it must hold
 * @param members every member of the layout, by name
 */
record FixtureFile(String name, Path path, Format format, List<FixtureLayout.Member> layout,
                   Map<String, NdArray> members) {

    enum Format { NPZ, NPY, DEVICE }

    static FixtureFile npz(Path dir, String name, List<FixtureLayout.Member> layout) {
        Path file = dir.resolve(name);
        Map<String, NdArray> npz = Npz.read(file);
        Map<String, NdArray> members = new LinkedHashMap<>();
        layout.forEach(m -> members.put(m.name(), Npz.member(npz, file, m.name())));
        return new FixtureFile(name, file, Format.NPZ, layout, members);
    }

    static FixtureFile npy(Path dir, String name, List<FixtureLayout.Member> layout) {
        Path file = dir.resolve(name);
        return new FixtureFile(name, file, Format.NPY, layout, Map.of(layout.get(0).name(), Npy.read(file)));
    }

    static FixtureFile device(Path dir, String name, DeviceFixture f, List<FixtureLayout.Member> layout) {
        Path file = dir.resolve(name);
        Map<String, NdArray> members = new LinkedHashMap<>();
        for (FixtureLayout.Member m : layout) {
            NdArray a = f.arrays().get(m.name());
            if (a == null) {
                throw new BadInputException(file + ": no array '" + m.name() + "' (has " + f.arrays().keySet() + ")");
            }
            members.put(m.name(), a);
        }
        return new FixtureFile(name, file, Format.DEVICE, layout, members);
    }

    NdArray get(String member) {
        return members.get(member);
    }

    /** How an error names the member: the file, then the member. */
    String where(String member) {
        return switch (format) {
            case NPZ -> path + ": member '" + member + ".npy'";
            case DEVICE -> path + ": array '" + member + "'";
            case NPY -> path.toString();
        };
    }
}
