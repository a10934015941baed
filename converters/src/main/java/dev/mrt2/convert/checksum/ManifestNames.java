package dev.mrt2.convert.checksum;

import java.util.Locale;

/**
 * How a file name is spelled in a manifest line and in a message. GNU sha256sum writes a name holding a backslash, a
 * newline or a carriage return with those escaped ({@code \\}, {@code \n}, {@code \r}) and starts its line with a
 * backslash; that is the only way such a name fits on one line, so we write and read it the same way.
 */
public final class ManifestNames {
    private ManifestNames() {}

    /** True when sha256sum would escape the name (and start its line with a backslash). */
    static boolean needsEscape(String name) {
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '\\' || c == '\n' || c == '\r') {
                return true;
            }
        }
        return false;
    }

    /** The name as sha256sum writes it after a leading backslash. */
    static String escape(String name) {
        return escaped(name, false);
    }

    /** The inverse of {@link #escape}; null for a lone trailing backslash or an escape sha256sum never writes. */
    static String unescape(String written) {
        StringBuilder s = new StringBuilder(written.length());
        for (int i = 0; i < written.length(); i++) {
            char c = written.charAt(i);
            if (c != '\\') {
                s.append(c);
                continue;
            }
            if (++i == written.length()) {
                return null;
            }
            switch (written.charAt(i)) {
                case '\\' -> s.append('\\');
                case 'n' -> s.append('\n');
                case 'r' -> s.append('\r');
                default -> {
                    return null;
                }
            }
        }
        return s.toString();
    }

    /**
     * The name for a message or a result line: sha256sum's escapes, plus {@code \t} and {@code \xHH} for every other
     * control character, so no name can break a line or drive a terminal.
     */
    public static String printable(String name) {
        return escaped(name, true);
    }

    /** sha256sum's escapes ({@code \\ \n \r}), and with {@code everyControl} those of every other control character. */
    private static String escaped(String name, boolean everyControl) {
        StringBuilder s = new StringBuilder(name.length() + 8);
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            switch (c) {
                case '\\' -> s.append("\\\\");
                case '\n' -> s.append("\\n");
                case '\r' -> s.append("\\r");
                default -> {
                    if (everyControl && c == '\t') {
                        s.append("\\t");
                    } else if (everyControl && Character.isISOControl(c)) {
                        s.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
                    } else {
                        s.append(c);
                    }
                }
            }
        }
        return s.toString();
    }
}
