package dev.jacobi.tensor.io;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;

import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code .safetensors} files, the format PyTorch users share weights in.
 *
 * <p>Layout: an 8-byte little-endian header length N, N bytes of UTF-8 JSON
 * {@code {"__metadata__": {"k": "v"}, "w": {"dtype": "F32", "shape": [2, 3], "data_offsets": [0, 24]}}}
 * (padded with spaces), then the data: each tensor little-endian in C order at its offsets, which
 * are relative to the end of the header. dtypes: {@code BOOL, I8, I32, F16, BF16, F32, F64, C64}
 * (see {@link DTypeCodes}); safetensors has no complex128, so writing one is refused.
 *
 * <p>Reading is strict, as the reference implementation is: the header must be at most 100 MB and
 * valid JSON starting with {@code '{'}, each tensor's offsets must span exactly its
 * {@code numel * elementSize} bytes, and together the tensors must cover the data with no overlap
 * and no gap up to the end of the file. Keys other than {@code dtype}, {@code shape} and
 * {@code data_offsets} inside a tensor's entry are ignored. Any violation gives a
 * {@link TensorFormatException} naming the file, the tensor and the problem; I/O failures give an
 * {@link UncheckedIOException}.
 *
 * <p><b>Memory.</b> As in {@link Npy}: files of 1 MiB or more are mapped copy-on-write and aligned
 * tensors view the mapping without copying (the garbage collector unmaps it when no tensor uses it);
 * smaller files are read into memory owned by the current {@link dev.jacobi.tensor.Scope}.
 * {@link #write} lays the data out largest element first, so every tensor it writes is aligned.
 */
public final class SafeTensors {
    /** Longest header read, as the reference implementation limits it. */
    static final long MAX_HEADER_BYTES = 100_000_000;

    private static final String METADATA_KEY = "__metadata__";

    /** The header is padded with spaces to a multiple of this, so the data starts aligned. */
    private static final int HEADER_ALIGNMENT = 8;

    private SafeTensors() {
    }

    /** One tensor's entry in the header; offsets are relative to the start of the data. */
    private record Entry(String name, DType dtype, int[] shape, long begin, long end) {
    }

    private record Header(List<Entry> entries, Map<String, String> metadata, long dataStart) {
    }

    /**
     * Reads every tensor of a {@code .safetensors} file.
     *
     * @return a new mutable map from name to tensor, in the order the header lists them
     * @throws TensorFormatException when the file is malformed or holds an unsupported dtype
     * @throws UncheckedIOException  when the file cannot be read
     */
    public static Map<String, Tensor> read(Path path) {
        MemorySegment bytes = TensorBytes.load(path);
        Header header = parseHeader(bytes, path.toString());
        Map<String, Tensor> tensors = new LinkedHashMap<>();
        for (Entry e : header.entries()) {
            tensors.put(e.name(), TensorBytes.fromSegment(bytes, header.dataStart() + e.begin(), e.dtype(), e.shape(),
                    ByteOrder.LITTLE_ENDIAN));
        }
        return tensors;
    }

    /**
     * Reads the {@code __metadata__} of a {@code .safetensors} file (after checking the whole header).
     *
     * @return a new mutable map, empty when the file has no metadata, in the header's order
     * @throws TensorFormatException when the file is malformed
     */
    public static Map<String, String> readMetadata(Path path) {
        return parseHeader(TensorBytes.load(path), path.toString()).metadata();
    }

    /** Writes tensors without metadata; see {@link #write(Path, Map, Map)}. */
    public static void write(Path path, Map<String, Tensor> tensors) {
        write(path, tensors, Map.of());
    }

    /**
     * Writes tensors (any layout) and string metadata to a {@code .safetensors} file, replacing the
     * file if it exists. The header lists the tensors in the map's iteration order.
     *
     * @param metadata stored as {@code __metadata__}; omitted when empty
     * @throws IllegalArgumentException when a tensor is {@link DType#COMPLEX128} (safetensors has no
     *                                  such dtype) or is named {@code __metadata__}
     * @throws UncheckedIOException     when the file cannot be written
     */
    public static void write(Path path, Map<String, Tensor> tensors, Map<String, String> metadata) {
        tensors.forEach((name, t) -> {
            Objects.requireNonNull(name, "SafeTensors.write: null tensor name");
            Objects.requireNonNull(t, "SafeTensors.write: tensor '" + name + "' is null");
            t.storage().checkAlive();
            if (name.equals(METADATA_KEY)) {
                throw new IllegalArgumentException("SafeTensors.write: '" + METADATA_KEY
                        + "' is reserved for metadata and cannot name a tensor");
            }
            if (DTypeCodes.safetensorsName(t.dtype()) == null) {
                throw new IllegalArgumentException("SafeTensors.write: tensor '" + name + "' has dtype " + t.dtype()
                        + ", which safetensors cannot store (its dtypes: " + DTypeCodes.safetensorsSupported()
                        + "); convert with t.to(DType.COMPLEX64) or use Npz, which stores complex128");
            }
        });
        metadata.forEach((k, v) -> {
            Objects.requireNonNull(k, "SafeTensors.write: null metadata key");
            Objects.requireNonNull(v, "SafeTensors.write: metadata '" + k + "' is null");
        });
        // Largest elements first: every offset is then a multiple of the element sizes that follow
        // (all powers of two), so each tensor is aligned once the data start is.
        List<Map.Entry<String, Tensor>> layout = new ArrayList<>(tensors.entrySet());
        layout.sort(Comparator.comparingInt((Map.Entry<String, Tensor> e) -> e.getValue().dtype().byteSize()).reversed());
        Map<String, long[]> offsets = new LinkedHashMap<>();
        long at = 0;
        for (Map.Entry<String, Tensor> e : layout) {
            long size = TensorBytes.byteSize(e.getValue().dtype(), e.getValue().shape());
            offsets.put(e.getKey(), new long[] {at, at + size});
            at += size;
        }
        byte[] header = headerJson(tensors, metadata, offsets).getBytes(StandardCharsets.UTF_8);
        int padded = Math.ceilDiv(header.length, HEADER_ALIGNMENT) * HEADER_ALIGNMENT;
        if (padded > MAX_HEADER_BYTES) {
            throw new IllegalArgumentException("SafeTensors.write: the header would take " + padded
                    + " bytes, more than the " + MAX_HEADER_BYTES + " readers accept");
        }
        ByteBuffer prefix = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        prefix.putLong(padded).put(header);
        while (prefix.hasRemaining()) {
            prefix.put((byte) ' ');
        }
        TensorBytes.writeAtomically(path, out -> {
            out.write(prefix.array());
            for (Map.Entry<String, Tensor> e : layout) {
                TensorBytes.writeLittleEndian(e.getValue(), out);
            }
        });
    }

    private static String headerJson(Map<String, Tensor> tensors, Map<String, String> metadata, Map<String, long[]> offsets) {
        StringBuilder sb = new StringBuilder("{");
        if (!metadata.isEmpty()) {
            sb.append(Json.quote(METADATA_KEY)).append(":{");
            metadata.forEach((k, v) -> sb.append(Json.quote(k)).append(':').append(Json.quote(v)).append(','));
            sb.setCharAt(sb.length() - 1, '}');
            sb.append(',');
        }
        tensors.forEach((name, t) -> {
            long[] range = offsets.get(name);
            sb.append(Json.quote(name)).append(":{\"dtype\":\"").append(DTypeCodes.safetensorsName(t.dtype()))
                    .append("\",\"shape\":").append(Arrays.toString(t.shape()).replace(" ", ""))
                    .append(",\"data_offsets\":[").append(range[0]).append(',').append(range[1]).append("]},");
        });
        if (sb.length() > 1) {
            sb.setLength(sb.length() - 1);
        }
        return sb.append('}').toString();
    }

    /** Reads and checks the header of the file held in {@code bytes}. */
    private static Header parseHeader(MemorySegment bytes, String source) {
        long size = bytes.byteSize();
        if (size < 8) {
            throw new TensorFormatException(source, "truncated: " + size + " bytes, shorter than the 8-byte header length");
        }
        long length = bytes.get(ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 0);
        if (length < 0 || length > MAX_HEADER_BYTES) {
            throw new TensorFormatException(source, "header length " + Long.toUnsignedString(length)
                    + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes");
        }
        if (length > size - 8) {
            throw new TensorFormatException(source, "header length " + length + " exceeds the file size " + size
                    + " (truncated?)");
        }
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder()
                    .decode(bytes.asSlice(8, length).asByteBuffer()).toString();
        } catch (CharacterCodingException e) {
            throw new TensorFormatException(source, "the header is not valid UTF-8", e);
        }
        if (!text.startsWith("{")) {
            throw new TensorFormatException(source, "the header does not start with '{': "
                    + NpyHeader.snippet(text));
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> json = (Map<String, Object>) Json.parse(text, source);
        Map<String, String> metadata = new LinkedHashMap<>();
        List<Entry> entries = new ArrayList<>();
        for (Map.Entry<String, Object> e : json.entrySet()) {
            if (e.getKey().equals(METADATA_KEY)) {
                metadata = metadata(e.getValue(), source);
            } else {
                entries.add(entry(e.getKey(), e.getValue(), source));
            }
        }
        long dataStart = 8 + length;
        checkCoverage(entries, size - dataStart, source);
        return new Header(entries, metadata, dataStart);
    }

    private static Map<String, String> metadata(Object value, String source) {
        if (!(value instanceof Map<?, ?> map)) {
            throw new TensorFormatException(source, "'" + METADATA_KEY + "' must be a JSON object of strings");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        map.forEach((k, v) -> {
            if (!(v instanceof String s)) {
                throw new TensorFormatException(source, "metadata '" + k + "' must be a string, found " + describe(v));
            }
            metadata.put((String) k, s);
        });
        return metadata;
    }

    private static Entry entry(String name, Object value, String source) {
        String what = "tensor '" + name + "'";
        if (!(value instanceof Map<?, ?> info)) {
            throw new TensorFormatException(source, what + " must be a JSON object, found " + describe(value));
        }
        if (!(info.get("dtype") instanceof String dtypeName)) {
            throw new TensorFormatException(source, what + ": 'dtype' must be a string, found " + describe(info.get("dtype")));
        }
        DType dtype = DTypeCodes.fromSafetensorsName(dtypeName);
        if (dtype == null) {
            throw new TensorFormatException(source, what + " has dtype " + dtypeName
                    + ", which is not supported (supported: " + DTypeCodes.safetensorsSupported() + ")");
        }
        long[] dims = integers(info.get("shape"), -1, source, what + ": 'shape'");
        int[] shape = TensorBytes.checkShape(dims, dtype, source, what);
        long[] offsets = integers(info.get("data_offsets"), 2, source, what + ": 'data_offsets'");
        long need = TensorBytes.byteSize(dtype, shape);
        if (offsets[1] < offsets[0] || offsets[1] - offsets[0] != need) {
            throw new TensorFormatException(source, what + ": data_offsets " + Arrays.toString(offsets) + " span "
                    + (offsets[1] - offsets[0]) + " bytes, but " + dtypeName + " of shape " + Arrays.toString(shape)
                    + " needs " + need);
        }
        return new Entry(name, dtype, shape, offsets[0], offsets[1]);
    }

    /** A JSON array of non-negative integers, of length {@code count} unless that is -1. */
    private static long[] integers(Object value, int count, String source, String what) {
        if (!(value instanceof List<?> list) || (count >= 0 && list.size() != count)) {
            throw new TensorFormatException(source, what + " must be an array of "
                    + (count >= 0 ? count + " " : "") + "non-negative integers, found " + describe(value));
        }
        long[] r = new long[list.size()];
        for (int i = 0; i < r.length; i++) {
            if (!(list.get(i) instanceof Long v) || v < 0) {
                throw new TensorFormatException(source, what + " must hold non-negative integers, found "
                        + describe(list.get(i)));
            }
            r[i] = v;
        }
        return r;
    }

    /** Checks that the tensors tile {@code [0, dataSize)}: in offset order, each starts where the last ended. */
    private static void checkCoverage(List<Entry> entries, long dataSize, String source) {
        List<Entry> sorted = new ArrayList<>(entries);
        sorted.sort(Comparator.comparingLong(Entry::begin).thenComparingLong(Entry::end));
        long expected = 0;
        Entry previous = null;
        for (Entry e : sorted) {
            if (e.begin() < expected) {
                throw new TensorFormatException(source, "tensor '" + e.name() + "' (bytes " + e.begin() + " to "
                        + e.end() + ") overlaps tensor '" + previous.name() + "' (bytes " + previous.begin() + " to "
                        + previous.end() + ")");
            }
            if (e.begin() > expected) {
                throw new TensorFormatException(source, "the data has a gap of " + (e.begin() - expected)
                        + " bytes before tensor '" + e.name() + "' (safetensors data has no holes)");
            }
            expected = e.end();
            previous = e;
        }
        if (expected != dataSize) {
            throw new TensorFormatException(source, "the tensors cover " + expected + " bytes of data but the file has "
                    + dataSize + " after the header" + (expected > dataSize ? " (truncated?)" : ""));
        }
    }

    /** A JSON value, briefly, for messages. */
    private static String describe(Object value) {
        return switch (value) {
            case null -> "nothing (missing or null)";
            case String s -> Json.quote(s.length() > 40 ? s.substring(0, 40) + "..." : s);
            case Map<?, ?> m -> "an object";
            case List<?> l -> "an array of " + l.size();
            default -> value.toString();
        };
    }
}
