package dev.jacobi.tensor;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.concurrent.ForkJoinPool;
import java.util.function.Function;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * The random generator: the Philox block function against the published known answers, the element
 * mapping against a re-implementation of the stream the Javadoc documents, determinism (same seed, any
 * thread count), and the distributions' moments. The statistical checks use fixed seeds and n = 100,000
 * samples, and allow 5 standard errors of the statistic (a correct generator fails one with probability
 * below 1e-6; the seeds are fixed, so the outcome is reproducible).
 */
class GeneratorProperties {
    private static final int N = 100_000;
    private static final double SIGMAS = 5;

    @Test
    void philoxMatchesTheRandom123KnownAnswers() {
        // Known-answer vectors of Philox4x32-10 from the Random123 distribution (kat_vectors): counter, key, output.
        int[][] cases = {
                {0, 0, 0, 0, 0, 0, 0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8},
                {-1, -1, -1, -1, -1, -1, 0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd},
                {0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344, 0xa4093822, 0x299f31d0,
                        0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1},
        };
        for (int[] c : cases) {
            int[] out = new int[4];
            Generator.philox(c[0], c[1], c[2], c[3], c[4], c[5], out);
            assertThat(out).containsExactly(c[6], c[7], c[8], c[9]);
        }
    }

    @Test
    void valuesFollowTheDocumentedStream() {
        long seed = 0x1234_5678_9abc_def0L;
        Generator gen = Generator.seeded(seed);
        // 70,001 float32 values: above the parallel threshold and not a multiple of 4 (a partial last block).
        float[] f = gen.uniform(DType.FLOAT32, 0, 1, 70_001).toFloatArray();
        long blocks = (70_001 + 3) / 4;
        assertThat(gen.position()).isEqualTo(blocks);
        for (int e = 0; e < f.length; e++) {
            int[] w = block(seed, e / 4);
            assertThat(f[e]).isEqualTo((w[e % 4] >>> 8) * 0x1.0p-24f);
        }
        double[] d = gen.uniform(DType.FLOAT64, 0, 1, 1001).toDoubleArray();
        for (int e = 0; e < d.length; e++) {
            assertThat(d[e]).isEqualTo(uniform53(block(seed, blocks + e / 2), e % 2));
        }
        blocks += 501;
        double[] z = gen.normal(DType.FLOAT64, 0, 1, 999).toDoubleArray();
        for (int e = 0; e < z.length; e++) {
            int[] w = block(seed, blocks + e / 2);
            double r = StrictMath.sqrt(-2 * StrictMath.log(1 - uniform53(w, 0)));
            double angle = 2 * Math.PI * uniform53(w, 1);
            assertThat(z[e]).isEqualTo(e % 2 == 0 ? r * StrictMath.cos(angle) : r * StrictMath.sin(angle));
        }
        assertThat(gen.position()).isEqualTo(blocks + 500);
    }

    @Test
    void sameSeedGivesSameValuesAndDifferentSeedsDiffer() {
        qt().withExamples(100).forAll(longs().all(), longs().all()).checkAssert((a, b) -> {
            double[] x = Generator.seeded(a).normal(DType.FLOAT64, 0, 1, 64).toDoubleArray();
            assertThat(Generator.seeded(a).normal(DType.FLOAT64, 0, 1, 64).toDoubleArray()).containsExactly(x);
            if (!a.equals(b)) {
                double[] y = Generator.seeded(b).normal(DType.FLOAT64, 0, 1, 64).toDoubleArray();
                assertThat(countEqual(x, y)).isLessThan(2);
            }
        });
    }

    @Test
    void successiveCallsCopiesAndForksGiveTheDocumentedStreams() {
        Generator gen = Generator.seeded(42);
        Generator replay = gen.copy();
        double[] first = gen.uniform(DType.FLOAT64, 0, 1, 10).toDoubleArray();
        double[] second = gen.uniform(DType.FLOAT64, 0, 1, 10).toDoubleArray();
        assertThat(countEqual(first, second)).isZero();
        assertThat(replay.uniform(DType.FLOAT64, 0, 1, 10).toDoubleArray()).containsExactly(first);
        Generator forkA = gen.fork();
        Generator forkB = gen.fork();
        double[] a = forkA.uniform(DType.FLOAT64, 0, 1, 100).toDoubleArray();
        double[] b = forkB.uniform(DType.FLOAT64, 0, 1, 100).toDoubleArray();
        double[] parent = gen.uniform(DType.FLOAT64, 0, 1, 100).toDoubleArray();
        assertThat(countEqual(a, b)).isZero();
        assertThat(countEqual(a, parent)).isZero();
        Generator again = Generator.seeded(42);
        again.uniform(DType.FLOAT64, 0, 1, 20);
        assertThat(again.fork().uniform(DType.FLOAT64, 0, 1, 100).toDoubleArray()).containsExactly(a);
    }

