package dev.mrt2.validate;

import dev.mrt2.io.BadInputException;
import dev.mrt2.model.Mrt2Constants;
import dev.mrt2.validate.fixtures.DeviceFixture;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Reads a fixtures folder as it is: the port's published set (mrt2-model.md §8.3) and the files
 * {@code mrt2 fixtures generate} adds, each recognised by its name. Every file is read whole before any is used:
 * every member present ({@link FixtureFile}), every shape agreeing with the model the folder as a whole describes
 * ({@link FixtureDims}), every value finite and in range ({@link FixtureValues}); then {@link FixtureCases} makes the
 * cases and checks the files that repeat each other. Our {@value FixtureFiles#MANIFEST}, when present, adds the
 * checkpoint identity, the inputs' provenance and the codebook shape; nothing depends on it to be recognised. Every
 * problem is a {@link BadInputException} naming the file and the member.
 */
public final class FixtureFolder {
    private FixtureFolder() {}

    public static ReferenceSet read(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw new BadInputException(dir + ": no such fixtures folder");
        }
        String source = "fixtures " + dir.toAbsolutePath().normalize().getFileName();
        FixtureManifest manifest = FixtureManifest.readIfPresent(dir, source);
        Recognised files = new Recognised(dir);
        List<FixtureFile> all = files.all();
        FixtureValues.check(all, FixtureDims.of(all, manifest));
        FixtureCases cases = new FixtureCases(source, manifest);
        ReferenceSet.Unrolled unrolled = files.unrolled == null ? null : cases.unrolled(files.unrolled);
        ReferenceSet.GeneratedTokens generated = files.generated == null ? null : cases.generated(files.generated);
        if (unrolled != null && generated != null) {
            cases.sameTokens(files.unrolled, unrolled, generated);
        }
        ReferenceSet set = new ReferenceSet(manifest == null ? null : manifest.checkpoint(),
                manifest == null ? null : manifest.checkpointSha256(), manifest == null ? null : manifest.seed(),
                cases.stream(files.streamNpz, files.streamDevice), unrolled, generated,
                files.tokenArms.stream().map(cases::tokenArm).toList(),
                files.rollouts.stream().map(cases::rollout).sorted(RolloutReference.ARM_ORDER).toList(),
                files.decoder == null ? null : cases.decoder(files.decoder),
                manifest == null ? null : manifest.codebooks());
        if (set.empty()) {
            throw new BadInputException(dir + ": no fixture file recognised (expected temporal_streaming_carry_<N>.npz "
                    + "or its _device_fixture.json, " + FixtureFiles.UNROLLED + ", " + FixtureFiles.TOKENS
                    + ", or the files of 'mrt2 fixtures generate')");
        }
        return set;
    }

    /** The folder's recognised files, each read with the members its layout names; null or empty when absent. */
    private static final class Recognised {
        final FixtureFile streamNpz;
        final FixtureFile streamDevice;
        final FixtureFile unrolled;
        final FixtureFile generated;
        final List<FixtureFile> tokenArms = new ArrayList<>();
        final List<FixtureFile> rollouts = new ArrayList<>();
        final FixtureFile decoder;

        Recognised(Path dir) {
            List<String> names;
            try (Stream<Path> list = Files.list(dir)) {
                names = list.filter(Files::isRegularFile).map(p -> p.getFileName().toString()).sorted().toList();
            } catch (IOException e) {
                throw new UncheckedIOException(dir + ": cannot list: " + e.getMessage(), e);
            }
            List<String> npz = matching(names, FixtureFiles.STREAM);
            List<String> device = matching(names, FixtureFiles.DEVICE_FIXTURE);
            if (npz.size() > 1 || device.size() > 1) {
                throw new BadInputException(dir + ": more than one streaming fixture (" + npz + device
                        + "); keep one");
            }
            streamNpz = npz.isEmpty() ? null : FixtureFile.npz(dir, npz.get(0),
                    FixtureLayout.stream(FixtureFiles.steps(dir, FixtureFiles.STREAM, npz.get(0))));
            streamDevice = device.isEmpty() ? null : device(dir, device.get(0));
            unrolled = names.contains(FixtureFiles.UNROLLED)
                    ? FixtureFile.npz(dir, FixtureFiles.UNROLLED, FixtureLayout.UNROLLED) : null;
            generated = names.contains(FixtureFiles.TOKENS)
                    ? FixtureFile.npy(dir, FixtureFiles.TOKENS, FixtureLayout.GENERATED) : null;
            matching(names, FixtureFiles.TOKEN_ARM).forEach(n ->
                    tokenArms.add(FixtureFile.npz(dir, n, FixtureLayout.TOKEN_ARM)));
            matching(names, FixtureFiles.ROLLOUT_ARM).forEach(n ->
                    rollouts.add(FixtureFile.npz(dir, n, FixtureLayout.ROLLOUT)));
            decoder = names.contains(FixtureFiles.DECODER)
                    ? FixtureFile.npz(dir, FixtureFiles.DECODER, FixtureLayout.DECODER) : null;
        }

        private static FixtureFile device(Path dir, String name) {
            int steps = FixtureFiles.steps(dir, FixtureFiles.DEVICE_FIXTURE, name);
            DeviceFixture f = DeviceFixture.read(dir.resolve(name));
            if (f.steps() != steps) {
                throw new BadInputException(dir.resolve(name) + ": 'steps' is " + f.steps() + " but the name says "
                        + steps);
            }
            // the reference outputs hold the window they were made with; every model here attends over WINDOW frames
            if (f.windowFrames() != Mrt2Constants.WINDOW) {
                throw new BadInputException(dir.resolve(name) + ": 'window_frames' is " + f.windowFrames()
                        + ", the model's temporal window is " + Mrt2Constants.WINDOW + " frames (mrt2-model.md §3.5)");
            }
            return FixtureFile.device(dir, name, f, FixtureLayout.stream(steps));
        }

        /** Every file, in the order errors are looked for. */
        List<FixtureFile> all() {
            List<FixtureFile> all = new ArrayList<>();
            for (FixtureFile f : new FixtureFile[] {streamNpz, streamDevice, unrolled, generated}) {
                if (f != null) {
                    all.add(f);
                }
            }
            all.addAll(tokenArms);
            all.addAll(rollouts);
            if (decoder != null) {
                all.add(decoder);
            }
            return all;
        }

        private static List<String> matching(List<String> names, Pattern p) {
            return names.stream().filter(n -> p.matcher(n).matches()).toList();
        }
    }
}
