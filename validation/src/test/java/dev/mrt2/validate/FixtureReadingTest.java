package dev.mrt2.validate;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt2.io.BadInputException;
import dev.mrt2.model.Mrt2Dims;
import dev.mrt2.model.Mrt2Synth;
import dev.mrt2.tensor.NdArray;
import dev.mrt2.tensor.Npy;
import dev.mrt2.tensor.Npz;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Damaged members of our fixtures (written for the tiny checkpoint, then changed as numpy would) are refused when the
 * folder is read, naming the file and the member that is wrong, never a good member read before it: a shape that
 * disagrees with the rest of the folder or with the manifest's codebook shape, a NaN or an infinity, an id or a code
 * out of range. A folder consistent as a whole reads as it is.
 */
class FixtureReadingTest {
    @TempDir
    static Path tmp;
    static Path fixtures;
    static final AtomicInteger DIRS = new AtomicInteger();
    /** Tiny widths: D 64, S 16, L 12, C 32, E 16; 3 frames per arm, 2-frame decoder chunk, 42 streaming steps. */
    static final ValidationOptions OPTIONS = ValidationOptions.defaults().withSteps(42).withFrames(3)
            .withDecoderFrames(2);

    @BeforeAll
    static void generate() {
        Path checkpoint = tmp.resolve("tiny.safetensors");
        Mrt2Synth.write(checkpoint, Mrt2Dims.tiny(), 7, 1);
        fixtures = TestRuns.fixtures(checkpoint, OPTIONS, Demand.all(2), tmp.resolve("fixtures"),
                FixtureWriter.Format.MRT2);
    }

