package dev.mrt2.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.mrt2.host.conditioning.ConditioningFile;
import dev.mrt2.tensor.NdArray;
import dev.mrt2.tensor.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.sound.midi.MetaMessage;
import javax.sound.midi.MidiEvent;
import javax.sound.midi.MidiSystem;
import javax.sound.midi.Sequence;
import javax.sound.midi.ShortMessage;
import javax.sound.midi.Track;
import javax.sound.sampled.AudioFormat;
import javax.sound.sampled.AudioInputStream;
import javax.sound.sampled.AudioSystem;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mrt2 condition}, {@code render} and {@code decode} on the tiny checkpoint and its all-FP32 chain
 * ({@code convert --generation reference}): conditioning from a MIDI file written here, both render engines giving
 * the same tokens, a WAV that javax.sound.sampled reads back, same bytes twice, decode of the render's own tokens.
 */
class AudioCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String STYLE = "660,1016,295,206,857,841,391,857,619,70,401,22";

    @TempDir
    static Path shared;
    static Path tiny;
    static Path models;
    static Path conditioning;

    @TempDir
    Path dir;

    @BeforeAll
    static void synthAndConvert() {
        tiny = shared.resolve("tiny.safetensors");
        models = shared.resolve("models");
        conditioning = shared.resolve("cond.bin");
        ok(CliRun.of("synth", "--preset", "tiny", "--seed", "3", "--out", tiny.toString(), "-q"));
        ok(CliRun.of("convert", "--checkpoint", tiny.toString(), "--out", models.toString(), "--generation",
                "reference", "-q"));
        ok(CliRun.of("condition", "--checkpoint", tiny.toString(), "--out", conditioning.toString(),
                "--style-tokens", STYLE, "--notes", "C4,E4,G4", "--drums", "on", "-q"));
    }

    static CliRun ok(CliRun r) {
        assertEquals(ExitCodes.OK, r.code(), r.toString());
        return r;
    }

    /** 150 bpm, 480 ticks per quarter: C4 at beat 0, E4 from frame 5, both one beat (10 frames). */
    static Path midi(Path file) throws Exception {
        Sequence s = new Sequence(Sequence.PPQ, 480);
        Track t = s.createTrack();
        t.add(new MidiEvent(new MetaMessage(0x51, new byte[] {0x06, 0x1a, (byte) 0x80}, 3), 0));
        for (int[] n : new int[][] {{60, 0, 480}, {64, 240, 720}}) {
            t.add(new MidiEvent(new ShortMessage(ShortMessage.NOTE_ON, 0, n[0], 100), n[1]));
            t.add(new MidiEvent(new ShortMessage(ShortMessage.NOTE_OFF, 0, n[0], 0), n[2]));
        }
        MidiSystem.write(s, 0, file.toFile());
        return file;
    }

    @Test
    void conditionFromMidiGivesOneRowPerFrameWithAutoStrumOrExactOnsets() throws Exception {
        Path mid = midi(dir.resolve("song.mid"));
        Path auto = dir.resolve("auto.bin");
        Path exact = dir.resolve("exact.bin");
        ok(CliRun.of("condition", "--checkpoint", tiny.toString(), "--out", auto.toString(), "--midi", mid.toString(),
                "--style-tokens", STYLE, "-q"));
        ok(CliRun.of("condition", "--checkpoint", tiny.toString(), "--out", exact.toString(), "--midi",
                mid.toString(), "--onsets", "exact", "--unmask-width", "1", "--style-tokens", STYLE, "-q"));
        JsonNode a = JSON.readTree(dir.resolve("auto.json").toFile());
        JsonNode e = JSON.readTree(dir.resolve("exact.json").toFile());
        assertEquals("[15,16]", a.get("shape").toString(), "frames until E4 ends at frame 15, S = 16");
        assertEquals(15 * 16 * 4, Files.size(auto));
        assertEquals("[1,15,144]", a.get("conditioning_tokens_shape").toString());
        assertEquals(3, a.at("/note_tokens/0/60").asInt(), "auto-strum: the model decides the attack");
        assertEquals(3, a.at("/note_tokens/5/64").asInt());
        assertEquals(-1, a.at("/note_tokens/12/60").asInt(), "C4 ended at frame 10");
        assertEquals(2, e.at("/note_tokens/0/60").asInt(), "exact: onset on the first frame");
        assertEquals(1, e.at("/note_tokens/1/60").asInt(), "then sustain");
        assertEquals(2, e.at("/note_tokens/5/64").asInt());
        assertEquals(0, e.at("/note_tokens/0/61").asInt(), "within the unmask width: off");
        assertEquals(-1, e.at("/note_tokens/0/62").asInt());
        assertTrue(a.get("auto_strum").asBoolean());
        assertFalse(e.get("auto_strum").asBoolean());
        assertEquals("[60,64]", a.get("midi_notes").toString());
        assertEquals("[20,10,2]", a.get("cfg_tokens").toString());
        assertFalse(Files.mismatch(auto, exact) == -1, "onset modes give different rows");
    }

    @Test
    void drumsOnOffAndMaskedAreDifferentTokensAndRows() throws Exception {
        String[] states = {"on", "off", "masked"};
        byte[][] rows = new byte[3][];
        for (int i = 0; i < 3; i++) {
            Path out = dir.resolve(states[i] + ".bin");
            ok(CliRun.of("condition", "--checkpoint", tiny.toString(), "--out", out.toString(), "--drums", states[i],
                    "--style-tokens", STYLE, "-q"));
            rows[i] = Files.readAllBytes(out);
            JsonNode side = JSON.readTree(dir.resolve(states[i] + ".json").toFile());
            assertEquals("[" + (1 - i) + "]", side.get("drum_tokens").toString(), states[i]);
            assertEquals("[1,16]", side.get("shape").toString(), "constant controls: one row");
        }
        assertFalse(java.util.Arrays.equals(rows[0], rows[1]));
        assertFalse(java.util.Arrays.equals(rows[1], rows[2]));
    }

    @Test
    void conditioningIsDeterministicAndTheCfgTrapIsNamed() throws Exception {
        Path again = dir.resolve("again.bin");
        ok(CliRun.of("condition", "--checkpoint", tiny.toString(), "--out", again.toString(), "--style-tokens", STYLE,
                "--notes", "C4,E4,G4", "--drums", "on", "-q"));
        assertEquals(-1, Files.mismatch(conditioning, again));
        assertEquals(Files.readString(shared.resolve("cond.json")).replace("cond.", "again."),
                Files.readString(dir.resolve("again.json")), "same sidecar up to the file names");
        CliRun trap = CliRun.of("condition", "--checkpoint", tiny.toString(), "--out", dir.resolve("t.bin").toString(),
                "--cfg-tokens", "4,4,4");
        assertEquals(ExitCodes.USAGE, trap.code(), trap.toString());
        assertTrue(trap.err().contains("mean style -0.2, notes -0.2, drums 3.0"), trap.toString());
        assertTrue(trap.err().contains("tokens (20, 10, 2)"), trap.toString());
        CliRun prompt = CliRun.of("condition", "--checkpoint", tiny.toString(), "--out",
                dir.resolve("p.bin").toString(), "--prompt", "smooth electronic");
        assertEquals(ExitCodes.USAGE, prompt.code());
        assertTrue(prompt.errLines().get(0).contains("needs MusicCoCa, which is not in this checkpoint; pass "
                + "--style-tokens"), prompt.toString());
        assertFalse(Files.exists(dir.resolve("t.bin")));
    }

    @Test
    void bothEnginesRenderTheSameTokensAndDecodeGivesTheRendersAudio() throws Exception {
        Path wav = dir.resolve("packages.wav");
        Path tokens = dir.resolve("packages.npy");
        CliRun r = ok(CliRun.of("render", "--models", models.toString(), "--precision", "fp32", "--conditioning",
                conditioning.toString(), "--seconds", "2", "--seed", "7", "--out", wav.toString(), "--tokens-out",
                tokens.toString(), "--golden", dir.resolve("golden").toString(), "--json"));
        JsonNode report = JSON.readTree(r.out());
        assertEquals(51, report.get("token_frames").asInt());
        assertTrue(report.get("exact_windows").asBoolean());
        assertTrue(report.get("real_time_factor").asDouble() > 0);
        for (String stage : new String[] {"temporal", "rollout", "gather", "decoder", "istft"}) {
            assertTrue(report.at("/stage_seconds/" + stage).isNumber(), stage);
        }

        try (AudioInputStream in = AudioSystem.getAudioInputStream(wav.toFile())) {
            AudioFormat f = in.getFormat();
            assertEquals(48_000f, f.getSampleRate());
            assertEquals(2, f.getChannels());
            assertEquals(16, f.getSampleSizeInBits());
            assertEquals(96_000, in.getFrameLength(), "2 s exactly");
        }
        NdArray ids = Npy.read(tokens);
        assertArrayEquals(new int[] {51, 12}, ids.shape());
        for (int i = 0; i < ids.size(); i++) {
            int level = i % 12;
            int id = ids.ints()[i];
            assertTrue(id >= 6 + 32 * level && id < 6 + 32 * (level + 1), "unique id " + id + " at level " + level);
        }

        checkGolden(dir.resolve("golden"), ids);

        Path again = dir.resolve("again.wav");
        JsonNode second = JSON.readTree(ok(CliRun.of("render", "--models", models.toString(), "--precision", "fp32",
                "--conditioning", conditioning.toString(), "--seconds", "2", "--seed", "7", "--out", again.toString(),
                "--json", "-q")).out());
        assertEquals(-1, Files.mismatch(wav, again), "same inputs and seed, same bytes, with or without --golden");
        // the golden run also decoded every window whole for its files: the emitted rows alone are less work
        double emitted = second.get("decoder_gflop").asDouble();
        double whole = report.get("decoder_gflop").asDouble() - emitted;
        assertTrue(emitted > 0 && emitted < 0.8 * whole, "emitted rows " + emitted + " against whole windows " + whole
                + " GFLOP");

        Path refTokens = dir.resolve("reference.npy");
        ok(CliRun.of("render", "--engine", "reference", "--checkpoint", tiny.toString(), "--conditioning",
                conditioning.toString(), "--seconds", "2", "--seed", "7", "--out", dir.resolve("ref.wav").toString(),
                "--tokens-out", refTokens.toString(), "-q"));
        assertArrayEquals(ids.ints(), Npy.read(refTokens).ints(), "FP32 packages and the reference: same tokens");

        Path decoded = dir.resolve("decoded.wav");
        ok(CliRun.of("decode", "--models", models.toString(), "--precision", "fp32", "--codes", tokens.toString(),
                "--out", decoded.toString(), "-q"));
        assertEquals(-1, Files.mismatch(wav, decoded), "decode of the render's tokens is the render's audio");
    }

    /**
     * The package decoder's windows, streamed at the exact hop and cropped elsewhere, against the same package run on
     * whole windows (a decoder that only has decode): the same audio bit for bit on the JVM kernels, for less
     * arithmetic; at the port's inexact hop 12 the windows are cropped, not streamed, and still the whole windows'.
     */
    @Test
    void streamedAndCroppedWindowsGiveTheWholeWindowsAudio() {
        int[][] codes = new int[70][12];
        java.util.SplittableRandom rng = new java.util.SplittableRandom(4);
        for (int[] frame : codes) {
            for (int l = 0; l < frame.length; l++) {
                frame[l] = rng.nextInt(32);
            }
        }
        String before = System.setProperty(dev.mrt2.mil.exec.ExecutorBackend.PROPERTY, "java");
        try (dev.mrt2.host.engine.PackageAudioDecoder d = dev.mrt2.host.engine.PackageAudioDecoder.open(models,
                dev.mrt2.host.engine.Precision.FP32)) {
            dev.mrt2.host.decode.AudioDecoder whole = new WholeWindows(d);
            for (int hop : new int[] {11, 12}) {
                double flops = d.flops();
                float[][] fast = decodeAll(d, codes, hop);
                double fastFlops = d.flops() - flops;
                flops = d.flops();
                float[][] slow = decodeAll(whole, codes, hop);
                for (int a = 0; a < 2; a++) {
                    assertArrayEquals(slow[a], fast[a], "hop " + hop + ", channel " + a);
                }
                assertTrue(fastFlops < (hop == 11 ? 0.6 : 0.8) * (d.flops() - flops), "hop " + hop + ": " + fastFlops
                        + " against " + (d.flops() - flops) + " flops");
            }
        } finally {
            if (before == null) {
                System.clearProperty(dev.mrt2.mil.exec.ExecutorBackend.PROPERTY);
            } else {
                System.setProperty(dev.mrt2.mil.exec.ExecutorBackend.PROPERTY, before);
            }
        }
    }

    private static float[][] decodeAll(dev.mrt2.host.decode.AudioDecoder d, int[][] codes, int hop) {
        return dev.mrt2.host.decode.WindowedDecoder.decodeAll(d, codes, hop,
                dev.mrt2.host.audio.InverseStft.Window.NORMALIZED, new dev.mrt2.host.StageTimes(), null);
    }

    /** A decoder with only whole calls (the interface's defaults for rows and windows). */
    private record WholeWindows(dev.mrt2.host.decode.AudioDecoder d) implements dev.mrt2.host.decode.AudioDecoder {
        @Override
        public int frames() {
            return d.frames();
        }

        @Override
        public int levels() {
            return d.levels();
        }

        @Override
        public int codebookSize() {
            return d.codebookSize();
        }

        @Override
        public float[] embed(int[] c) {
            return d.embed(c);
        }

        @Override
        public float[] decode(float[][] embeddings) {
            return d.decode(embeddings);
        }

        @Override
        public String describe() {
            return "whole windows of " + d.describe();
        }

        @Override
        public void close() {
        }
    }

    /** The golden files chain: frame s's feedback is frame s + 1's input, codes are the tokens, windows tile. */
    private static void checkGolden(Path golden, NdArray ids) throws IOException {
        JsonNode index = JSON.readTree(golden.resolve("golden.json").toFile());
        assertEquals(51, index.get("frames").asInt());
        assertEquals(4, index.get("windows").size());
        Path frames = golden.resolve("frames");
        assertArrayEquals(readFloats(models.resolve("MRT2TemporalSosInput.f32.bin")),
                Npy.read(frames.resolve("000000/temporal_inputs.npy")).floats(), "frame 0 starts from SOS");
        for (int f = 0; f < 51; f++) {
            Path fr = frames.resolve(String.format("%06d", f));
            int[] codes = Npy.read(fr.resolve("sampled_codes.npy")).ints();
            for (int l = 0; l < 12; l++) {
                assertEquals(ids.ints()[f * 12 + l], 6 + 32 * l + codes[l], "frame " + f + " level " + l);
            }
            if (f > 0) {
                assertArrayEquals(Npy.read(frames.resolve(String.format("%06d", f - 1)).resolve(
                        "temporal_feedback.npy")).floats(), Npy.read(fr.resolve("temporal_inputs.npy")).floats());
            }
        }
        float[] bias = Npy.read(frames.resolve("000001/cache_valid_bias.npy")).floats();
        assertEquals(0f, bias[1], "step 1: cache row 0 holds frame 0");
        assertEquals(-1e4f, bias[2]);
        int samples = 0;
        for (int w = 0; w < 4; w++) {
            samples += Npy.read(golden.resolve(String.format("windows/%04d/pcm.npy", w))).dim(1);
        }
        assertEquals(96_000, samples, "the windows' samples tile the render");
    }

    private static float[] readFloats(Path bin) throws IOException {
        java.nio.FloatBuffer b = java.nio.ByteBuffer.wrap(Files.readAllBytes(bin))
                .order(java.nio.ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
        float[] out = new float[b.remaining()];
        b.get(out);
        return out;
    }

    @Test
    void badInputsAndUnwritableOutputsFailWithOneLineBeforeAnyWork() throws IOException {
        Path junk = Files.write(dir.resolve("junk.bin"), new byte[10]);
        CliRun bad = CliRun.of("render", "--models", models.toString(), "--precision", "fp32", "--conditioning",
                junk.toString(), "--seconds", "1", "--out", dir.resolve("x.wav").toString());
        assertEquals(ExitCodes.BAD_INPUT, bad.code(), bad.toString());
        assertEquals(1, bad.errLines().size(), bad.toString());
        assertTrue(bad.errLines().get(0).startsWith("mrt2: " + junk + ": 10 bytes"), bad.toString());

        Path file = Files.writeString(dir.resolve("plain.txt"), "x");
        CliRun unwritable = CliRun.of("render", "--models", models.toString(), "--conditioning",
                conditioning.toString(), "--seconds", "1", "--out", file.resolve("out.wav").toString());
        assertEquals(ExitCodes.FAILURE, unwritable.code(), unwritable.toString());
        assertTrue(unwritable.errLines().get(0).contains("cannot write"), unwritable.toString());
        assertEquals(1, unwritable.errLines().size(), unwritable.toString());

        Path empty = Files.createDirectory(dir.resolve("no-models"));
        CliRun noChain = CliRun.of("render", "--models", empty.toString(), "--conditioning", conditioning.toString(),
                "--seconds", "1", "--out", dir.resolve("y.wav").toString());
        assertEquals(ExitCodes.BAD_INPUT, noChain.code(), noChain.toString());
        assertTrue(noChain.err().contains("no MRT2TemporalBodyCarry.mlpackage (the fp16 chain; mrt2 convert "
                + "--generation corrected writes it)"), noChain.toString());

        CliRun seconds = CliRun.of("render", "--models", models.toString(), "--conditioning", conditioning.toString(),
                "--seconds", "0.1", "--out", dir.resolve("z.wav").toString());
        assertEquals(ExitCodes.USAGE, seconds.code(), seconds.toString());

        CliRun raw = CliRun.of("decode", "--models", models.toString(), "--precision", "fp32", "--codes",
                writeCodes(dir.resolve("raw.npy")).toString(), "--out", dir.resolve("d.wav").toString());
        assertEquals(ExitCodes.BAD_INPUT, raw.code(), raw.toString());
        assertTrue(raw.err().contains("id 0 outside 6.."), raw.toString());
        assertTrue(raw.err().contains("codes per level; codes 0.."), raw.toString());
        assertTrue(raw.err().contains("need --raw-codes"), raw.toString());
        assertFalse(Files.exists(dir.resolve("d.wav")));
    }

    @Test
    void anOutputThatWouldReplaceAnInputOrAnotherOutputIsAUsageError() throws IOException {
        Path wav = dir.resolve("o.wav");
        Path codes = writeCodes(dir.resolve("codes.npy"));
        List<String[]> clashes = List.of(
                new String[] {"render", "--models", models.toString(), "--conditioning", conditioning.toString(),
                    "--seconds", "1", "--out", wav.toString(), "--tokens-out", wav.toString()},
                // the same file under another spelling
                new String[] {"render", "--models", models.toString(), "--conditioning", conditioning.toString(),
                    "--seconds", "1", "--out", wav.toString(), "--spectrogram", dir.resolve("x/../o.wav").toString()},
                new String[] {"render", "--models", models.toString(), "--conditioning", conditioning.toString(),
                    "--seconds", "1", "--out", ConditioningFile.sidecarOf(conditioning).toString()},
                new String[] {"render", "--models", models.toString(), "--conditioning", conditioning.toString(),
                    "--seconds", "1", "--out", dir.resolve("g/o.wav").toString(), "--golden",
                    dir.resolve("g").toString()},
                new String[] {"decode", "--models", models.toString(), "--codes", codes.toString(), "--out",
                    codes.toString()},
                new String[] {"decode", "--models", models.toString(), "--codes", codes.toString(), "--out",
                    models.resolve("x.wav").toString()},
                new String[] {"condition", "--checkpoint", tiny.toString(), "--out", conditioning.toString(),
                    "--style-from", ConditioningFile.sidecarOf(conditioning).toString()});
        for (String[] args : clashes) {
            CliRun r = CliRun.of(args);
            assertEquals(ExitCodes.USAGE, r.code(), r.toString());
            assertEquals(1, r.errLines().size(), r.toString());
            assertTrue(r.err().contains(" is also ") || r.err().contains(" would replace the input ")
                    || r.err().contains("which is replaced as a whole") || r.err().contains("is inside the input"),
                    r.toString());
        }
        assertFalse(Files.exists(wav));
        assertTrue(Files.exists(codes));
        // a hard link is the same file too
        Path link = Files.createLink(dir.resolve("link.npy"), codes);
        CliRun linked = CliRun.of("decode", "--models", models.toString(), "--codes", codes.toString(), "--out",
                link.toString());
        assertEquals(ExitCodes.USAGE, linked.code(), linked.toString());
    }

    @Test
    void optionsThatDoNotApplyOrExcludeEachOtherAreRefusedNotIgnored() {
        String[][] refused = {
            {"render", "--engine", "reference", "--checkpoint", tiny.toString(), "--models", models.toString(),
                "--conditioning", conditioning.toString(), "--seconds", "1", "--out", dir.resolve("a.wav").toString()},
            {"render", "--engine", "reference", "--checkpoint", tiny.toString(), "--precision", "fp32",
                "--conditioning", conditioning.toString(), "--seconds", "1", "--out", dir.resolve("a.wav").toString()},
            {"decode", "--models", models.toString(), "--checkpoint", tiny.toString(), "--codes",
                dir.resolve("c.npy").toString(), "--out", dir.resolve("a.wav").toString()},
            {"condition", "--checkpoint", tiny.toString(), "--cfg-tokens", "20,10,2", "--cfg-style", "5", "--out",
                dir.resolve("c.bin").toString()},
            {"condition", "--checkpoint", tiny.toString(), "--out", dir.resolve("c.json").toString()},
        };
        for (String[] args : refused) {
            CliRun r = CliRun.of(args);
            assertEquals(ExitCodes.USAGE, r.code(), r.toString());
            assertEquals(1, r.errLines().size(), r.toString());
        }
        assertFalse(Files.exists(dir.resolve("a.wav")));
        assertFalse(Files.exists(dir.resolve("c.json")));
    }

    @Test
    void conditioningRowsAreReadFromANumpyFileByItsMagicWhateverItsName() throws IOException {
        int width = JSON.readTree(ConditioningFile.sidecarOf(conditioning).toFile()).get("shape").get(1).asInt();
        float[][] rows = ConditioningFile.read(conditioning, width);
        float[] flat = new float[rows.length * rows[0].length];
        for (int f = 0; f < rows.length; f++) {
            System.arraycopy(rows[f], 0, flat, f * rows[0].length, rows[0].length);
        }
        Path npy = dir.resolve("rows.bin");   // an .npy under a .bin name: its header must not become values
        Npy.write(npy, NdArray.f32(new int[] {rows.length, rows[0].length}, flat));
        Path fromNpy = dir.resolve("npy.wav");
        Path fromBin = dir.resolve("bin.wav");
        ok(CliRun.of("render", "--models", models.toString(), "--precision", "fp32", "--conditioning", npy.toString(),
                "--seconds", "0.2", "--out", fromNpy.toString(), "-q"));
        ok(CliRun.of("render", "--models", models.toString(), "--precision", "fp32", "--conditioning",
                conditioning.toString(), "--seconds", "0.2", "--out", fromBin.toString(), "-q"));
        assertArrayEquals(Files.readAllBytes(fromBin), Files.readAllBytes(fromNpy));

        Npy.write(npy, NdArray.f32(new int[] {2, width / 2}, new float[width]));
        CliRun wrongWidth = CliRun.of("render", "--models", models.toString(), "--precision", "fp32",
                "--conditioning", npy.toString(), "--seconds", "0.2", "--out", dir.resolve("w.wav").toString());
        assertEquals(ExitCodes.BAD_INPUT, wrongWidth.code(), wrongWidth.toString());
        assertTrue(wrongWidth.err().contains("expected float rows [" + width + "]"), wrongWidth.toString());
    }

    private static Path writeCodes(Path file) {
        Npy.write(file, NdArray.i32(new int[] {3, 12}, new int[36]));
        return file;
    }
}