    @Test
    void valuesDoNotDependOnTheNumberOfThreads() throws Exception {
        Function<Generator, double[]> draw = gen -> {
            double[] u = gen.uniform(DType.FLOAT32, -1, 1, 300, 301).toDoubleArray();
            double[] z = gen.normal(DType.FLOAT64, 0, 1, 200_001).toDoubleArray();
            double[] c = gen.normal(DType.COMPLEX64, 0, 1, 70_000).toDoubleArray();
            double[] bits = gen.bernoulli(0.5, 99_999).toDoubleArray();
            double[] ints = gen.randint(-5, 1000, 65_537).toDoubleArray();
            double[] all = new double[u.length + z.length + c.length + bits.length + ints.length];
            int at = 0;
            for (double[] part : new double[][] {u, z, c, bits, ints}) {
                System.arraycopy(part, 0, all, at, part.length);
                at += part.length;
            }
            return all;
        };
        double[] common = draw.apply(Generator.seeded(99));
        for (int threads : new int[] {1, 3}) {
            ForkJoinPool pool = new ForkJoinPool(threads);
            try {
                // Parallel streams started from inside a pool's task run in that pool.
                double[] inPool = pool.submit(() -> draw.apply(Generator.seeded(99))).get();
                assertThat(Arrays.equals(inPool, common)).as("same values on %d threads", threads).isTrue();
            } finally {
                pool.shutdown();
            }
        }
    }

    @Test
    void uniformNeverReturnsHighEvenWhenRoundingWouldReachIt() {
        Generator gen = Generator.seeded(5);
        // Float32 [0, 1): the largest value is 1 - 2^-24, never 1.
        assertThat(max(gen.uniform(DType.FLOAT32, 0, 1, N).toDoubleArray())).isLessThan(1.0);
        // Float32 spacing at 1e6 is 1/16: about 1/32 of low + u * (high - low) rounds up to high.
        double[] wide = gen.uniform(DType.FLOAT32, 1e6, 1e6 + 1, N).toDoubleArray();
        assertThat(min(wide)).isGreaterThanOrEqualTo(1e6);
        assertThat(max(wide)).isEqualTo(Math.nextDown(1e6f + 1));
        for (DType half : new DType[] {DType.BFLOAT16, DType.FLOAT16}) {
            double[] h = gen.uniform(half, 0, 1, N).toDoubleArray();
            assertThat(min(h)).isGreaterThanOrEqualTo(0.0);
            assertThat(max(h)).as(half.toString()).isLessThan(1.0);
        }
        double[] c = gen.uniform(DType.COMPLEX128, 2, 3, 1000).toDoubleArray();
        assertThat(min(c)).isGreaterThanOrEqualTo(2.0);
        assertThat(max(c)).isLessThan(3.0);
    }

