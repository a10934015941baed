package dev.mrt2.host.conditioning;

import com.fasterxml.jackson.databind.JsonNode;
import dev.mrt2.io.BadInputException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * {@code --style-from FILE.json}: the 12 MusicCoCa tokens under {@code style_tokens} of a port conditioning sidecar
 * ({@code mrt2-source-conditioning-v1}), so a prompt compiled once on a Mac with MLX can be reused here.
 */
public final class StyleSidecar {
    private StyleSidecar() {}

    public static int[] read(Path json) {
        if (Files.isDirectory(json)) {
            throw new BadInputException(json + ": is a directory");
        }
        JsonNode root = SidecarJson.read(json);
        JsonNode tokens = root.get("style_tokens");
        if (tokens == null || !tokens.isArray()) {
            throw new BadInputException(json + ": no 'style_tokens' array (expected a conditioning sidecar, schema "
                    + ConditioningFile.SCHEMA + ")");
        }
        return parse(json + ": style_tokens", tokens);
    }

    static int[] parse(String source, JsonNode tokens) {
        if (tokens.size() != ConditioningLayout.STYLE_LEVELS) {
            throw new BadInputException(source + " has " + tokens.size() + " entries, expected "
                    + ConditioningLayout.STYLE_LEVELS);
        }
        int[] out = new int[ConditioningLayout.STYLE_LEVELS];
        for (int l = 0; l < out.length; l++) {
            JsonNode t = tokens.get(l);
            // 660.0 is token 660: Python writes ints that passed through a float (numpy, a division) that way
            OptionalInt token = SidecarJson.integer(t);
            if (token.isEmpty() || token.getAsInt() < ConditioningLayout.MASKED
                    || token.getAsInt() >= ConditioningLayout.STYLE_CODES) {
                throw new BadInputException(source + "[" + l + "] = " + SidecarJson.show(t)
                        + " is not a MusicCoCa token -1..1023");
            }
            out[l] = token.getAsInt();
        }
        return out;
    }
}
