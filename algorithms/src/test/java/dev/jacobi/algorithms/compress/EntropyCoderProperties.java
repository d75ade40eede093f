package dev.jacobi.algorithms.compress;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * The entropy coder is lossless on random and adversarial streams (reference: the input itself), codes
 * an i.i.d. stream close to its Shannon entropy, and rejects every truncation and every single-byte
 * change of a stream with a {@link CorruptStreamException}.
 */
class EntropyCoderProperties {

    @Test
    void randomStreamsRoundTripExactly() {
        qt().withExamples(60).forAll(longs().all(), integers().between(0, 5), integers().between(0, 400), integers().between(1, 20))
                .checkAssert((seed, channels, length, bits) -> {
                    SplittableRandom r = new SplittableRandom(seed);
                    int[][] data = new int[channels][];
                    for (int c = 0; c < channels; c++) {
                        // Channels of different lengths and offsets, some negative, alphabets up to 2^20.
                        int offset = r.nextInt(-1000, 1000);
                        data[c] = r.ints(r.nextInt(length + 1), offset, offset + (1 << bits)).toArray();
                    }
                    assertThat(EntropyCoder.decode(EntropyCoder.encode(data)).channels()).isDeepEqualTo(data);
                });
    }

    @Test
    void adversarialStreamsRoundTripExactly() {
        int n = 5000;
        int[] same = new int[n];
        Arrays.fill(same, -7);
        int[] alternating = new int[n];
        int[] extremes = new int[n];
        int[] maxAlphabet = new int[n];
        int[] skewed = new int[n];
        for (int i = 0; i < n; i++) {
            alternating[i] = i % 2 == 0 ? 0 : 255;
            extremes[i] = i % 3 == 0 ? Integer.MIN_VALUE : Integer.MIN_VALUE + 1;
            // Both ends of the largest alphabet, and everything between once in a while.
            maxAlphabet[i] = i % 2 == 0 ? 0 : i % 7 == 0 ? i * 97 % EntropyCoder.MAX_ALPHABET : EntropyCoder.MAX_ALPHABET - 1;
            // Long runs of one symbol with rare others: the models' counts get halved many times.
            skewed[i] = i % 997 == 0 ? 1 : 0;
        }
        int[] maxValues = {Integer.MAX_VALUE, Integer.MAX_VALUE - 3, Integer.MAX_VALUE};
        int[][][] cases = {
                {}, {{}}, {{}, {}, {42}}, {same}, {alternating}, {extremes}, {maxAlphabet}, {skewed},
                {same, alternating, {}, maxValues, skewed}};
        for (int[][] data : cases) {
            assertThat(EntropyCoder.decode(EntropyCoder.encode(data)).channels()).isDeepEqualTo(data);
        }
        // A constant channel costs no payload: the stream is header and checksum only.
        assertThat(EntropyCoder.encode(new int[][] {same}).length).isLessThan(20);
    }

    @Test
    void iidStreamCodesCloseToItsEntropy() {
        // Geometric-like distribution over 16 symbols; the adaptive model must come within 1% + 0.02
        // bits of the Shannon entropy: the learning cost (~alphabet·log(n) bits) is tiny at n = 2e5.
        SplittableRandom r = new SplittableRandom(1);
        int n = 200_000;
        double[] p = new double[16];
        double z = 0;
        for (int k = 0; k < 16; k++) {
            p[k] = Math.pow(0.7, k);
            z += p[k];
        }
        double entropy = 0;
        for (int k = 0; k < 16; k++) {
            p[k] /= z;
            entropy -= p[k] * Math.log(p[k]) / Math.log(2);
        }
        int[] data = new int[n];
        for (int i = 0; i < n; i++) {
            double u = r.nextDouble();
            int k = 0;
            while (k < 15 && u >= p[k]) {
                u -= p[k];
                k++;
            }
            data[i] = k;
        }
        byte[] coded = EntropyCoder.encode(new int[][] {data});
        assertThat(EntropyCoder.decode(coded).channels()[0]).isEqualTo(data);
        double bitsPerSymbol = 8.0 * coded.length / n;
        assertThat(bitsPerSymbol).isLessThan(entropy * 1.01 + 0.02).isGreaterThan(entropy - 0.02);
    }

