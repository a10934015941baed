package dev.mrt2.tensor;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The header dict of an NPY file, a Python literal such as
 * {@code {'descr': '<f4', 'fortran_order': False, 'shape': (64, 1, 1, 1024), }}. Parsing accepts exactly the literal
 * forms NumPy writes (quoted strings, True/False, tuples of non-negative ints, trailing commas); formatting reproduces
 * NumPy's own spelling so our files match {@code np.save} byte for byte.
 */
record NpyHeader(String descr, boolean fortranOrder, int[] shape) {

    static NpyHeader parse(String source, String text) {
        Map<String, Object> dict = new LiteralParser(source, text).dict();
        for (String key : List.of("descr", "fortran_order", "shape")) {
            if (!dict.containsKey(key)) {
                throw TensorFileException.of(source, "NPY header has no '" + key + "' entry: " + text.strip());
            }
        }
        if (!(dict.get("descr") instanceof String descr)) {
            throw TensorFileException.of(source, "NPY 'descr' is not a string (structured dtypes are not supported): "
                    + text.strip());
        }
        if (!(dict.get("fortran_order") instanceof Boolean fortran)) {
            throw TensorFileException.of(source, "NPY 'fortran_order' is not True/False: " + text.strip());
        }
        if (!(dict.get("shape") instanceof int[] shape)) {
            throw TensorFileException.of(source, "NPY 'shape' is not a tuple of ints: " + text.strip());
        }
        return new NpyHeader(descr, fortran, shape);
    }

    /** NumPy's spelling: {@code (5,)} for rank 1, {@code ()} for rank 0. */
    String format() {
        StringBuilder s = new StringBuilder("{'descr': '").append(descr).append("', 'fortran_order': ")
                .append(fortranOrder ? "True" : "False").append(", 'shape': (");
        for (int i = 0; i < shape.length; i++) {
            s.append(i == 0 ? "" : ", ").append(shape[i]);
        }
        if (shape.length == 1) {
            s.append(',');
        }
        return s.append("), }").toString();
    }

    @Override
    public String toString() {
        return format();
    }

    /** Recursive-descent parser for the tiny subset of Python literals an NPY header uses. */
    private static final class LiteralParser {
        private final String source;
        private final String text;
        private int pos;

        LiteralParser(String source, String text) {
            this.source = source;
            this.text = text;
        }

        Map<String, Object> dict() {
            expect('{');
            Map<String, Object> out = new TreeMap<>();
            while (!peek('}')) {
                String key = string();
                expect(':');
                Object value = value();
                if (out.put(key, value) != null) {
                    throw fail("duplicate key '" + key + "'");
                }
                if (!peek('}')) {
                    expect(',');
                }
            }
            expect('}');
            skipSpace();
            if (pos != text.length()) {
                throw fail("text after the closing brace");
            }
            return out;
        }

        private Object value() {
            skipSpace();
            if (peek('\'') || peek('"')) {
                return string();
            }
            if (peek('(')) {
                return tuple();
            }
            if (text.startsWith("True", pos)) {
                pos += 4;
                return Boolean.TRUE;
            }
            if (text.startsWith("False", pos)) {
                pos += 5;
                return Boolean.FALSE;
            }
            throw fail("unexpected value");
        }

        private int[] tuple() {
            expect('(');
            List<Integer> dims = new ArrayList<>();
            while (!peek(')')) {
                dims.add(integer());
                if (!peek(')')) {
                    expect(',');
                }
            }
            expect(')');
            return dims.stream().mapToInt(Integer::intValue).toArray();
        }

        private int integer() {
            skipSpace();
            int start = pos;
            while (pos < text.length() && Character.isDigit(text.charAt(pos))) {
                pos++;
            }
            // Python 2 era writers appended L to longs.
            String digits = text.substring(start, pos);
            if (pos < text.length() && text.charAt(pos) == 'L') {
                pos++;
            }
            if (digits.isEmpty()) {
                throw fail("expected a non-negative integer");
            }
            try {
                return Integer.parseInt(digits);
            } catch (NumberFormatException e) {
                throw fail("dimension " + digits + " is too large");
            }
        }

        private String string() {
            skipSpace();
            char quote = pos < text.length() ? text.charAt(pos) : 0;
            if (quote != '\'' && quote != '"') {
                throw fail("expected a quoted string");
            }
            int end = text.indexOf(quote, pos + 1);
            if (end < 0) {
                throw fail("unterminated string");
            }
            String s = text.substring(pos + 1, end);
            pos = end + 1;
            return s;
        }

        private boolean peek(char c) {
            skipSpace();
            return pos < text.length() && text.charAt(pos) == c;
        }

        private void expect(char c) {
            if (!peek(c)) {
                throw fail("expected '" + c + "'");
            }
            pos++;
        }

        private void skipSpace() {
            while (pos < text.length() && Character.isWhitespace(text.charAt(pos))) {
                pos++;
            }
        }

        private TensorFileException fail(String what) {
            return TensorFileException.of(source, "malformed NPY header (" + what + " at character " + pos + "): "
                    + text.strip());
        }
    }
}
