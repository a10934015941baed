package dev.mrt2.djl;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.util.Utils;
import dev.mrt2.mil.exec.Accelerator;
import dev.mrt2.mil.exec.Accelerators;
import dev.mrt2.mil.exec.ConvBackend;
import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Locale;
import java.util.Properties;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

/**
 * DJL's PyTorch engine as the executor's {@link Accelerator}. The engine loads offline from the pytorch-native jar on
 * the class path (a linux-x86_64 build); anywhere else the probe fails quietly and the JVM kernels run.
 *
 * <p>On first use DJL unpacks the native library (about 450 MB) into its cache folder; that is announced once, with
 * the size and the folder, before it happens.
 */
public final class DjlAccelerator implements Accelerator {
    static final String ENGINE = "PyTorch";
    private static final String NATIVE_PROPERTIES = "native/lib/pytorch.properties";

    private static String reason;
    private static boolean probed;

    @Override
    public String name() {
        return "djl-pytorch";
    }

    @Override
    public synchronized String unavailableReason() {
        if (!probed) {
            probed = true;
            reason = probe();
        }
        return reason;
    }

    private static String probe() {
        // never let DJL reach for the network, and keep its logging setup quiet on stderr
        if (System.getProperty("ai.djl.offline") == null) System.setProperty("ai.djl.offline", "true");
        if (System.getProperty("slf4j.internal.verbosity") == null) System.setProperty("slf4j.internal.verbosity", "ERROR");
        URL props = DjlAccelerator.class.getClassLoader().getResource(NATIVE_PROPERTIES);
        if (props == null) {
            return "no PyTorch native library on the class path";
        }
        try {
            announceFirstUnpack(props);
            Engine.getEngine(ENGINE);
            return null;
        } catch (Throwable t) {   // UnsatisfiedLinkError and EngineException both mean "not here"
            String m = t.getMessage();
            return "the PyTorch engine does not load on " + System.getProperty("os.name") + " "
                    + System.getProperty("os.arch") + (m == null ? "" : ": " + m.lines().findFirst().orElse(""));
        }
    }

    /** Says where the native library is about to be unpacked, and how big it is, when it is not there yet. */
    static void announceFirstUnpack(URL props) throws IOException {
        Properties p = new Properties();
        try (InputStream in = props.openStream()) {
            p.load(in);
        }
        String flavor = p.getProperty("flavor", "cpu");
        String classifier = p.getProperty("classifier", "");
        Path dir = Utils.getEngineCacheDir("pytorch").resolve(p.getProperty("version", "") + "-" + flavor + "-" + classifier);
        boolean present = true;
        for (String lib : p.getProperty("libraries", "").split(",")) {
            present &= lib.isBlank() || Files.isRegularFile(dir.resolve(lib.trim()));
        }
        if (present) {
            return;
        }
        long bytes = nativeBytes(props, flavor + "/" + classifier + "/");
        Accelerators.notice(String.format(Locale.ROOT,
                "unpacking the PyTorch native library (%d MB, first use only) into %s", bytes / 1_000_000, dir));
    }

    /** Uncompressed size of the library files in the native jar, or 0 when it cannot be read. */
    private static long nativeBytes(URL props, String folder) {
        try {
            if (!(props.openConnection() instanceof JarURLConnection c)) {
                return 0;
            }
            long total = 0;
            try (JarFile jar = new JarFile(Path.of(c.getJarFileURL().toURI()).toFile())) {
                Enumeration<JarEntry> entries = jar.entries();
                while (entries.hasMoreElements()) {
                    JarEntry e = entries.nextElement();
                    if (e.getName().contains(folder) && !e.isDirectory()) {
                        total += Math.max(0, e.getSize());
                    }
                }
            }
            return total;
        } catch (IOException | java.net.URISyntaxException | IllegalArgumentException e) {
            return 0;
        }
    }

    @Override
    public Kernels open(ConvBackend fallback) {
        String why = unavailableReason();
        if (why != null) {
            throw new IllegalStateException(why);
        }
        return new DjlKernels(NDManager.newBaseManager(ENGINE), fallback);
    }
}