    @Test
    void everyTruncationAndEveryByteChangeIsRejected() {
        SplittableRandom r = new SplittableRandom(2);
        int[][] data = {r.ints(300, -20, 20).toArray(), r.ints(50, 0, 3).toArray()};
        int[] header = {7, -1, Integer.MIN_VALUE, 224};
        byte[] coded = EntropyCoder.encode(header, data);
        EntropyCoder.Decoded back = EntropyCoder.decode(coded);
        assertThat(back.header()).containsExactly(header);
        assertThat(back.channels()).isDeepEqualTo(data);
        for (int len = 0; len < coded.length; len++) {
            byte[] cut = Arrays.copyOf(coded, len);
            assertThatThrownBy(() -> EntropyCoder.decode(cut)).as("truncated to " + len)
                    .isInstanceOf(CorruptStreamException.class).hasMessageStartingWith("EntropyCoder.decode: ");
        }
        for (int i = 0; i < coded.length; i++) {
            for (int delta : new int[] {1, 0x80, 0x5A}) {
                byte[] bad = coded.clone();
                bad[i] ^= (byte) delta;
                int at = i;
                // CRC-32C detects every error burst of up to 32 bits, so each change must be caught.
                assertThatThrownBy(() -> EntropyCoder.decode(bad)).as("byte " + at + " ^ " + delta)
                        .isInstanceOf(CorruptStreamException.class).hasMessageStartingWith("EntropyCoder.decode: ");
            }
        }
        byte[] longer = Arrays.copyOf(coded, coded.length + 1);
        assertThatThrownBy(() -> EntropyCoder.decode(longer)).isInstanceOf(CorruptStreamException.class);
        assertThatThrownBy(() -> EntropyCoder.decode(new byte[] {'P', 'K', 3, 4, 0, 0, 0, 0}))
                .isInstanceOf(CorruptStreamException.class).hasMessageContaining("bad magic");
    }

    @Test
    void tooWideAChannelIsRefusedBeforeCoding() {
        assertThatThrownBy(() -> EntropyCoder.encode(new int[][] {{0, EntropyCoder.MAX_ALPHABET}}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("EntropyCoder.encode: channel 0 spans 0..1048576, more than 1048576 values");
    }

    @Test
    void modelLookupsMatchNaiveSums() {
        qt().withExamples(30).forAll(longs().all(), integers().between(1, 3000)).checkAssert((seed, n) -> {
            SplittableRandom r = new SplittableRandom(seed);
            AdaptiveModel model = new AdaptiveModel(n);
            int[] counts = new int[n];
            Arrays.fill(counts, 1);
            for (int step = 0; step < 4000; step++) {
                int s = r.nextInt(Math.min(n, 1 + step % 50));
                model.update(s);
                counts[s] += AdaptiveModel.INCREMENT;
                if (Arrays.stream(counts).sum() > Math.max(AdaptiveModel.LIMIT, 8 * n)) {
                    for (int i = 0; i < n; i++) {
                        counts[i] = (counts[i] + 1) / 2;
                    }
                }
            }
            int cum = 0;
            for (int s = 0; s < n; s++) {
                assertThat(model.cumulative(s)).isEqualTo(cum);
                assertThat(model.frequency(s)).isEqualTo(counts[s]);
                assertThat(model.find(cum)).isEqualTo(s);
                assertThat(model.find(cum + counts[s] - 1)).isEqualTo(s);
                cum += counts[s];
            }
            assertThat(model.total()).isEqualTo(cum);
        });
    }
}
