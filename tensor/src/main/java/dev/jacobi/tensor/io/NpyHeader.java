package dev.jacobi.tensor.io;

import dev.jacobi.tensor.DType;

import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The dictionary of a {@code .npy} header: {@code {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }}.
 *
 * <p>{@link #parse} reads the subset of Python literal syntax that NumPy writes (dicts, tuples,
 * lists, quoted strings without escapes, integers with an optional Python 2 {@code L} suffix,
 * {@code True}, {@code False}, {@code None}); {@link #format} writes the same text NumPy does.
 *
 * @param dtype        the element type
 * @param order        the byte order of the elements in the file
 * @param fortranOrder whether the data is in column-major order
 * @param shape        the array's shape, already checked by {@link TensorBytes#checkShape}
 * @param unsignedBytes whether the file holds uint8 ({@code |u1}): {@code dtype} is then INT8 (the raw
 *                      bytes) and {@link Npy} widens the values to INT32
 */
record NpyHeader(DType dtype, ByteOrder order, boolean fortranOrder, int[] shape, boolean unsignedBytes) {
    /**
     * NumPy leaves room in the header for the growing axis to reach this many digits, so that
     * appending to a file can rewrite the header in place; matching it makes our files byte for byte
     * the ones NumPy writes.
     */
    private static final int GROWTH_AXIS_MAX_DIGITS = 21;

    /** Deepest nesting accepted (NumPy needs 2: the dict and the shape tuple). */
    private static final int MAX_DEPTH = 32;

    private static final Set<String> KEYS = Set.of("descr", "fortran_order", "shape");

    /** Python's {@code None}, which is valid syntax but never a valid field value. */
    private static final Object NONE = new Object() {
        @Override
        public String toString() {
            return "None";
        }
    };

    /** Parses and checks the header dictionary of the file {@code source}. */
    static NpyHeader parse(String text, String source) {
        Object value = new Parser(text, source).parseAll();
        if (!(value instanceof Map<?, ?> dict)) {
            throw new TensorFormatException(source, "the .npy header is not a dictionary: " + snippet(text));
        }
        if (!dict.keySet().equals(KEYS)) {
            throw new TensorFormatException(source, "the .npy header has keys " + dict.keySet()
                    + ", expected exactly " + List.of("descr", "fortran_order", "shape"));
        }
        Object descr = dict.get("descr");
        if (!(descr instanceof String code)) {
            throw new TensorFormatException(source, "'descr' is " + snippet(String.valueOf(descr))
                    + ": structured dtypes are not supported, only " + DTypeCodes.numpySupported());
        }
        if (!(dict.get("fortran_order") instanceof Boolean fortran)) {
            throw new TensorFormatException(source, "'fortran_order' is " + dict.get("fortran_order")
                    + ", expected True or False");
        }
        if (!(dict.get("shape") instanceof List<?> dims)) {
            throw new TensorFormatException(source, "'shape' is " + dict.get("shape") + ", expected a tuple of integers");
        }
        long[] shape = new long[dims.size()];
        for (int i = 0; i < shape.length; i++) {
            if (!(dims.get(i) instanceof Long d)) {
                throw new TensorFormatException(source, "'shape' is " + dims + ", expected a tuple of integers");
            }
            shape[i] = d;
        }
        // uint8 (image stacks): read as INT8 bytes, widened to INT32 by Npy, since Jacobi has no unsigned dtype.
        boolean unsignedBytes = code.equals("|u1") || code.equals("u1") || code.equals("<u1") || code.equals(">u1");
        DType dtype = unsignedBytes ? DType.INT8 : dtype(code, source);
        ByteOrder order = code.charAt(0) == '>' ? ByteOrder.BIG_ENDIAN
                : code.charAt(0) == '<' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.nativeOrder();
        return new NpyHeader(dtype, order, fortran, TensorBytes.checkShape(shape, dtype, source, "the array"), unsignedBytes);
    }

    /** The dtype of a descriptor such as {@code <f4}: a byte-order character, then a NumPy type code. */
    private static DType dtype(String descr, String source) {
        char orderChar = descr.isEmpty() ? 0 : descr.charAt(0);
        boolean hasOrder = orderChar == '<' || orderChar == '>' || orderChar == '|' || orderChar == '=';
        DType dtype = DTypeCodes.fromNumpyCode(hasOrder ? descr.substring(1) : descr);
        if (dtype == null) {
            throw new TensorFormatException(source, "dtype '" + descr + "' is not supported; supported type codes are "
                    + DTypeCodes.numpySupported() + " (with a byte order '<', '>' or '|')");
        }
        if (orderChar == '|' && dtype.realPart().byteSize() > 1) {
            throw new TensorFormatException(source, "dtype '" + descr + "' has no byte order ('|') but "
                    + dtype.realPart().byteSize() + "-byte parts");
        }
        return dtype;
    }

    /**
     * The header text NumPy writes for a C-ordered array: the dict, spaces for the growing axis, then
     * (by {@link Npy}) padding so that the data starts at a multiple of 64 bytes.
     */
    String format() {
        String code = DTypeCodes.numpyCode(dtype);
        char orderChar = dtype.realPart().byteSize() == 1 ? '|' : order == ByteOrder.BIG_ENDIAN ? '>' : '<';
        StringBuilder sb = new StringBuilder("{'descr': '").append(orderChar).append(code)
                .append("', 'fortran_order': ").append(fortranOrder ? "True" : "False").append(", 'shape': (");
        for (int i = 0; i < shape.length; i++) {
            sb.append(i > 0 ? ", " : "").append(shape[i]);
        }
        sb.append(shape.length == 1 ? ",), }" : "), }");
        if (shape.length > 0) {
            int growing = shape[fortranOrder ? shape.length - 1 : 0];
            sb.append(" ".repeat(GROWTH_AXIS_MAX_DIGITS - Integer.toString(growing).length()));
        }
        return sb.toString();
    }

    /** The start of a header for messages, non-printable characters escaped. */
    static String snippet(String text) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < text.length() && sb.length() < 80; i++) {
            char c = text.charAt(i);
            sb.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format(c < 0x100 ? "\\x%02x" : "\\u%04x", (int) c));
        }
        return '"' + sb.toString().strip() + (sb.length() >= 80 ? "...\"" : "\"");
    }

    /** A recursive-descent parser for the Python literal subset NumPy headers use. */
    private static final class Parser {
        private final String text;
        private final String source;
        private int pos;

        Parser(String text, String source) {
            this.text = text;
            this.source = source;
        }

        Object parseAll() {
            Object value = value(0);
            skipWhitespace();
            if (pos < text.length()) {
                throw error("unexpected text after the dictionary");
            }
            return value;
        }

        private Object value(int depth) {
            if (depth > MAX_DEPTH) {
                throw error("nested deeper than " + MAX_DEPTH + " levels");
            }
            skipWhitespace();
            if (pos >= text.length()) {
                throw error("unexpected end of the header");
            }
            char c = text.charAt(pos);
            if (c == '{') {
                return dict(depth);
            }
            if (c == '(' || c == '[') {
                return sequence(depth, c == '(' ? ')' : ']');
            }
            if (c == '\'' || c == '"') {
                return string(c);
            }
            if (c == '-' || (c >= '0' && c <= '9')) {
                return integer();
            }
            if (Character.isLetter(c)) {
                int start = pos;
                while (pos < text.length() && Character.isLetterOrDigit(text.charAt(pos))) {
                    pos++;
                }
                String word = text.substring(start, pos);
                return switch (word) {
                    case "True" -> Boolean.TRUE;
                    case "False" -> Boolean.FALSE;
                    case "None" -> NONE;
                    default -> {
                        pos = start;
                        throw error("unexpected name '" + word + "'");
                    }
                };
            }
            throw error("unexpected character");
        }

        private Map<Object, Object> dict(int depth) {
            pos++; // '{'
            Map<Object, Object> map = new LinkedHashMap<>();
            while (true) {
                skipWhitespace();
                if (peek('}')) {
                    pos++;
                    return map;
                }
                int keyAt = pos;
                Object key = value(depth + 1);
                skipWhitespace();
                expect(':');
                Object value = value(depth + 1);
                if (map.put(key, value) != null) {
                    pos = keyAt;
                    throw error("duplicate key " + key);
                }
                skipWhitespace();
                if (peek(',')) {
                    pos++;
                } else if (!peek('}')) {
                    throw error("expected ',' or '}'");
                }
            }
        }

        /** A tuple or list as a list; {@code (x)} without a comma is just {@code x}, as in Python. */
        private Object sequence(int depth, char close) {
            pos++;
            List<Object> items = new ArrayList<>();
            boolean comma = false;
            while (true) {
                skipWhitespace();
                if (peek(close)) {
                    pos++;
                    return close == ')' && items.size() == 1 && !comma ? items.getFirst() : items;
                }
                items.add(value(depth + 1));
                skipWhitespace();
                if (peek(',')) {
                    pos++;
                    comma = true;
                } else if (!peek(close)) {
                    throw error("expected ',' or '" + close + "'");
                }
            }
        }

        private String string(char quote) {
            int start = ++pos;
            while (pos < text.length() && text.charAt(pos) != quote) {
                if (text.charAt(pos) == '\\' || text.charAt(pos) == '\n') {
                    throw error(text.charAt(pos) == '\\' ? "escape sequences are not supported in strings"
                            : "unterminated string");
                }
                pos++;
            }
            if (pos >= text.length()) {
                throw error("unterminated string");
            }
            return text.substring(start, pos++);
        }

        private Long integer() {
            int start = pos;
            boolean negative = peek('-');
            if (negative) {
                pos++;
            }
            long v = 0;
            int digits = 0;
            while (pos < text.length() && text.charAt(pos) >= '0' && text.charAt(pos) <= '9') {
                if (v > (Long.MAX_VALUE - 9) / 10) {
                    pos = start;
                    throw error("integer too large");
                }
                v = v * 10 + (text.charAt(pos++) - '0');
                digits++;
            }
            if (digits == 0) {
                throw error("expected a digit");
            }
            if (peek('L')) {
                pos++; // Python 2 long suffix, still found in old files
            }
            return negative ? -v : v;
        }

        private void skipWhitespace() {
            while (pos < text.length() && (text.charAt(pos) == ' ' || text.charAt(pos) == '\t'
                    || text.charAt(pos) == '\n' || text.charAt(pos) == '\r')) {
                pos++;
            }
        }

        private boolean peek(char c) {
            return pos < text.length() && text.charAt(pos) == c;
        }

        private void expect(char c) {
            if (!peek(c)) {
                throw error("expected '" + c + "'");
            }
            pos++;
        }

        private TensorFormatException error(String problem) {
            return new TensorFormatException(source, "cannot parse the .npy header " + snippet(text) + ": "
                    + problem + " at offset " + pos);
        }
    }
}
