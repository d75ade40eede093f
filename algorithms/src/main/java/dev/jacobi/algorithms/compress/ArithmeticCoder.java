package dev.jacobi.algorithms.compress;

import java.io.ByteArrayOutputStream;

/**
 * Binary arithmetic coding with 32-bit integer bounds (Witten, Neal and Cleary, "Arithmetic coding for
 * data compression", CACM 30(6), 1987): the interval {@code [low, high]} narrows to each symbol's share
 * of the model's total, and whenever its leading bit is settled that bit is sent; when the interval
 * straddles the middle in the second and third quarters, the pending-bit rule defers the decision.
 * Products of a 32-bit range and a total below 2^24 fit in a {@code long}, and a total at most a
 * quarter of the range keeps every symbol's share non-empty.
 */
final class ArithmeticCoder {
    /** The largest model total the coder accepts. */
    static final int MAX_TOTAL = 1 << 24;

    private static final long TOP = 0xFFFF_FFFFL;
    private static final long HALF = 0x8000_0000L;
    private static final long QUARTER = 0x4000_0000L;

    private ArithmeticCoder() {
    }

    /** Writes symbols as bits into a growing byte array. */
    static final class Encoder {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private long low;
        private long high = TOP;
        private long pending;
        private int buffer;
        private int bits;

        /** Codes {@code symbol} with {@code model}'s current counts, then updates the model. */
        void encode(AdaptiveModel model, int symbol) {
            long range = high - low + 1;
            long total = model.total();
            long cumLow = model.cumulative(symbol);
            long cumHigh = cumLow + model.frequency(symbol);
            high = low + range * cumHigh / total - 1;
            low = low + range * cumLow / total;
            while (true) {
                if (high < HALF) {
                    emit(0);
                } else if (low >= HALF) {
                    emit(1);
                    low -= HALF;
                    high -= HALF;
                } else if (low >= QUARTER && high < 3 * QUARTER) {
                    pending++;
                    low -= QUARTER;
                    high -= QUARTER;
                } else {
                    break;
                }
                low <<= 1;
                high = (high << 1) | 1;
            }
            model.update(symbol);
        }

        /** Sends the bits that pin the final interval down and returns everything written. */
        byte[] finish() {
            pending++;
            emit(low < QUARTER ? 0 : 1);
            if (bits > 0) {
                out.write(buffer << (8 - bits));
            }
            return out.toByteArray();
        }

        private void emit(int bit) {
            put(bit);
            for (; pending > 0; pending--) {
                put(1 - bit);
            }
        }

        private void put(int bit) {
            buffer = (buffer << 1) | bit;
            if (++bits == 8) {
                out.write(buffer);
                buffer = 0;
                bits = 0;
            }
        }
    }

    /** Reads symbols from bytes {@code [from, to)} of an array; bits past the end read as 0. */
    static final class Decoder {
        private final byte[] data;
        private final int end;
        private long position;
        private long low;
        private long high = TOP;
        private long value;

        Decoder(byte[] data, int from, int to) {
            this.data = data;
            this.end = to;
            this.position = (long) from * 8;
            for (int i = 0; i < 32; i++) {
                value = (value << 1) | next();
            }
        }

        /** Decodes one symbol with {@code model}'s current counts, then updates the model. */
        int decode(AdaptiveModel model) {
            long range = high - low + 1;
            long total = model.total();
            // The largest target whose scaled share does not pass value: the inverse of encode's scaling.
            int target = (int) (((value - low + 1) * total - 1) / range);
            int symbol = model.find(target);
            long cumLow = model.cumulative(symbol);
            long cumHigh = cumLow + model.frequency(symbol);
            high = low + range * cumHigh / total - 1;
            low = low + range * cumLow / total;
            while (true) {
                if (high < HALF) {
                    // Leading bit 0 settled.
                } else if (low >= HALF) {
                    value -= HALF;
                    low -= HALF;
                    high -= HALF;
                } else if (low >= QUARTER && high < 3 * QUARTER) {
                    value -= QUARTER;
                    low -= QUARTER;
                    high -= QUARTER;
                } else {
                    break;
                }
                low <<= 1;
                high = (high << 1) | 1;
                value = (value << 1) | next();
            }
            model.update(symbol);
            return symbol;
        }

        private int next() {
            long byteIndex = position >>> 3;
            int bit = byteIndex < end ? (data[(int) byteIndex] >>> (7 - (int) (position & 7))) & 1 : 0;
            position++;
            return bit;
        }
    }
}
