package dev.jacobi.algorithms.compress;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * Lossless coding of integer symbols in channels: each channel gets its own {@link AdaptiveModel}
 * over the symbols between that channel's smallest and largest value, and one arithmetic coder codes
 * all channels in order. Nothing about the distribution is stored; the models learn it as they go, in
 * the same way on both sides.
 *
 * <p><b>Format</b> (all integers unsigned LEB128 varints unless said otherwise):
 * <pre>
 *   magic      4 bytes  'J' 'E' 'C' 0x01  (the last byte is the format version)
 *   header     varint count, then that many zigzag varints (the caller's own fields: sizes, settings)
 *   channels   varint
 *   per channel: length (varint), minimum (zigzag varint), maximum − minimum (varint)
 *   payload    varint byte count, then the arithmetic-coded bits
 *   checksum   4 bytes  CRC-32C of everything before it, little-endian
 * </pre>
 * The header lets a codec keep its own fields (image size, quantizer step...) under the same checksum,
 * so that no part of its stream can change unnoticed. A channel whose values are all equal costs no
 * payload bits. {@link #decode} checks the magic, the
 * declared lengths against the bytes present and the checksum before decoding, so a truncated or
 * altered stream fails with a {@link CorruptStreamException} instead of giving wrong symbols; decoding
 * work is bounded by the declared symbol count, so it cannot hang.
 */
public final class EntropyCoder {
    /** The largest number of distinct values (maximum − minimum + 1) a channel may span. */
    public static final int MAX_ALPHABET = 1 << 20;
    /** The most symbols one stream may hold in all, so that a decoder never allocates without bound. */
    public static final long MAX_SYMBOLS = 1L << 28;

    private static final byte[] MAGIC = {'J', 'E', 'C', 1};
    private static final int CHECKSUM_BYTES = 4;

    private EntropyCoder() {
    }

    /** The most header fields a stream may carry. */
    public static final int MAX_HEADER = 1 << 16;

    /**
     * What a stream holds.
     *
     * @param header   the caller's header fields
     * @param channels the symbols, channel by channel
     */
    public record Decoded(int[] header, int[][] channels) {
    }

    /** Codes {@code channels} with an empty header (see {@link #encode(int[], int[][])}). */
    public static byte[] encode(int[][] channels) {
        return encode(new int[0], channels);
    }

    /**
     * Codes {@code header} (stored as it is) and {@code channels} (any number, each of any length, values
     * of any sign).
     *
     * @throws IllegalArgumentException when a channel spans more than {@link #MAX_ALPHABET} values, the
     *                                  symbols number more than {@link #MAX_SYMBOLS} or the header has more
     *                                  than {@link #MAX_HEADER} fields
     */
    public static byte[] encode(int[] header, int[][] channels) {
        Objects.requireNonNull(header, "EntropyCoder.encode: header is null");
        Objects.requireNonNull(channels, "EntropyCoder.encode: channels is null");
        if (header.length > MAX_HEADER) {
            throw new IllegalArgumentException("EntropyCoder.encode: " + header.length + " header fields, more than " + MAX_HEADER);
        }
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        head.writeBytes(MAGIC);
        writeVarint(head, header.length);
        for (int field : header) {
            writeVarint(head, zigzag(field) & 0xFFFF_FFFFL);
        }
        writeVarint(head, channels.length);
        long symbols = 0;
        int[] minimum = new int[channels.length];
        int[] span = new int[channels.length];
        for (int c = 0; c < channels.length; c++) {
            int[] ch = Objects.requireNonNull(channels[c], "EntropyCoder.encode: channel " + c + " is null");
            symbols += ch.length;
            long min = ch.length > 0 ? Integer.MAX_VALUE : 0;
            long max = ch.length > 0 ? Integer.MIN_VALUE : 0;
            for (int v : ch) {
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            if (max - min + 1 > MAX_ALPHABET) {
                throw new IllegalArgumentException("EntropyCoder.encode: channel " + c + " spans " + min + ".." + max
                        + ", more than " + MAX_ALPHABET + " values");
            }
            minimum[c] = (int) min;
            span[c] = (int) (max - min);
            writeVarint(head, ch.length);
            writeVarint(head, zigzag(minimum[c]) & 0xFFFF_FFFFL);
            writeVarint(head, span[c]);
        }
        if (symbols > MAX_SYMBOLS) {
            throw new IllegalArgumentException("EntropyCoder.encode: " + symbols + " symbols, more than " + MAX_SYMBOLS);
        }
        ArithmeticCoder.Encoder coder = new ArithmeticCoder.Encoder();
        for (int c = 0; c < channels.length; c++) {
            if (span[c] == 0) {
                continue;
            }
            AdaptiveModel model = new AdaptiveModel(span[c] + 1);
            for (int v : channels[c]) {
                coder.encode(model, v - minimum[c]);
            }
        }
        byte[] payload = coder.finish();
        writeVarint(head, payload.length);
        head.writeBytes(payload);
        CRC32C crc = new CRC32C();
        byte[] body = head.toByteArray();
        crc.update(body);
        return ByteBuffer.allocate(body.length + CHECKSUM_BYTES).order(ByteOrder.LITTLE_ENDIAN)
                .put(body).putInt((int) crc.getValue()).array();
    }

    /**
     * The header and channels {@link #encode} was given.
     *
     * @throws CorruptStreamException when {@code stream} is not a complete, unaltered stream from {@link #encode}
     */
    public static Decoded decode(byte[] stream) {
        Objects.requireNonNull(stream, "EntropyCoder.decode: stream is null");
        if (stream.length < MAGIC.length + CHECKSUM_BYTES) {
            throw new CorruptStreamException("EntropyCoder.decode: " + stream.length + " bytes are too few for a stream (truncated?)");
        }
        for (int i = 0; i < MAGIC.length - 1; i++) {
            if (stream[i] != MAGIC[i]) {
                throw new CorruptStreamException("EntropyCoder.decode: bad magic, not an entropy-coded stream");
            }
        }
        if (stream[MAGIC.length - 1] != MAGIC[MAGIC.length - 1]) {
            throw new CorruptStreamException("EntropyCoder.decode: format version " + stream[MAGIC.length - 1]
                    + ", this decoder reads version " + MAGIC[MAGIC.length - 1]);
        }
        Reader in = new Reader(stream, MAGIC.length, stream.length - CHECKSUM_BYTES);
        long fields = in.varint("header field count");
        if (fields > MAX_HEADER || fields > in.remaining()) {
            throw new CorruptStreamException("EntropyCoder.decode: header claims " + fields + " fields in a stream of "
                    + stream.length + " bytes (truncated or corrupted)");
        }
        int[] header = new int[(int) fields];
        for (int i = 0; i < header.length; i++) {
            long zig = in.varint("header field " + i);
            if (zig > 0xFFFF_FFFFL) {
                throw new CorruptStreamException("EntropyCoder.decode: header field " + i + " is out of range");
            }
            header[i] = unzigzag((int) zig);
        }
        long channels = in.varint("channel count");
        // Each channel takes at least 3 header bytes: a smaller stream cannot hold the count it claims.
        if (channels > (stream.length - MAGIC.length) / 3) {
            throw new CorruptStreamException("EntropyCoder.decode: header claims " + channels + " channels in a stream of "
                    + stream.length + " bytes (truncated or corrupted)");
        }
        int n = (int) channels;
        long[] length = new long[n];
        int[] minimum = new int[n];
        int[] span = new int[n];
        long symbols = 0;
        for (int c = 0; c < n; c++) {
            length[c] = in.varint("length of channel " + c);
            long zig = in.varint("minimum of channel " + c);
            long s = in.varint("span of channel " + c);
            symbols += length[c];
            if (length[c] > MAX_SYMBOLS || symbols > MAX_SYMBOLS || zig > 0xFFFF_FFFFL || s >= MAX_ALPHABET) {
                throw new CorruptStreamException("EntropyCoder.decode: channel " + c + " header is out of range (length "
                        + length[c] + ", span " + s + ")");
            }
            minimum[c] = unzigzag((int) zig);
            span[c] = (int) s;
        }
        long payload = in.varint("payload length");
        if (payload != in.remaining()) {
            throw new CorruptStreamException("EntropyCoder.decode: payload declared as " + payload + " bytes but "
                    + in.remaining() + " are present (truncated or corrupted)");
        }
        CRC32C crc = new CRC32C();
        crc.update(stream, 0, stream.length - CHECKSUM_BYTES);
        int stored = ByteBuffer.wrap(stream, stream.length - CHECKSUM_BYTES, CHECKSUM_BYTES).order(ByteOrder.LITTLE_ENDIAN).getInt();
        if (stored != (int) crc.getValue()) {
            throw new CorruptStreamException("EntropyCoder.decode: checksum mismatch (stored %08x, computed %08x): the stream is corrupted"
                    .formatted(stored, (int) crc.getValue()));
        }
        ArithmeticCoder.Decoder coder = new ArithmeticCoder.Decoder(stream, in.position(), stream.length - CHECKSUM_BYTES);
        int[][] out = new int[n][];
        for (int c = 0; c < n; c++) {
            out[c] = new int[(int) length[c]];
            if (span[c] == 0) {
                java.util.Arrays.fill(out[c], minimum[c]);
                continue;
            }
            AdaptiveModel model = new AdaptiveModel(span[c] + 1);
            for (int i = 0; i < out[c].length; i++) {
                out[c][i] = minimum[c] + coder.decode(model);
            }
        }
        return new Decoded(header, out);
    }

    private static int zigzag(int v) {
        return (v << 1) ^ (v >> 31);
    }

    private static int unzigzag(int z) {
        return (z >>> 1) ^ -(z & 1);
    }

    /** Appends {@code value} (non-negative) as an unsigned LEB128 varint. */
    static void writeVarint(ByteArrayOutputStream out, long value) {
        long v = value;
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }

    /** Reads varints from bytes {@code [position, end)}, failing with {@link CorruptStreamException} past the end. */
    static final class Reader {
        private final byte[] data;
        private final int end;
        private int position;

        Reader(byte[] data, int position, int end) {
            this.data = data;
            this.position = position;
            this.end = end;
        }

        /** The next unsigned varint (at most 9 bytes, below 2^63); {@code what} names it in errors. */
        long varint(String what) {
            long value = 0;
            for (int shift = 0; shift < 63; shift += 7) {
                if (position >= end) {
                    throw new CorruptStreamException("EntropyCoder.decode: stream ends inside the " + what + " (truncated)");
                }
                int b = data[position++] & 0xFF;
                value |= (long) (b & 0x7F) << shift;
                if ((b & 0x80) == 0) {
                    return value;
                }
            }
            throw new CorruptStreamException("EntropyCoder.decode: the " + what + " is not a valid varint");
        }

        int position() {
            return position;
        }

        int remaining() {
            return end - position;
        }
    }
}
