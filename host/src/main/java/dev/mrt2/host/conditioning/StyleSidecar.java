package dev.mrt2.host.conditioning;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.mrt2.io.BadInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

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
        JsonNode root;
        try {
            root = JsonMapper.builder().build().readTree(Files.readAllBytes(json));
        } catch (java.nio.file.NoSuchFileException e) {
            throw new BadInputException(json + ": no such file");
        } catch (IOException e) {
            throw new BadInputException(json + ": not JSON (" + e.getMessage().lines().findFirst().orElse("") + ")", e);
        }
        JsonNode tokens = root == null ? null : root.get("style_tokens");
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
            if (!t.canConvertToInt() || !t.isIntegralNumber() || t.asInt() < ConditioningLayout.MASKED
                    || t.asInt() >= ConditioningLayout.STYLE_CODES) {
                throw new BadInputException(source + "[" + l + "] = " + t + " is not a MusicCoCa token -1..1023");
            }
            out[l] = t.asInt();
        }
        return out;
    }
}
