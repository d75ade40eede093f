package dev.jacobi.tensor.io;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Storage;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.ops.Loops;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Byte-level helpers the formats share: loading a file (mapped or read), turning bytes into a
 * tensor (wrapped or copied, byte-swapped as needed), writing a tensor's elements as little-endian
 * bytes, and checking shapes read from a header.
 */
final class TensorBytes {
    /**
     * Files of at least this many bytes are memory-mapped; smaller ones are read into memory, where
     * a mapping would cost more (a system call and a page per file) than it saves.
     */
    static final long MAP_THRESHOLD = 1 << 20;

    /** Size of the staging buffer used to write elements. */
    private static final int CHUNK = 1 << 16;

    private TensorBytes() {
    }

    /**
     * The whole content of a file as native memory. Files of {@link #MAP_THRESHOLD} bytes or more
     * are mapped copy-on-write in an automatic arena (unmapped when the garbage collector finds no
     * tensor using them; writes reach only this process's copy, never the file). Java maps
     * copy-on-write only through a channel opened for writing, so the file is opened read-write
     * (and never written); where that is refused (a read-only file or file system) it is mapped
     * read-only, and in-place writes to its tensors throw {@link UnsupportedOperationException}.
     * Smaller files are read into memory owned by the current {@link dev.jacobi.tensor.Scope}.
     */
    static MemorySegment load(Path path) {
        try {
            long size = Files.size(path);
            return size >= MAP_THRESHOLD ? map(path) : read(path, size);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static MemorySegment map(Path path) throws IOException {
        FileChannel writable;
        try {
            writable = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
        } catch (IOException | UnsupportedOperationException e) {
            try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
                return channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size(), Arena.ofAuto());
            }
        }
        try (FileChannel channel = writable) {
            return channel.map(FileChannel.MapMode.PRIVATE, 0, channel.size(), Arena.ofAuto());
        }
    }

