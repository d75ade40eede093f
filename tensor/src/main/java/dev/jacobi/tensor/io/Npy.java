package dev.jacobi.tensor.io;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * NumPy {@code .npy} files: one array each.
 *
 * <p>Reads format versions 1.0, 2.0 and 3.0 with the dtypes in {@link DTypeCodes} ({@code |b1},
 * {@code |i1}, {@code <i4}, {@code <f2}, {@code <f4}, {@code <f8}, {@code <c8}, {@code <c16}), plus {@code |u1} (uint8, as image
 * stacks come), which is widened to INT32 values 0..255 since Jacobi has no unsigned dtype; in
 * either byte order (big-endian data is byte-swapped into a copy) and in C or Fortran order (a
 * Fortran-ordered file gives a transposed, non-contiguous view with the right values). Writes
 * version 1.0 (2.0 for headers over 64 KiB), little-endian, C order, with the header padded so the
 * data starts at a multiple of 64 bytes: byte for byte what {@code numpy.save} writes.
 *
 * <p><b>Memory.</b> Files of 1 MiB or more are memory-mapped: when the data is in the platform's
 * byte order and aligned (always so for files NumPy wrote) the tensor views the mapping without
 * copying. The mapping is copy-on-write (writes to the tensor never reach the file) and is unmapped
 * by the garbage collector once no tensor uses it, not by a {@link dev.jacobi.tensor.Scope}; if the
 * file cannot be opened for writing, which copy-on-write mapping needs in Java, it is mapped
 * read-only and in-place writes to the tensor throw {@link UnsupportedOperationException}. Smaller
 * files, and data that must be swapped or realigned, are read into memory owned by the current
 * scope, like any new tensor.
 *
 * <p><b>Errors.</b> A malformed, truncated or unsupported file gives a {@link TensorFormatException}
 * naming the file and the problem; I/O failures give an {@link UncheckedIOException}. Writing a
 * dtype NumPy cannot hold gives an {@link IllegalArgumentException} before the file is touched.
 * Writes go to a temporary file that then replaces the target, so a failed write leaves no partial
 * file and overwriting a file that is mapped by an earlier read is safe.
 */