    /**
     * Every member of every npz one shorter on its first or last axis: the message names that file and member (the
     * acceptance probe found 20 of 88 such cuts blamed on a good member read first).
     */
    @Test
    void everyMemberCutOnEitherEndAxisIsNamedItself() throws IOException {
        int cases = 0;
        List<String> npz;
        try (var files = Files.list(fixtures)) {
            npz = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".npz")).sorted().toList();
        }
        for (String file : npz) {
            for (Map.Entry<String, NdArray> m : Npz.read(fixtures.resolve(file)).entrySet()) {
                for (boolean first : new boolean[] {true, false}) {
                    Path dir = damaged(file, m.getKey(), a -> FixtureDamage.cut(a, first));
                    String message = refused(dir);
                    assertTrue(message.startsWith(dir.resolve(file) + ": member '" + m.getKey() + ".npy': is "),
                            file + " " + m.getKey() + (first ? " first" : " last") + " axis: " + message);
                    cases++;
                }
            }
        }
        assertEquals(2 * (3 + 6 + 7 * 2 + 6 * 3 + 3), cases, "stream, unrolled, 2 token arms, 3 rollouts, decoder");
        Path dir = FixtureDamage.copy(fixtures, next("generated"));
        Npy.write(dir.resolve(FixtureFiles.TOKENS), FixtureDamage.cut(Npy.read(fixtures.resolve(FixtureFiles.TOKENS)),
                false));
        assertTrue(refused(dir).startsWith(dir.resolve(FixtureFiles.TOKENS) + ": is i32[3, 11], expected i32[3, 12] "
                + "(axis 1 is levels L = 12, as reference_fixtures.json 'codebooks' says)"), refused(dir));
    }

    /** The cases: the dimensions come from the manifest, else from the other members, and the line says so. */
    @Test
    void theExpectedShapeComesFromTheManifestOrTheOtherMembers() throws IOException {
        Path stft = damaged(FixtureFiles.DECODER, DecoderCheck.OUTPUT, a -> FixtureDamage.cut(a, 1));
        assertEquals(stft.resolve(FixtureFiles.DECODER) + ": member 'decoder_stft.npy': is f32[1, 3, 480, 4], "
                + "expected f32[1, 4, 480, 4] (axis 1 is 4 T - 4 with token frames T of this file = 2, as 2 other "
                + "members say)", refused(stft));
        Path channels = damaged(FixtureFiles.DECODER, DecoderCheck.OUTPUT, a -> FixtureDamage.cut(a, false));
        assertTrue(refused(channels).endsWith("is f32[1, 4, 480, 3], expected f32[1, 4, 480, 4] (axis 3 is the "
                + "decoder's 4 STFT channels, (re, im) x 2)"), refused(channels));
        Path noise = damaged("tokens_argmax.npz", "gumbel_noise", a -> FixtureDamage.cut(a, false));
        assertEquals(noise.resolve("tokens_argmax.npz") + ": member 'gumbel_noise.npy': is f32[3, 12, 31], expected "
                + "f32[3, 12, 32] (axis 2 is codebook size C = 32, as reference_fixtures.json 'codebooks' says)",
                refused(noise));
        Path embeddings = damaged(FixtureFiles.DECODER, "decoder_embeddings", a -> FixtureDamage.cut(a, false));
        assertTrue(refused(embeddings).endsWith("is f32[1, 2, 15], expected f32[1, 2, 16] (axis 2 is codebook row "
                + "width E = 16, as reference_fixtures.json 'codebooks' says)"), refused(embeddings));
        Path logits = damaged(FixtureFiles.UNROLLED, FixtureFiles.UNROLLED_LOGITS, a -> FixtureDamage.cut(a, false));
        assertTrue(refused(logits).endsWith("is f32[2, 12, 389], expected f32[2, 12, 390] (axis 2 is 6 + L C with "
                + "levels L = 12 and codebook size C = 32, as reference_fixtures.json 'codebooks' says)"),
                refused(logits));

        // without the manifest, the majority of the members that measure a width sets it
        Path sources = damaged(FixtureFiles.UNROLLED, FixtureFiles.UNROLLED_SOURCES, a -> FixtureDamage.cut(a, false));
        Files.delete(sources.resolve(FixtureFiles.MANIFEST));
        assertEquals(sources.resolve(FixtureFiles.UNROLLED) + ": member 'source_encoded.npy': is f32[1, 2, 15], "
                + "expected f32[1, 2, 16] (axis 2 is source width S = 16, as 4 other members say)", refused(sources));
        Path armSources = damaged("tokens_argmax.npz", "source_encoded", a -> FixtureDamage.cut(a, false));
        Files.delete(armSources.resolve(FixtureFiles.MANIFEST));
        assertTrue(refused(armSources).startsWith(armSources.resolve("tokens_argmax.npz")
                + ": member 'source_encoded.npy': is f32[3, 15], expected f32[3, 16]"), refused(armSources));
        // ... and a member whose axis no whole value explains says so
        Path alone = Files.createDirectories(next("unrolled_alone"));
        Map<String, NdArray> u = new TreeMap<>(Npz.read(fixtures.resolve(FixtureFiles.UNROLLED)));
        u.put(FixtureFiles.UNROLLED_LOGITS, FixtureDamage.cut(u.get(FixtureFiles.UNROLLED_LOGITS), false));
        Npz.write(alone.resolve(FixtureFiles.UNROLLED), u);
        assertTrue(refused(alone).endsWith("is f32[2, 12, 389], expected f32[2, 12, 6 + L C] (axis 2 is 389, which "
                + "is not 6 + L C for any whole C >= 1)"), refused(alone));
    }

    /** Generated tokens of another width beside the unrolled case: the tokens file is named, not the unrolled one. */
    @Test
    void generatedTokensOfOtherLevelsAreNamed() throws IOException {
        Path mixed = FixtureDamage.copy(dev.mrt2.validate.fixtures.SeedFixtures.dir(), next("seed"));
        Npy.write(mixed.resolve(FixtureFiles.TOKENS), NdArray.i32(new int[] {1, 3}, new int[] {1, 2, 3}));
        assertTrue(refused(mixed).startsWith(mixed.resolve(FixtureFiles.TOKENS) + ": is i32[1, 3], expected "
                + "i32[1, 12] (axis 1 is levels L = 12, as 3 other members say)"), refused(mixed));
    }

    /** A NaN or an infinity in a reference or an input is a bad fixture, named with its first index. */
    @Test
    void nonFiniteValuesAreRefusedAtTheirFirstIndex() throws IOException {
        record Case(String file, String member, float value, String index) {}
        List<Case> cases = List.of(
                new Case(FixtureFiles.DECODER, DecoderCheck.OUTPUT, Float.NaN, "[0, 0, 1, 3]"),
                new Case(FixtureFiles.UNROLLED, FixtureFiles.UNROLLED_LOGITS, Float.NaN, "[0, 0, 7]"),
                new Case("rollout_argmax_frames.npz", "temporal_feedback", Float.NaN, "[0, 7]"),
                new Case("rollout_noise_frames_t13.npz", "level_logits", Float.NEGATIVE_INFINITY, "[0, 0, 7]"),
                new Case("temporal_streaming_carry_42.npz", FixtureFiles.STREAM_OUTPUTS, Float.NaN, "[0, 0, 7]"),
                new Case("temporal_streaming_carry_42.npz", FixtureFiles.STREAM_INPUTS, Float.NaN, "[0, 0, 0, 7]"),
                new Case("tokens_argmax.npz", "gumbel_noise", Float.POSITIVE_INFINITY, "[0, 0, 7]"),
                new Case("tokens_noise_t13.npz", "temperature", Float.NaN, null));
        for (Case c : cases) {
            Path dir = damaged(c.file(), c.member(), a -> FixtureDamage.with(a, c.index() == null ? 0 : 7, c.value()));
            String where = dir.resolve(c.file()) + ": member '" + c.member() + ".npy': holds " + c.value();
            assertEquals(c.index() == null ? where + ", not a temperature (finite, >= 0; 0 = argmax)"
                    : where + " at " + c.index() + " (a fixture's values must all be finite)", refused(dir));
        }
        // the device fixture's raw files alike, when it is the only streaming file
        Path device = FixtureDamage.copy(fixtures, next("device_nan"));
        Files.delete(device.resolve("temporal_streaming_carry_42.npz"));
        Files.delete(device.resolve(FixtureFiles.MANIFEST));
        Path bin = device.resolve("temporal_streaming_carry_42_reference_outputs_f32.bin");
        byte[] bytes = Files.readAllBytes(bin);
        java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).putFloat(4 * 65, Float.NaN);
        Files.write(bin, bytes);
        assertEquals(device.resolve("temporal_streaming_carry_42_device_fixture.json") + ": array 'reference_outputs': "
                + "holds NaN at [0, 1, 1] (a fixture's values must all be finite)", refused(device));
    }

    /** Ids outside their level and codes outside the codebook were used (or silently wrapped) before. */
    @Test
    void idsAndCodesOutsideTheirRangeAreRefused() throws IOException {
        Path codes = damaged(FixtureFiles.DECODER, "codes", a -> FixtureDamage.with(a, 5, 5000));
        assertEquals(codes.resolve(FixtureFiles.DECODER) + ": member 'codes.npy': holds 5000 at [0, 5], not a code of "
                + "a 32-entry codebook (0..31)", refused(codes));
        Path sampled = damaged("rollout_noise_frames_t10.npz", "sampled_codes", a -> FixtureDamage.with(a, 13, -1));
        assertTrue(refused(sampled).endsWith("member 'sampled_codes.npy': holds -1 at [1, 1], not a code of a 32-entry "
                + "codebook (0..31)"), refused(sampled));
        // level 1's first id in level 0's column
        Path ids = damaged("tokens_argmax.npz", "tokens", a -> FixtureDamage.with(a, 0, 6 + 32));
        assertTrue(refused(ids).endsWith("member 'tokens.npy': holds 38 at [0, 0], not an id of level 0 (6..37: 6 + 32 "
                + "level + code)"), refused(ids));
        Path temperature = damaged("rollout_argmax_frames.npz", "temperature", a -> FixtureDamage.with(a, 0, -1f));
        assertTrue(refused(temperature).endsWith("member 'temperature.npy': holds -1.0, not a temperature (finite, "
                + ">= 0; 0 = argmax)"), refused(temperature));
    }

    /** A streaming npz and a device fixture of different step counts were an index error (exit 4) before. */
    @Test
    void aStreamAndADeviceFixtureOfOtherStepsAreNamed() throws IOException {
        Path dir = FixtureDamage.copy(fixtures, next("steps"));
        Files.delete(dir.resolve(FixtureFiles.MANIFEST));
        Map<String, NdArray> stream = new TreeMap<>(Npz.read(dir.resolve("temporal_streaming_carry_42.npz")));
        stream.put(FixtureFiles.STREAM_INPUTS, FixtureDamage.cut(stream.get(FixtureFiles.STREAM_INPUTS), 0));
        stream.put(FixtureFiles.STREAM_SOURCES, FixtureDamage.cut(stream.get(FixtureFiles.STREAM_SOURCES), 0));
        stream.put(FixtureFiles.STREAM_OUTPUTS, FixtureDamage.cut(stream.get(FixtureFiles.STREAM_OUTPUTS), 1));
        Files.delete(dir.resolve("temporal_streaming_carry_42.npz"));
        Npz.write(dir.resolve("temporal_streaming_carry_41.npz"), stream);
        assertEquals(dir.resolve("temporal_streaming_carry_42_device_fixture.json") + ": holds 42 steps, "
                + "temporal_streaming_carry_41.npz holds 41 (files from different runs?)", refused(dir));
    }

    /** The good folder reads, with every case the writer wrote. */
    @Test
    void theGoodFolderReadsWholly() {
        ReferenceSet set = FixtureFolder.read(fixtures);
        assertEquals(2, set.arms().size());
        assertEquals(3, set.rollouts().size());
        assertEquals(2, set.decoder().frames());
        assertEquals(42, set.stream().steps());
        assertFalse(set.codebooks() == null);
    }

    /** A manifest that does not parse says so in one line, without the JSON library's source boilerplate. */
    @Test
    void aManifestThatIsNotJsonSaysWhereInOneLine() throws IOException {
        Path dir = FixtureDamage.copy(fixtures, next("manifest"));
        Files.writeString(dir.resolve(FixtureFiles.MANIFEST), "{\"schema\": ");
        assertEquals(dir.resolve(FixtureFiles.MANIFEST) + ": not valid JSON (Unexpected end-of-input within/between "
                + "Object entries at line 1, column 12)", refused(dir));
        Files.writeString(dir.resolve(FixtureFiles.MANIFEST), "{\"files\": [1, 2");
        assertEquals(dir.resolve(FixtureFiles.MANIFEST) + ": not valid JSON (Unexpected end-of-input: expected close "
                + "marker for Array (start marker at line 1, column 11) at line 1, column 16)", refused(dir));
    }

    /**
     * The manifest read as json.load reads it: text after the document is refused; the seed that names how the inputs
     * were made must be a whole number (64.0 is one), never read as 0 when missing or quoted.
     */
    @Test
    void aManifestWithTextAfterItOrWithoutItsSeedIsRefused() throws IOException {
        Path manifest = fixtures.resolve(FixtureFiles.MANIFEST);
        String good = Files.readString(manifest);
        Path dir = FixtureDamage.copy(fixtures, next("manifest-tail"));
        Files.writeString(dir.resolve(FixtureFiles.MANIFEST), good.strip() + "\n{}\n");
        assertEquals(dir.resolve(FixtureFiles.MANIFEST) + ": not valid JSON (text after the document at line "
                + (good.strip().split("\n").length + 1) + ", column 1)", refused(dir));

        String seed = "\"seed\": " + FixtureManifest.readIfPresent(fixtures, "x").seed();
        assertTrue(good.contains(seed), good);
        Path missing = FixtureDamage.copy(fixtures, next("manifest-seed"));
        Files.writeString(missing.resolve(FixtureFiles.MANIFEST), good.replace(seed, "\"seed_was\": 1"));
        assertEquals(missing.resolve(FixtureFiles.MANIFEST) + ": 'seed' null is not a whole number", refused(missing));
        Path quoted = FixtureDamage.copy(fixtures, next("manifest-seed-quoted"));
        Files.writeString(quoted.resolve(FixtureFiles.MANIFEST), good.replace(seed, "\"seed\": \"7\""));
        assertEquals(quoted.resolve(FixtureFiles.MANIFEST) + ": 'seed' \"7\" is not a whole number", refused(quoted));
        Path asFloat = FixtureDamage.copy(fixtures, next("manifest-seed-float"));
        Files.writeString(asFloat.resolve(FixtureFiles.MANIFEST), good.replace(seed, seed + ".0"));
        assertEquals(FixtureManifest.readIfPresent(fixtures, "x").seed(),
                FixtureManifest.readIfPresent(asFloat, "x").seed());
    }

    private static Path damaged(String file, String member, UnaryOperator<NdArray> change) throws IOException {
        return FixtureDamage.member(fixtures, next(file + "_" + member), file, member, change);
    }

    private static String refused(Path dir) {
        String message = assertThrows(BadInputException.class, () -> FixtureFolder.read(dir)).getMessage();
        assertFalse(message.contains("\n"), message);
        return message;
    }

    private static Path next(String name) {
        return tmp.resolve(DIRS.incrementAndGet() + "_" + name.replace('.', '_'));
    }
}
