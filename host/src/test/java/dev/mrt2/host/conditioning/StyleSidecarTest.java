package dev.mrt2.host.conditioning;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.mrt2.io.BadInputException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --style-from}: sidecars as Python's {@code json.dump} writes them, byte for byte. */
class StyleSidecarTest {
    private static final int[] TOKENS = {660, 1016, 295, 206, 857, 841, 391, 857, 619, 70, 401, 22};

    @TempDir
    Path dir;

    private Path json(String name, String text) throws IOException {
        return Files.write(dir.resolve(name), text.getBytes(StandardCharsets.UTF_8));
    }

    private String failure(Path file) {
        return assertThrows(BadInputException.class, () -> StyleSidecar.read(file)).getMessage();
    }

    @Test
    void anyKeyOrderAndSpacingReads() throws Exception {
        // json.dump(d) (", " and ": "), indent=2 with sort_keys, and separators=(',', ':')
        assertArrayEquals(TOKENS, StyleSidecar.read(json("a.json", "{\"shape\": [1, 256], \"style_tokens\": [660, 1016,"
                + " 295, 206, 857, 841, 391, 857, 619, 70, 401, 22], \"schema\": \"mrt2-source-conditioning-v1\"}")));
        assertArrayEquals(TOKENS, StyleSidecar.read(json("b.json", "{\n  \"schema\": \"mrt2-source-conditioning-v1\","
                + "\n  \"style_tokens\": [\n    660,\n    1016,\n    295,\n    206,\n    857,\n    841,\n    391,\n"
                + "    857,\n    619,\n    70,\n    401,\n    22\n  ]\n}")));
        assertArrayEquals(TOKENS, StyleSidecar.read(json("c.json",
                "{\"style_tokens\":[660,1016,295,206,857,841,391,857,619,70,401,22],\"prompt\":\"caf\\u00e9\"}")));
    }

    @Test
    void integersWrittenAsFloatsAreTokensAndFractionsAreNot() throws Exception {
        // json.dump([float(t) for t in tokens]) writes 660.0; 1e3 and 2.2e1 are other spellings of whole numbers
        Path floats = json("f.json", "{\"style_tokens\": [660.0, 1016.0, 295.0, 206.0, 857.0, 841.0, 391.0, 857.0,"
                + " 619.0, 70.0, 401.0, 2.2e1], \"cfg_tokens\": [20, 10, 2]}");
        assertArrayEquals(TOKENS, StyleSidecar.read(floats));
        Path masked = json("m.json", "{\"style_tokens\": [-1.0, 1e3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]}");
        assertArrayEquals(new int[] {-1, 1000, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1}, StyleSidecar.read(masked));
        Path half = json("h.json", "{\"style_tokens\": [660.5, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]}");
        assertEquals(half + ": style_tokens[0] = 660.5 is not a MusicCoCa token -1..1023", failure(half));
        Path big = json("big.json", "{\"style_tokens\": [1024.0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]}");
        assertEquals(big + ": style_tokens[0] = 1024.0 is not a MusicCoCa token -1..1023", failure(big));
        Path text = json("s.json", "{\"style_tokens\": [\"660\", 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]}");
        assertEquals(text + ": style_tokens[0] = \"660\" is not a MusicCoCa token -1..1023", failure(text));
    }

    @Test
    void pythonsNanAndInfinityInAFieldWeDoNotReadAreAccepted() throws Exception {
        // json.dump writes float('nan') as NaN and float('inf') as Infinity unless told allow_nan=False
        Path nan = json("n.json", "{\"compile_seconds\": NaN, \"load_seconds\": Infinity, \"seed\": -Infinity,"
                + " \"style_tokens\": [660, 1016, 295, 206, 857, 841, 391, 857, 619, 70, 401, 22]}");
        assertArrayEquals(TOKENS, StyleSidecar.read(nan));
        Path nanToken = json("nt.json", "{\"style_tokens\": [NaN, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1]}");
        assertEquals(nanToken + ": style_tokens[0] = NaN is not a MusicCoCa token -1..1023", failure(nanToken));
    }

    @Test
    void whatJsonLoadRefusesIsRefusedNamingTheFile() throws Exception {
        String one = "{\"style_tokens\": [660, 1016, 295, 206, 857, 841, 391, 857, 619, 70, 401, 22]}";
        // two documents (a file appended to): json.load says "Extra data"; we used to take the first
        Path two = json("two.json", one + one);
        assertEquals(two + ": not JSON (text after the document, at line 1 column 78)", failure(two));
        assertArrayEquals(TOKENS, StyleSidecar.read(json("nl.json", one + "\n\n")), "trailing whitespace is fine");
        Path empty = json("e.json", "");
        assertEquals(empty + ": empty file, not JSON", failure(empty));
        Path cut = json("cut.json", one.substring(0, 30));
        assertEquals(true, failure(cut).startsWith(cut + ": not JSON ("), failure(cut));
    }
}
