package dev.mrt2.djl;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.mrt2.mil.exec.Accelerators;
import java.io.InputStream;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The first use of the native library is announced once, with its size and folder; later uses say nothing. */
class FirstUnpackNoticeTest {
    @Test
    void announcesTheUnpackOnlyWhileTheLibraryIsMissing(@TempDir Path cache) throws Exception {
        URL props = DjlAccelerator.class.getClassLoader().getResource("native/lib/pytorch.properties");
        assertNotNull(props, "pytorch-native jar on the test class path");
        List<String> notices = new ArrayList<>();
        String before = System.getProperty("ENGINE_CACHE_DIR");
        System.setProperty("ENGINE_CACHE_DIR", cache.toString());
        Accelerators.setNotices(notices::add);
        try {
            DjlAccelerator.announceFirstUnpack(props);
            assertEquals(1, notices.size(), notices.toString());
            assertTrue(notices.get(0).matches("unpacking the PyTorch native library \\(\\d{3} MB, first use only\\) into "
                    + java.util.regex.Pattern.quote(cache.resolve("pytorch").toString()) + "/.+"), notices.get(0));

            Properties p = new Properties();
            try (InputStream in = props.openStream()) {
                p.load(in);
            }
            Path dir = cache.resolve("pytorch").resolve(p.getProperty("version") + "-" + p.getProperty("flavor") + "-"
                    + p.getProperty("classifier"));
            Files.createDirectories(dir);
            for (String lib : p.getProperty("libraries").split(",")) {
                Files.createFile(dir.resolve(lib.trim()));
            }
            DjlAccelerator.announceFirstUnpack(props);
            assertEquals(1, notices.size(), "no second notice once the library is there: " + notices);
        } finally {
            Accelerators.setNotices(m -> System.err.println("mrt2: " + m));
            if (before == null) System.clearProperty("ENGINE_CACHE_DIR"); else System.setProperty("ENGINE_CACHE_DIR", before);
        }
    }
}