    @Test
    void uniformHasTheMomentsAndHistogramOfTheUniformDistribution() {
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            double low = -2;
            double high = 3;
            double[] u = Generator.seeded(11).uniform(dt, low, high, N).toDoubleArray();
            // Mean: standard error (high - low) / sqrt(12 n).
            assertThat(Math.abs(mean(u) - 0.5)).as(dt + " mean").isLessThan(SIGMAS * 5 / Math.sqrt(12.0 * N));
            // 10 equal bins: each count is binomial(n, 0.1).
            int[] bins = new int[10];
            for (double v : u) {
                bins[(int) ((v - low) / (high - low) * 10)]++;
            }
            for (int b : bins) {
                assertThat(Math.abs(b - N * 0.1)).as(dt + " bin").isLessThan(SIGMAS * Math.sqrt(N * 0.1 * 0.9));
            }
        }
    }

    @Test
    void normalHasTheRequestedMeanStdAndShape() {
        for (DType dt : new DType[] {DType.FLOAT32, DType.FLOAT64}) {
            double mu = 1.5;
            double sigma = 2;
            double[] z = Generator.seeded(12).normal(dt, mu, sigma, N).toDoubleArray();
            double m = mean(z);
            double var = 0;
            int withinOne = 0;
            for (double v : z) {
                var += (v - m) * (v - m);
                withinOne += Math.abs(v - mu) < sigma ? 1 : 0;
            }
            var /= N - 1;
            // Standard errors: sigma / sqrt(n) for the mean, sigma^2 sqrt(2 / (n-1)) for the sample variance.
            assertThat(Math.abs(m - mu)).as(dt + " mean").isLessThan(SIGMAS * sigma / Math.sqrt(N));
            assertThat(Math.abs(var - sigma * sigma)).as(dt + " variance").isLessThan(SIGMAS * sigma * sigma * Math.sqrt(2.0 / (N - 1)));
            // P(|z| < 1 sigma) = erf(1/sqrt 2) = 0.682689...; the count is binomial.
            double p = 0.6826894921370859;
            assertThat(Math.abs(withinOne / (double) N - p)).as(dt + " mass within 1 sigma")
                    .isLessThan(SIGMAS * Math.sqrt(p * (1 - p) / N));
        }
    }

    @Test
    void complexNormalSplitsTheVarianceBetweenItsParts() {
        double sigma = 3;
        double[] z = Generator.seeded(13).normal(DType.COMPLEX128, 0, sigma, N).toDoubleArray();
        double re2 = 0;
        double im2 = 0;
        for (int i = 0; i < N; i++) {
            re2 += z[2 * i] * z[2 * i];
            im2 += z[2 * i + 1] * z[2 * i + 1];
        }
        // Each part has variance sigma^2 / 2; a mean of squares of N(0, s^2) has standard error s^2 sqrt(2 / n).
        double s2 = sigma * sigma / 2;
        assertThat(Math.abs(re2 / N - s2)).isLessThan(SIGMAS * s2 * Math.sqrt(2.0 / N));
        assertThat(Math.abs(im2 / N - s2)).isLessThan(SIGMAS * s2 * Math.sqrt(2.0 / N));
    }

    @Test
    void float32NormalsAreTheFloat64NormalsRounded() {
        double[] d = Generator.seeded(21).normal(DType.FLOAT64, 0.25, 3, 1234).toDoubleArray();
        float[] f = Generator.seeded(21).normal(DType.FLOAT32, 0.25, 3, 1234).toFloatArray();
        for (int i = 0; i < d.length; i++) {
            assertThat(f[i]).isEqualTo((float) d[i]);
        }
    }

    @Test
    void bernoulliIsTrueWithTheGivenProbability() {
        double p = 0.3;
        double[] bits = Generator.seeded(14).bernoulli(p, N).toDoubleArray();
        assertThat(Math.abs(mean(bits) - p)).isLessThan(SIGMAS * Math.sqrt(p * (1 - p) / N));
        assertThat(mean(Generator.seeded(15).bernoulli(0, 1000).toDoubleArray())).isZero();
        assertThat(mean(Generator.seeded(15).bernoulli(1, 1000).toDoubleArray())).isEqualTo(1.0);
        // Per-element probabilities: element e is u_e < p_e for the float64 uniform u_e of the same state.
        Generator gen = Generator.seeded(16);
        Tensor probs = gen.uniform(DType.FLOAT32, 0, 1, 40, 25).transpose(0, 1);
        Generator replay = gen.copy();
        Tensor b = gen.bernoulli(probs);
        assertThat(b.dtype()).isEqualTo(DType.BOOL);
        assertThat(b.shape()).containsExactly(25, 40);
        double[] u = replay.uniform(DType.FLOAT64, 0, 1, 25, 40).toDoubleArray();
        double[] pr = probs.toDoubleArray();
        double[] got = b.toDoubleArray();
        for (int i = 0; i < got.length; i++) {
            assertThat(got[i]).isEqualTo(u[i] < pr[i] ? 1.0 : 0.0);
        }
    }

    @Test
    void randintCoversItsRangeUniformly() {
        double[] v = Generator.seeded(17).randint(-3, 7, N).toDoubleArray();
        int[] counts = new int[10];
        for (double x : v) {
            assertThat(x).isBetween(-3.0, 6.0).isEqualTo(Math.rint(x));
            counts[(int) x + 3]++;
        }
        for (int c : counts) {
            assertThat(Math.abs(c - N * 0.1)).isLessThan(SIGMAS * Math.sqrt(N * 0.1 * 0.9));
        }
        double[] extreme = Generator.seeded(18).randint(Integer.MIN_VALUE, Integer.MAX_VALUE, 1000).toDoubleArray();
        assertThat(min(extreme)).isLessThan(-1e9);
        assertThat(max(extreme)).isGreaterThan(1e9);
    }

    @Test
    void permutationIsAPermutationAndDeterministic() {
        qt().withExamples(100).forAll(longs().all()).checkAssert(seed -> {
            int n = (int) Math.floorMod(seed, 50L);
            int[] p = Generator.seeded(seed).permutation(n).toIntArray();
            int[] sorted = p.clone();
            Arrays.sort(sorted);
            for (int i = 0; i < n; i++) {
                assertThat(sorted[i]).isEqualTo(i);
            }
            assertThat(Generator.seeded(seed).permutation(n).toIntArray()).containsExactly(p);
        });
        // Every position is equally likely to hold 0: 10,000 permutations of 5, each count binomial(10000, 0.2).
        Generator gen = Generator.seeded(19);
        int[] where = new int[5];
        for (int i = 0; i < 10_000; i++) {
            int[] p = gen.permutation(5).toIntArray();
            for (int k = 0; k < 5; k++) {
                where[k] += p[k] == 0 ? 1 : 0;
            }
        }
        for (int c : where) {
            assertThat(Math.abs(c - 2000)).isLessThan((int) (SIGMAS * Math.sqrt(10_000 * 0.2 * 0.8)));
        }
    }

    @Test
    void tensorFactoriesDrawFromTheGenerator() {
        Tensor r = Tensor.rand(Generator.seeded(3), 4, 5);
        assertThat(r.dtype()).isEqualTo(DType.FLOAT32);
        assertThat(r.shape()).containsExactly(4, 5);
        assertThat(r.toDoubleArray()).containsExactly(Generator.seeded(3).uniform(DType.FLOAT32, 0, 1, 4, 5).toDoubleArray());
        assertThat(Tensor.randn(Generator.seeded(3), DType.FLOAT64, 7).toDoubleArray())
                .containsExactly(Generator.seeded(3).normal(DType.FLOAT64, 0, 1, 7).toDoubleArray());
        assertThat(Tensor.bernoulli(Generator.seeded(3), Tensor.full(DType.FLOAT32, 0.5, 6)).toDoubleArray())
                .containsExactly(Generator.seeded(3).bernoulli(0.5, 6).toDoubleArray());
        assertThat(Tensor.rand(Generator.seeded(3), 0, 3).numel()).isZero();
    }

    @Test
    void badArgumentsAreRejectedWithTheOpAndTheValues() {
        Generator gen = Generator.seeded(1);
        assertThatThrownBy(() -> gen.uniform(DType.INT32, 0, 1, 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("Generator.uniform").hasMessageContaining("int32").hasMessageContaining("randint");
        assertThatThrownBy(() -> gen.uniform(DType.FLOAT32, 1, 1, 3)).hasMessageContaining("Generator.uniform")
                .hasMessageContaining("low=1.0");
        assertThatThrownBy(() -> gen.uniform(DType.FLOAT64, 0, Double.POSITIVE_INFINITY, 3)).hasMessageContaining("finite");
        assertThatThrownBy(() -> gen.normal(DType.FLOAT32, 0, -1, 3)).hasMessageContaining("Generator.normal")
                .hasMessageContaining("std=-1.0");
        assertThatThrownBy(() -> gen.normal(DType.BOOL, 0, 1, 3)).hasMessageContaining("bool");
        assertThatThrownBy(() -> gen.randint(5, 5, 3)).hasMessageContaining("Generator.randint").hasMessageContaining("low=5");
        assertThatThrownBy(() -> gen.bernoulli(Tensor.of(new double[] {0.5, 1.5}, 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Generator.bernoulli")
                .hasMessageContaining("1.5").hasMessageContaining("position 1").hasMessageContaining("[2]");
        assertThatThrownBy(() -> gen.bernoulli(Double.NaN, 2)).hasMessageContaining("NaN");
        assertThatThrownBy(() -> gen.bernoulli(Tensor.complex(new double[] {0.5}, new double[] {0}, 1)))
                .hasMessageContaining("complex128");
        assertThatThrownBy(() -> gen.permutation(-1)).hasMessageContaining("Generator.permutation");
        assertThatThrownBy(() -> gen.uniform(DType.FLOAT32, 0, 1, 2, -1)).hasMessageContaining("[2, -1]");
        assertThat(gen.position()).as("failed calls take no blocks").isZero();
    }

    private static int[] block(long seed, long b) {
        int[] w = new int[4];
        Generator.philox((int) b, (int) (b >>> 32), 0, 0, (int) seed, (int) (seed >>> 32), w);
        return w;
    }

    private static double uniform53(int[] w, int slot) {
        long bits = (w[2 * slot] & 0xFFFFFFFFL) | ((long) w[2 * slot + 1] << 32);
        return (bits >>> 11) * 0x1.0p-53;
    }

    private static int countEqual(double[] a, double[] b) {
        int n = 0;
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            n += a[i] == b[i] ? 1 : 0;
        }
        return n;
    }

    private static double mean(double[] v) {
        double s = 0;
        for (double x : v) {
            s += x;
        }
        return s / v.length;
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElseThrow();
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElseThrow();
    }
}
