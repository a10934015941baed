package dev.mrt2.convert.checksum;

import dev.mrt2.io.BadInputException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads a manifest's text the way GNU {@code sha256sum -c} (coreutils 9) does, but refuses what it would only skip:
 * <ul>
 *   <li>{@code <hex>  <path>} and {@code <hex> *<path>}, and the one-space {@code <hex> <path>} form when the first
 *       line uses it (sha256sum reads only one of the two forms per manifest, so a name starting with a space or
 *       {@code *} is never ambiguous);</li>
 *   <li>{@code SHA256 (<path>) = <hex>} ({@code sha256sum --tag});</li>
 *   <li>a leading backslash: the path is escaped ({@code \\}, {@code \n}, {@code \r});</li>
 *   <li>hex digits in either case; blank lines and {@code #} comments; a CR before the newline;</li>
 *   <li>NUL-terminated records ({@code sha256sum -z}, which never escapes), recognised by their NUL bytes.</li>
 * </ul>
 * Paths must stay inside the folder and name a file once.
 */
final class ManifestParser {
    private static final String TAG = "SHA256";
    private static final int HEX = 64;

    private final String manifest;
    private final String unit;
    /** Null until the first untagged line says whether this manifest uses the one-space form. */
    private Boolean oneSpace;

    private ManifestParser(String manifest, boolean nul) {
        this.manifest = manifest;
        this.unit = nul ? "record" : "line";
    }

    /** The entries of {@code text}, sorted by path; {@code manifest} names it in errors. */
    static List<ChecksumManifest.Entry> parse(String manifest, String text) {
        boolean nul = text.indexOf('\0') >= 0;
        if (nul && !text.endsWith("\0")) {
            throw new BadInputException(manifest + ": holds NUL bytes but does not end with one: neither lines nor "
                    + "NUL-terminated records (sha256sum -z)");
        }
        ManifestParser parser = new ManifestParser(manifest, nul);
        String[] records = text.split(nul ? "\0" : "\n", -1);
        Map<String, ChecksumManifest.Entry> byPath = new TreeMap<>();
        for (int i = 0; i < records.length; i++) {
            String record = records[i];
            if (!nul && record.endsWith("\r")) {
                record = record.substring(0, record.length() - 1);   // written on Windows
            }
            if (record.isEmpty() || record.startsWith("#")) {
                continue;
            }
            ChecksumManifest.Entry e = parser.entry(i + 1, record);
            if (byPath.put(e.path(), e) != null) {
                throw parser.bad(i + 1, "'" + ManifestNames.printable(e.path()) + "' listed twice");
            }
        }
        return List.copyOf(byPath.values());
    }

    private ChecksumManifest.Entry entry(int number, String line) {
        int i = 0;
        while (i < line.length() && isSpace(line.charAt(i))) {
            i++;
        }
        boolean escaped = i < line.length() && line.charAt(i) == '\\';
        if (escaped) {
            i++;
        }
        String[] hexAndPath = line.startsWith(TAG, i) ? tagged(number, line, i + TAG.length())
                : untagged(number, line, i);
        String written = hexAndPath[1];
        if (escaped) {
            written = ManifestNames.unescape(written);
            if (written == null) {
                throw bad(number, "the line starts with '\\', so its path must be escaped as sha256sum does "
                        + "(\\\\ for a backslash, \\n for a newline, \\r for a carriage return)");
            }
        }
        return new ChecksumManifest.Entry(path(number, written), hexAndPath[0].toLowerCase(Locale.ROOT));
    }

    /** {@code SHA256 (<path>) = <hex>}: the path runs to the last ')', as sha256sum reads it. */
    private String[] tagged(int number, String line, int i) {
        if (i < line.length() && line.charAt(i) == ' ') {
            i++;
        }
        int close = line.lastIndexOf(')');
        if (i >= line.length() || line.charAt(i) != '(' || close < i) {
            throw malformed(number);
        }
        int k = close + 1;
        while (k < line.length() && (line.charAt(k) == ' ' || line.charAt(k) == '\t')) {
            k++;
        }
        if (k >= line.length() || line.charAt(k) != '=') {
            throw malformed(number);
        }
        k++;
        while (k < line.length() && (line.charAt(k) == ' ' || line.charAt(k) == '\t')) {
            k++;
        }
        String hex = line.substring(k);
        if (!isHex(hex)) {
            throw malformed(number);
        }
        return new String[] {hex, line.substring(i + 1, close)};
    }

    /** {@code <hex>  <path>}, {@code <hex> *<path>}, or (for the whole manifest) {@code <hex> <path>}. */
    private String[] untagged(int number, String line, int i) {
        if (line.length() < i + HEX + 1 || !isHex(line.substring(i, i + HEX)) || !isSpace(line.charAt(i + HEX))) {
            throw malformed(number);
        }
        String hex = line.substring(i, i + HEX);
        int k = i + HEX + 1;
        boolean twoFields = k < line.length() && (line.charAt(k) == ' ' || line.charAt(k) == '*');
        if (oneSpace == null) {
            oneSpace = !twoFields;
        }
        if (!oneSpace) {
            if (!twoFields) {
                throw bad(number, "one space between digest and path, after lines with two (sha256sum reads only "
                        + "one form per manifest)");
            }
            k++;   // the ' ' (text) or '*' (binary) mode mark; both hash the same bytes on this system
        }
        return new String[] {hex, line.substring(k)};
    }

    /** The path '/'-joined without "." and empty segments, as sha256sum opens it; it may not leave the folder. */
    private String path(int number, String written) {
        if (written.startsWith("/") || List.of(written.split("/")).contains("..")) {
            throw bad(number, "path '" + ManifestNames.printable(written) + "' leaves the directory");
        }
        List<String> parts = new ArrayList<>();
        for (String part : written.split("/")) {
            if (!part.isEmpty() && !part.equals(".")) {
                parts.add(part);
            }
        }
        if (parts.isEmpty()) {
            throw bad(number, "path '" + ManifestNames.printable(written) + "' names no file");
        }
        return String.join("/", parts);
    }

    private static boolean isHex(String s) {
        if (s.length() != HEX) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!(c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F')) {
                return false;
            }
        }
        return true;
    }

    /** C's isspace, which sha256sum uses around the digest. */
    private static boolean isSpace(char c) {
        return c == ' ' || c == '\t' || c == '\n' || c == 0x0b || c == '\f' || c == '\r';
    }

    private BadInputException malformed(int number) {
        return bad(number, "expected '<64 hex digits>  <path>' or 'SHA256 (<path>) = <64 hex digits>'");
    }

    BadInputException bad(int number, String problem) {
        return new BadInputException(manifest + ": " + unit + " " + number + ": " + problem);
    }
}
