package dev.mrt2.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * No production source maps case or formats numbers in the default locale (under tr_TR "DEPTH_LOGITS".toLowerCase()
 * is "depth_logıts"; under de_DE "%.2f" gives "0,52"). The tr_TR run of the whole job catches what it executes; this
 * catches the lines it does not reach.
 */
class LocaleSafeSourceTest {
    private static final Pattern DEFAULT_LOCALE = Pattern.compile(
            "\\.to(Lower|Upper)Case\\(\\)|String\\.format\\(\"|\\.formatted\\(|printf\\(\"|new Formatter\\(\\)");

    @Test
    void everyCaseMappingAndNumberFormatNamesItsLocale() throws IOException {
        Path repo = Path.of(System.getProperty("mrt2.repo.dir", "..")).toAbsolutePath().normalize();
        List<String> found = new ArrayList<>();
        int files = 0;
        try (Stream<Path> walk = Files.walk(repo)) {
            for (Path p : walk.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> f.toString().replace('\\', '/').contains("/src/main/java/")).toList()) {
                files++;
                List<String> lines = Files.readAllLines(p);
                for (int i = 0; i < lines.size(); i++) {
                    if (DEFAULT_LOCALE.matcher(lines.get(i)).find()) {
                        found.add(repo.relativize(p) + ":" + (i + 1) + ": " + lines.get(i).strip());
                    }
                }
            }
        }
        assertTrue(files > 100, "the scan found the sources (" + files + " files under " + repo + ")");
        assertEquals(List.of(), found, "use Locale.ROOT");
    }
}
