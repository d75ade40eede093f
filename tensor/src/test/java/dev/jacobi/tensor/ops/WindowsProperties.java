package dev.jacobi.tensor.ops;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static dev.jacobi.tensor.TestTensors.indices;
import static dev.jacobi.tensor.TestTensors.sample;
import static dev.jacobi.tensor.TestTensors.shape;
import static dev.jacobi.tensor.ops.ShapingSamples.anyDType;
import static dev.jacobi.tensor.ops.ShapingSamples.dot;
import static dev.jacobi.tensor.ops.ShapingSamples.flat;
import static dev.jacobi.tensor.ops.ShapingSamples.random;
import static dev.jacobi.tensor.ops.ShapingSamples.stored;
import static dev.jacobi.tensor.ops.ShapingSamples.width;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * pad, im2col and col2im against naive loops written from their definitions, and col2im as the adjoint of
 * im2col. Exact comparisons throughout: pad and im2col move elements, and the col2im sums are of
 * sixteenths or small integers, exact in the dtypes used.
 */
class WindowsProperties {
    private static final DType[] SUMMABLE = {DType.FLOAT32, DType.FLOAT64, DType.INT32, DType.BOOL, DType.COMPLEX128};

    @Test
    void padMatchesTheShiftedCopyDefinitionIncludingCrops() {
        qt().withExamples(250).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            int rank = rnd.nextInt(4);
            int[] s = shape(rnd, rank, 5);
            DType dt = anyDType(rnd);
            Tensor t = random(rnd, dt, s);
            int pairs = rnd.nextInt(rank + 1);
            int[] padding = new int[2 * pairs];
            int[] before = new int[rank];
            int[] os = s.clone();
            boolean valid = true;
            for (int p = 0; p < pairs; p++) {
                int d = rank - 1 - p;
                padding[2 * p] = rnd.nextInt(7) - 3;
                padding[2 * p + 1] = rnd.nextInt(7) - 3;
                before[d] = padding[2 * p];
                os[d] = s[d] + padding[2 * p] + padding[2 * p + 1];
                valid &= os[d] >= 0;
            }
            double value = sample(rnd, dt);
            if (!valid) {
                assertThatThrownBy(() -> t.pad(padding, value)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("pad");
                return;
            }
            Tensor out = t.pad(padding, value);
            assertThat(out.shape()).containsExactly(os);
            assertThat(out.dtype()).isEqualTo(dt);
            int w = width(dt);
            double[] x = t.toDoubleArray();
            double[] got = out.toDoubleArray();
            for (int[] ix : indices(os)) {
                int[] src = new int[rank];
                boolean inside = true;
                for (int d = 0; d < rank; d++) {
                    src[d] = ix[d] - before[d];
                    inside &= src[d] >= 0 && src[d] < s[d];
                }
                for (int p = 0; p < w; p++) {
                    double expected = inside ? x[flat(src, s) * w + p] : p == 0 ? stored(dt, value) : 0;
                    assertThat(got[flat(ix, os) * w + p]).isEqualTo(expected);
                }
            }
        });
    }

    @Test
    void im2colMatchesTheWindowDefinition() {
        qt().withExamples(250).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            Config c = Config.random(rnd, 7);
            Tensor x = random(rnd, anyDType(rnd), new int[] {c.n, c.c, c.h, c.w});
            if (c.outH() < 1 || c.outW() < 1) {
                assertThatThrownBy(() -> c.im2col(x)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("im2col").hasMessageContaining("does not fit");
                return;
            }
            checkIm2col(c, x, rnd.nextBoolean());
        });
    }

    @Test
    void im2colOnWideRowsUsesTheBulkCopyAndStillMatches() {
        // Rows of at least 16 with stride 1 take the bulk-copy path; layouts vary so some rows are strided.
        qt().withExamples(40).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            Config c = Config.random(rnd, 7).withWidth(16 + rnd.nextInt(30)).withStrideW(1);
            if (c.outH() < 1 || c.outW() < 1) {
                return;
            }
            Tensor x = random(rnd, rnd.nextBoolean() ? DType.FLOAT32 : DType.COMPLEX64, new int[] {c.n, c.c, c.h, c.w});
            checkIm2col(c, x, false);
        });
    }

    @Test
    void col2imSumsOverlappingWindowsAsTheNaiveLoop() {
        qt().withExamples(250).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            Config c = Config.random(rnd, 7);
            if (c.outH() < 1 || c.outW() < 1) {
                return;
            }
            DType dt = SUMMABLE[rnd.nextInt(SUMMABLE.length)];
            int rows = c.c * c.kh * c.kw;
            int l = c.outH() * c.outW();
            Tensor cols = random(rnd, dt, new int[] {c.n, rows, l});
            Tensor out = c.col2im(cols);
            assertThat(out.shape()).containsExactly(c.n, c.c, c.h, c.w);
            assertThat(out.dtype()).isEqualTo(dt);
            int w = width(dt);
            double[] y = cols.toDoubleArray();
            double[] expected = new double[c.n * c.c * c.h * c.w * w];
            int[] os = {c.n, c.c, c.h, c.w};
            int[] cs = {c.n, rows, l};
            for (int[] ix : indices(cs)) {
                int ci = ix[1] / (c.kh * c.kw);
                int ki = ix[1] / c.kw % c.kh;
                int kj = ix[1] % c.kw;
                int ih = ix[2] / c.outW() * c.sh - c.ph + ki * c.dh;
                int iw = ix[2] % c.outW() * c.sw - c.pw + kj * c.dw;
                if (ih >= 0 && ih < c.h && iw >= 0 && iw < c.w) {
                    for (int p = 0; p < w; p++) {
                        expected[flat(new int[] {ix[0], ci, ih, iw}, os) * w + p] += y[flat(ix, cs) * w + p];
                    }
                }
            }
            for (int i = 0; i < expected.length; i++) {
                expected[i] = stored(dt, expected[i]);
            }
            assertThat(out.toDoubleArray()).containsExactly(expected);
        });
    }

    @Test
    void col2imIsTheAdjointOfIm2col() {
        // <im2col(x), y> == <x, col2im(y)>; float64 sixteenths keep every product and sum exact.
        qt().withExamples(200).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            Config c = Config.random(rnd, 9);
            if (c.outH() < 1 || c.outW() < 1) {
                return;
            }
            Tensor x = random(rnd, DType.FLOAT64, new int[] {c.n, c.c, c.h, c.w});
            Tensor y = random(rnd, DType.FLOAT64, new int[] {c.n, c.c * c.kh * c.kw, c.outH() * c.outW()});
            assertThat(dot(c.im2col(x), y)).isEqualTo(dot(x, c.col2im(y)));
        });
    }

    @Test
    void unbatchedInputsDropTheBatchDimension() {
        Random rnd = new Random(3);
        Tensor x = random(rnd, DType.FLOAT32, new int[] {2, 5, 6});
        int[] k = {2, 3};
        int[] one = {1, 1};
        int[] zero = {0, 0};
        Tensor cols = x.im2col(k, one, zero, one);
        assertThat(cols.shape()).containsExactly(12, 16);
        assertThat(cols.toDoubleArray()).containsExactly(x.unsqueeze(0).im2col(k, one, zero, one).toDoubleArray());
        Tensor back = cols.col2im(new int[] {5, 6}, k, one, zero, one);
        assertThat(back.shape()).containsExactly(2, 5, 6);
    }

    @Test
    void badWindowArgumentsAreRejectedWithTheOpAndShapes() {
        Tensor x = Tensor.zeros(DType.FLOAT32, 1, 2, 4, 4);
        int[] one = {1, 1};
        int[] zero = {0, 0};
        assertThatThrownBy(() -> Tensor.zeros(DType.FLOAT32, 4, 4).im2col(one, one, zero, one))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("im2col").hasMessageContaining("[4, 4]");
        assertThatThrownBy(() -> x.im2col(new int[] {5, 1}, one, zero, one)).hasMessageContaining("im2col")
                .hasMessageContaining("[5, 1]").hasMessageContaining("4 x 4");
        assertThatThrownBy(() -> x.im2col(one, one, zero, new int[] {0, 1})).hasMessageContaining("im2col")
                .hasMessageContaining("stride");
        assertThatThrownBy(() -> x.im2col(one, one, new int[] {-1, 0}, one)).hasMessageContaining("padding");
        assertThatThrownBy(() -> x.im2col(new int[] {1}, one, zero, one)).hasMessageContaining("kernel");
        Tensor cols = Tensor.zeros(DType.FLOAT32, 1, 8, 10);
        assertThat(Tensor.zeros(DType.FLOAT32, 1, 8, 9).col2im(new int[] {4, 4}, new int[] {2, 2}, one, zero, one).shape())
                .containsExactly(1, 2, 4, 4);
        assertThatThrownBy(() -> cols.col2im(new int[] {4, 4}, new int[] {2, 2}, one, zero, one))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("col2im")
                .hasMessageContaining("[1, 8, 10]").hasMessageContaining("9 columns");
        assertThatThrownBy(() -> Tensor.zeros(DType.FLOAT32, 1, 7, 9).col2im(new int[] {4, 4}, new int[] {2, 2}, one, zero,
                new int[] {1, 1})).hasMessageContaining("col2im").hasMessageContaining("[1, 7, 9]");
        assertThatThrownBy(() -> x.pad(new int[] {1, 1, 1}, 0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("pad").hasMessageContaining("[1, 2, 4, 4]");
        assertThatThrownBy(() -> Tensor.zeros(DType.FLOAT32, 3).pad(new int[] {0, 0, 1, 1}, 0))
                .hasMessageContaining("pad").hasMessageContaining("[3]");
        assertThatThrownBy(() -> Tensor.zeros(DType.FLOAT32, 3).pad(new int[] {-2, -2}, 0))
                .hasMessageContaining("pad").hasMessageContaining("-1");
    }

    private static void checkIm2col(Config c, Tensor x, boolean unbatched) {
        Tensor in = unbatched && c.n == 1 ? x.squeeze(0) : x;
        Tensor out = c.im2col(in);
        int rows = c.c * c.kh * c.kw;
        int l = c.outH() * c.outW();
        int[] os = {c.n, rows, l};
        assertThat(out.shape()).containsExactly(in.rank() == 3 ? new int[] {rows, l} : os);
        assertThat(out.dtype()).isEqualTo(x.dtype());
        int w = width(x.dtype());
        double[] v = x.toDoubleArray();
        double[] got = out.toDoubleArray();
        int[] xs = {c.n, c.c, c.h, c.w};
        for (int[] ix : indices(os)) {
            int ci = ix[1] / (c.kh * c.kw);
            int ki = ix[1] / c.kw % c.kh;
            int kj = ix[1] % c.kw;
            int ih = ix[2] / c.outW() * c.sh - c.ph + ki * c.dh;
            int iw = ix[2] % c.outW() * c.sw - c.pw + kj * c.dw;
            boolean inside = ih >= 0 && ih < c.h && iw >= 0 && iw < c.w;
            for (int p = 0; p < w; p++) {
                double expected = inside ? v[flat(new int[] {ix[0], ci, ih, iw}, xs) * w + p] : 0;
                assertThat(got[flat(ix, os) * w + p]).isEqualTo(expected);
            }
        }
    }

    /** One random window geometry, with its window counts computed from the definition. */
    private record Config(int n, int c, int h, int w, int kh, int kw, int dh, int dw, int ph, int pw, int sh, int sw) {
        static Config random(Random rnd, int maxSide) {
            return new Config(rnd.nextInt(3), rnd.nextInt(4), 1 + rnd.nextInt(maxSide), 1 + rnd.nextInt(maxSide),
                    1 + rnd.nextInt(3), 1 + rnd.nextInt(3), 1 + rnd.nextInt(2), 1 + rnd.nextInt(2),
                    rnd.nextInt(3), rnd.nextInt(3), 1 + rnd.nextInt(3), 1 + rnd.nextInt(3));
        }

        Config withWidth(int width) {
            return new Config(n, c, h, width, kh, kw, dh, dw, ph, pw, sh, sw);
        }

        Config withStrideW(int stride) {
            return new Config(n, c, h, w, kh, kw, dh, dw, ph, pw, sh, stride);
        }

        int outH() {
            int room = h + 2 * ph - dh * (kh - 1) - 1;
            return room < 0 ? 0 : room / sh + 1;
        }

        int outW() {
            int room = w + 2 * pw - dw * (kw - 1) - 1;
            return room < 0 ? 0 : room / sw + 1;
        }

        Tensor im2col(Tensor x) {
            return x.im2col(new int[] {kh, kw}, new int[] {dh, dw}, new int[] {ph, pw}, new int[] {sh, sw});
        }

        Tensor col2im(Tensor cols) {
            return cols.col2im(new int[] {h, w}, new int[] {kh, kw}, new int[] {dh, dw}, new int[] {ph, pw}, new int[] {sh, sw});
        }
    }
}