public final class Npy {
    /** The first six bytes of every {@code .npy} file. */
    private static final byte[] MAGIC = {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y'};

    /**
     * Longest header read, in bytes. NumPy's own reader refuses headers over 10,000 characters by
     * default; ours only need a dtype, a flag and a shape.
     */
    static final int MAX_HEADER_BYTES = 1 << 20;

    /** The data starts at a multiple of this many bytes, as NumPy aligns it. */
    private static final int DATA_ALIGNMENT = 64;

    private Npy() {
    }

    /**
     * Reads the array in a {@code .npy} file.
     *
     * @throws TensorFormatException when the file is not a valid {@code .npy} file of a supported dtype
     * @throws UncheckedIOException  when the file cannot be read
     */
    public static Tensor read(Path path) {
        return parse(TensorBytes.load(path), path.toString());
    }

    /**
     * Reads the array in the bytes of a {@code .npy} file; the tensor is a copy in the current scope.
     *
     * @throws TensorFormatException when the bytes are not a valid {@code .npy} file of a supported dtype
     */
    public static Tensor fromBytes(byte[] bytes) {
        return parse(MemorySegment.ofArray(bytes), ".npy bytes");
    }

    /**
     * Writes {@code t} (any layout) to a {@code .npy} file in C order, replacing the file if it exists.
     *
     * @throws IllegalArgumentException when the dtype is {@link DType#BFLOAT16}, which NumPy lacks
     * @throws UncheckedIOException     when the file cannot be written
     */
    public static void write(Path path, Tensor t) {
        checkWritable("Npy.write", t);
        TensorBytes.writeAtomically(path, out -> writeTo(out, t));
    }

    /**
     * The bytes of the {@code .npy} file {@link #write} would write.
     *
     * @throws IllegalArgumentException when the dtype is {@link DType#BFLOAT16}, or the file would
     *                                  exceed the 2 GiB a byte array holds
     */
    public static byte[] toBytes(Tensor t) {
        checkWritable("Npy.toBytes", t);
        long size = TensorBytes.byteSize(t.dtype(), t.shape());
        if (size > Integer.MAX_VALUE - 2 * MAX_HEADER_BYTES) {
            throw new IllegalArgumentException("Npy.toBytes: " + size + " bytes of " + t.dtype()
                    + " data do not fit a byte array; use Npy.write");
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream((int) size + 128);
        try {
            writeTo(out, t);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    /** Checks that {@code t} can be stored in a {@code .npy} file, naming {@code op} otherwise. */
    static void checkWritable(String op, Tensor t) {
        t.storage().checkAlive();
        if (DTypeCodes.numpyCode(t.dtype()) == null) {
            throw new IllegalArgumentException(op + ": NumPy has no " + t.dtype() + " dtype; convert with"
                    + " t.to(DType.FLOAT32) (exact for bfloat16), or use SafeTensors, which stores BF16");
        }
    }

    /** Writes the {@code .npy} encoding of {@code t}, which {@link #checkWritable} accepted. */
    static void writeTo(OutputStream out, Tensor t) throws IOException {
        NpyHeader header = new NpyHeader(t.dtype(), ByteOrder.LITTLE_ENDIAN, false, t.shape(), false);
        out.write(preamble(header.format()));
        TensorBytes.writeLittleEndian(t, out);
    }

    /** Magic, version, header length, header text, then spaces and a newline up to the data alignment. */
    private static byte[] preamble(String dict) {
        byte[] text = dict.getBytes(StandardCharsets.ISO_8859_1);
        int major = 1;
        int lengthBytes = 2;
        int padded = paddedHeaderLength(text.length, lengthBytes);
        if (padded > 0xFFFF) {
            major = 2;
            lengthBytes = 4;
            padded = paddedHeaderLength(text.length, lengthBytes);
        }
        ByteBuffer b = ByteBuffer.allocate(MAGIC.length + 2 + lengthBytes + padded).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).put((byte) major).put((byte) 0);
        if (lengthBytes == 2) {
            b.putShort((short) padded);
        } else {
            b.putInt(padded);
        }
        b.put(text);
        while (b.remaining() > 1) {
            b.put((byte) ' ');
        }
        b.put((byte) '\n');
        return b.array();
    }

    /** Header length (text, padding and newline) that makes the data start on {@link #DATA_ALIGNMENT}. */
    private static int paddedHeaderLength(int textLength, int lengthBytes) {
        int unpadded = MAGIC.length + 2 + lengthBytes + textLength + 1;
        // As NumPy: a full block of padding rather than none when already aligned.
        return textLength + 1 + DATA_ALIGNMENT - unpadded % DATA_ALIGNMENT;
    }

    /**
     * Parses a whole {@code .npy} file held in {@code bytes}; the tensor views {@code bytes} where it
     * can (see {@link TensorBytes#fromSegment}).
     *
     * @param source names the file in error messages
     */
    static Tensor parse(MemorySegment bytes, String source) {
        long size = bytes.byteSize();
        for (int i = 0; i < MAGIC.length; i++) {
            if (i >= size || bytes.get(ValueLayout.JAVA_BYTE, i) != MAGIC[i]) {
                throw new TensorFormatException(source, i >= size
                        ? "truncated: " + size + " bytes, shorter than the .npy magic string"
                        : "not a .npy file: it does not start with \\x93NUMPY");
            }
        }
        if (size < MAGIC.length + 2) {
            throw new TensorFormatException(source, "truncated: " + size + " bytes end before the format version");
        }
        int major = bytes.get(ValueLayout.JAVA_BYTE, MAGIC.length) & 0xFF;
        int minor = bytes.get(ValueLayout.JAVA_BYTE, MAGIC.length + 1) & 0xFF;
        if (major < 1 || major > 3 || minor != 0) {
            throw new TensorFormatException(source, "unsupported .npy format version " + major + "." + minor
                    + " (1.0, 2.0 and 3.0 are supported)");
        }
        int lengthBytes = major == 1 ? 2 : 4;
        long headerStart = MAGIC.length + 2 + lengthBytes;
        if (size < headerStart) {
            throw new TensorFormatException(source, "truncated: " + size + " bytes end before the header length");
        }
        long headerLength = major == 1
                ? Short.toUnsignedInt(bytes.get(ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 8))
                : Integer.toUnsignedLong(bytes.get(ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN), 8));
        if (headerLength > MAX_HEADER_BYTES) {
            throw new TensorFormatException(source, "header length " + headerLength + " exceeds the limit of "
                    + MAX_HEADER_BYTES + " bytes");
        }
        if (headerStart + headerLength > size) {
            throw new TensorFormatException(source, "header length " + headerLength + " exceeds the file size "
                    + size + " (truncated?)");
        }
        byte[] raw = bytes.asSlice(headerStart, headerLength).toArray(ValueLayout.JAVA_BYTE);
        NpyHeader header = NpyHeader.parse(decode(raw, major, source), source);
        long dataStart = headerStart + headerLength;
        long dataBytes = TensorBytes.byteSize(header.dtype(), header.shape());
        if (dataBytes > size - dataStart) {
            throw new TensorFormatException(source, "truncated: the " + header.dtype() + " array of shape "
                    + java.util.Arrays.toString(header.shape()) + " needs " + dataBytes + " bytes after the header, the file has "
                    + (size - dataStart));
        }
        Tensor array = view(bytes, dataStart, header);
        return header.unsignedBytes() ? widenUnsigned(array) : array;
    }

    /** uint8 bytes (viewed as INT8) as INT32 values 0..255: sign-extended, then 256 added to the negatives. */
    private static Tensor widenUnsigned(Tensor bytes) {
        Tensor signed = bytes.to(DType.INT32);
        return signed.add(Tensor.where(signed.lt(0), Tensor.scalar(DType.INT32, 256), Tensor.scalar(DType.INT32, 0)));
    }

    /** The data after the header as a tensor of the header's dtype, shape and order. */
    private static Tensor view(MemorySegment bytes, long dataStart, NpyHeader header) {
        int[] shape = header.shape();
        if (!header.fortranOrder() || shape.length < 2) {
            return TensorBytes.fromSegment(bytes, dataStart, header.dtype(), shape, header.order());
        }
        // Column-major data is the row-major layout of the reversed shape; reversing the axes again gives the array.
        int rank = shape.length;
        int[] reversed = new int[rank];
        int[] axes = new int[rank];
        for (int i = 0; i < rank; i++) {
            reversed[i] = shape[rank - 1 - i];
            axes[i] = rank - 1 - i;
        }
        return TensorBytes.fromSegment(bytes, dataStart, header.dtype(), reversed, header.order()).permute(axes);
    }

    /** Header text: Latin-1 in versions 1.0 and 2.0, UTF-8 in 3.0. */
    private static String decode(byte[] raw, int major, String source) {
        if (major < 3) {
            return new String(raw, StandardCharsets.ISO_8859_1);
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            throw new TensorFormatException(source, "the version 3.0 header is not valid UTF-8", e);
        }
    }
}
