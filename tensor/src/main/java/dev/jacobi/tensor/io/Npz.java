package dev.jacobi.tensor.io;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Storage;
import dev.jacobi.tensor.Tensor;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * NumPy {@code .npz} files: a zip archive of named {@code .npy} arrays, as {@code numpy.savez}
 * (entries stored) and {@code numpy.savez_compressed} (entries deflated) write them.
 *
 * <p>The array named {@code w} is the entry {@code w.npy}. Each array is read into memory owned by
 * the current {@link dev.jacobi.tensor.Scope} (zip entries are not mapped); the {@code .npy} rules of
 * {@link Npy} apply to each entry. Errors are as in {@link Npy}: a malformed archive or entry gives a
 * {@link TensorFormatException} naming the file (and the entry), I/O failures an
 * {@link UncheckedIOException}, an unsupported dtype on writing an {@link IllegalArgumentException}.
 * Written archives have fixed entry times (1980-01-01), so equal arrays give equal files.
 */
public final class Npz {
    /**
     * Deflate expands data at most about 1032-fold (a 258-byte match costs at least 2 bits), which
     * bounds the size an entry can honestly claim.
     */
    private static final long MAX_DEFLATE_RATIO = 1032;

    private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(1980, 1, 1, 0, 0);

    private static final int CHUNK = 1 << 16;

    private Npz() {
    }

    /**
     * Reads every array of an {@code .npz} file.
     *
     * @return a new mutable map from array name to tensor, in the archive's order
     * @throws TensorFormatException when the file is not a valid zip of valid {@code .npy} entries
     * @throws UncheckedIOException  when the file cannot be read
     */
    public static Map<String, Tensor> read(Path path) {
        String source = path.toString();
        long fileSize;
        ZipFile zip;
        try {
            fileSize = Files.size(path);
            zip = new ZipFile(path.toFile());
        } catch (ZipException | EOFException e) {
            throw new TensorFormatException(source, "not a valid zip archive: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try (zip) {
            Map<String, Tensor> arrays = new LinkedHashMap<>();
            Enumeration<? extends ZipEntry> entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                String name = entry.getName();
                if (!name.endsWith(".npy")) {
                    throw new TensorFormatException(source, "entry '" + name
                            + "' is not a .npy array (an .npz file holds NAME.npy entries only)");
                }
                String key = name.substring(0, name.length() - ".npy".length());
                Tensor t = Npy.parse(readEntry(zip, entry, fileSize, source + ", entry " + name), source + ", entry " + name);
                if (arrays.putIfAbsent(key, t) != null) {
                    throw new TensorFormatException(source, "two entries are named '" + name + "'");
                }
            }
            return arrays;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The uncompressed bytes of one entry, in scope memory, after checking its claimed size. */
    private static MemorySegment readEntry(ZipFile zip, ZipEntry entry, long fileSize, String source) throws IOException {
        long size = entry.getSize();
        long compressed = entry.getCompressedSize();
        if (size < 0 || compressed < 0) {
            throw new TensorFormatException(source, "the zip directory records no size for the entry");
        }
        if (compressed > fileSize) {
            throw new TensorFormatException(source, "compressed size " + compressed + " exceeds the file size " + fileSize);
        }
        long limit = entry.getMethod() == ZipEntry.STORED ? compressed : compressed * MAX_DEFLATE_RATIO + 64;
        if (size > limit) {
            throw new TensorFormatException(source, "size " + size + " is more than its " + compressed
                    + " compressed bytes can hold");
        }
        MemorySegment bytes = Storage.allocate(DType.INT8, size).segment().asSlice(0, size);
        byte[] buffer = new byte[CHUNK];
        try (InputStream in = zip.getInputStream(entry)) {
            long at = 0;
            while (at < size) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, size - at));
                if (n < 0) {
                    throw new TensorFormatException(source, "entry data ends after " + at + " of " + size + " bytes");
                }
                MemorySegment.copy(buffer, 0, bytes, ValueLayout.JAVA_BYTE, at, n);
                at += n;
            }
        } catch (ZipException | EOFException e) {
            throw new TensorFormatException(source, "corrupt entry data: " + e.getMessage(), e);
        }
        return bytes;
    }

    /**
     * Writes arrays to an {@code .npz} file with stored (uncompressed) entries, as {@code numpy.savez}
     * does, replacing the file if it exists. Iteration order of {@code arrays} is the archive's order.
     *
     * @throws IllegalArgumentException when an array is {@link DType#BFLOAT16}, which NumPy lacks
     * @throws UncheckedIOException     when the file cannot be written
     */
    public static void write(Path path, Map<String, Tensor> arrays) {
        write("Npz.write", path, arrays, false);
    }

    /**
     * Writes arrays to an {@code .npz} file with deflated entries, as {@code numpy.savez_compressed}
     * does; otherwise as {@link #write}.
     */
    public static void writeCompressed(Path path, Map<String, Tensor> arrays) {
        write("Npz.writeCompressed", path, arrays, true);
    }

    private static void write(String op, Path path, Map<String, Tensor> arrays, boolean compress) {
        arrays.forEach((name, t) -> {
            Objects.requireNonNull(name, op + ": null array name");
            Objects.requireNonNull(t, op + ": array '" + name + "' is null");
            Npy.checkWritable(op + ": array '" + name + "'", t);
        });
        TensorBytes.writeAtomically(path, out -> {
            ZipOutputStream zip = new ZipOutputStream(out);
            for (Map.Entry<String, Tensor> e : arrays.entrySet()) {
                ZipEntry entry = new ZipEntry(e.getKey() + ".npy");
                entry.setTimeLocal(ENTRY_TIME);
                if (compress) {
                    entry.setMethod(ZipEntry.DEFLATED);
                } else {
                    // A stored entry's size and checksum precede its data, so encode it once to measure them.
                    Checksum sum = new Checksum();
                    Npy.writeTo(sum, e.getValue());
                    entry.setMethod(ZipEntry.STORED);
                    entry.setSize(sum.count);
                    entry.setCompressedSize(sum.count);
                    entry.setCrc(sum.crc.getValue());
                }
                zip.putNextEntry(entry);
                Npy.writeTo(zip, e.getValue());
                zip.closeEntry();
            }
            zip.finish();
        });
    }

    /** Counts bytes and their CRC-32, discarding them. */
    private static final class Checksum extends OutputStream {
        final CRC32 crc = new CRC32();
        long count;

        @Override
        public void write(int b) {
            crc.update(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            crc.update(b, off, len);
            count += len;
        }
    }
}