    private static MemorySegment read(Path path, long size) throws IOException {
        MemorySegment bytes = Storage.allocate(DType.INT8, size).segment().asSlice(0, size);
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
            ByteBuffer buffer = bytes.asByteBuffer();
            while (buffer.hasRemaining()) {
                if (channel.read(buffer) < 0) {
                    throw new TensorFormatException(path.toString(), "the file shrank from " + size
                            + " to " + buffer.position() + " bytes while it was read");
                }
            }
        }
        return bytes;
    }

    /** Writes the content of a file to an output stream. */
    @FunctionalInterface
    interface Content {
        void writeTo(OutputStream out) throws IOException;
    }

    /**
     * Writes a file through a temporary file in the same directory that then replaces {@code path}:
     * a failed write leaves no partial file, and a file still mapped by an earlier read keeps its
     * old content for the tensors that view it (truncating it in place would make them fault).
     */
    static void writeAtomically(Path path, Content content) {
        Path target = path.toAbsolutePath();
        Path temp = target.resolveSibling("." + target.getFileName() + "."
                + Long.toHexString(ThreadLocalRandom.current().nextLong()) + ".tmp");
        boolean moved = false;
        try {
            try (OutputStream out = Files.newOutputStream(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                content.writeTo(out);
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            moved = true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (!moved) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // The write already failed; that failure is the one to report.
                }
            }
        }
    }

    /**
     * Checks dimensions read from a header: each between 0 and {@link Integer#MAX_VALUE} and the
     * byte size of the whole tensor within a {@code long}.
     *
     * @param what names the tensor in messages, e.g. {@code "tensor 'w'"} or {@code "array"}
     */
    static int[] checkShape(long[] dims, DType dtype, String source, String what) {
        int[] shape = new int[dims.length];
        long numel = 1;
        for (int i = 0; i < dims.length; i++) {
            if (dims[i] < 0 || dims[i] > Integer.MAX_VALUE) {
                throw new TensorFormatException(source, what + " has shape " + Arrays.toString(dims)
                        + ": dimension " + i + " is outside [0, " + Integer.MAX_VALUE + "]");
            }
            shape[i] = (int) dims[i];
            try {
                numel = Math.multiplyExact(numel, dims[i]);
            } catch (ArithmeticException e) {
                numel = -1;
                break;
            }
        }
        if (numel < 0 || numel > Long.MAX_VALUE / dtype.byteSize()) {
            throw new TensorFormatException(source, what + " has shape " + Arrays.toString(dims)
                    + ": too many elements to address");
        }
        return shape;
    }

    /** Bytes the elements of a checked shape occupy. */
    static long byteSize(DType dtype, int[] shape) {
        return Shapes.numel(shape) * dtype.byteSize();
    }

    /**
     * A C-ordered tensor over bytes {@code [offset, offset + byteSize)} of {@code src}, whose elements
     * are stored in {@code order}. Wraps the bytes without copying when {@code src} is native memory,
     * {@code order} is the platform's (or does not matter: 1-byte types) and the address is aligned
     * to the element's parts; otherwise copies them into new storage in the current scope.
     * The caller has checked that the range lies within {@code src}.
     */
    static Tensor fromSegment(MemorySegment src, long offset, DType dtype, int[] shape, ByteOrder order) {
        long numel = Shapes.numel(shape);
        long bytes = numel * dtype.byteSize();
        int partSize = dtype.realPart().byteSize();
        boolean sameOrder = partSize == 1 || order.equals(ByteOrder.nativeOrder());
        Storage storage;
        if (src.isNative() && sameOrder && (src.address() + offset) % partSize == 0) {
            storage = Storage.wrap(dtype, numel, src.asSlice(offset, bytes));
        } else {
            storage = Storage.allocate(dtype, numel);
            long parts = bytes / partSize;
            MemorySegment.copy(src, partLayout(partSize, order), offset,
                    storage.segment(), partLayout(partSize, ByteOrder.nativeOrder()), 0, parts);
        }
        return Tensor.view(storage, shape, Shapes.contiguousStrides(shape), 0);
    }

    /**
     * Writes the elements of {@code t} in C order as little-endian bytes, bit for bit (NaN payloads
     * included), whatever its strides.
     */
    static void writeLittleEndian(Tensor t, OutputStream out) throws IOException {
        new ElementWriter(t, out).writeAll();
    }

    /** An integer layout of one element part, unaligned: copying through it moves bits and swaps bytes, never converts. */
    private static ValueLayout partLayout(int partSize, ByteOrder order) {
        return switch (partSize) {
            case 1 -> ValueLayout.JAVA_BYTE;
            case 2 -> ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(order);
            case 4 -> ValueLayout.JAVA_INT_UNALIGNED.withOrder(order);
            case 8 -> ValueLayout.JAVA_LONG_UNALIGNED.withOrder(order);
            default -> throw new IllegalStateException("no layout for parts of " + partSize + " bytes");
        };
    }

    /** Streams a tensor's elements through a small heap buffer, converting to little-endian on the way. */
    private static final class ElementWriter {
        private final Tensor tensor;
        private final OutputStream out;
        private final MemorySegment src;
        private final int elementSize;
        private final int partSize;
        private final ValueLayout srcPart;
        private final ValueLayout outPart;
        private final byte[] buffer = new byte[CHUNK];
        private final MemorySegment bufferSegment = MemorySegment.ofArray(buffer);
        private int filled;

        ElementWriter(Tensor tensor, OutputStream out) {
            this.tensor = tensor;
            this.out = out;
            this.src = tensor.storage().segment();
            this.elementSize = tensor.dtype().byteSize();
            this.partSize = tensor.dtype().realPart().byteSize();
            this.srcPart = partLayout(partSize, ByteOrder.nativeOrder());
            this.outPart = partLayout(partSize, ByteOrder.LITTLE_ENDIAN);
        }

        void writeAll() throws IOException {
            if (tensor.isContiguous()) {
                put(tensor.offset(), tensor.numel());
            } else {
                try {
                    Loops.forEachRow(tensor.shape(), new long[][] {tensor.strides()}, new long[] {tensor.offset()}, false,
                            (n, base, step) -> {
                                try {
                                    if (step[0] == 1) {
                                        put(base[0], n);
                                    } else {
                                        for (int i = 0; i < n; i++) {
                                            put(base[0] + i * step[0], 1);
                                        }
                                    }
                                } catch (IOException e) {
                                    throw new UncheckedIOException(e);
                                }
                            });
                } catch (UncheckedIOException e) {
                    throw e.getCause();
                }
            }
            flush();
        }

        /** Appends {@code count} consecutive elements starting at element {@code first} of the storage. */
        private void put(long first, long count) throws IOException {
            long at = first * elementSize;
            long remaining = count * elementSize;
            while (remaining > 0) {
                if (filled == buffer.length) {
                    flush();
                }
                long n = Math.min(remaining, buffer.length - filled);
                MemorySegment.copy(src, srcPart, at, bufferSegment, outPart, filled, n / partSize);
                filled += (int) n;
                at += n;
                remaining -= n;
            }
        }

        private void flush() throws IOException {
            out.write(buffer, 0, filled);
            filled = 0;
        }
    }
}
