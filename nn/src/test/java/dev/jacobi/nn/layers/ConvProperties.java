package dev.jacobi.nn.layers;

import dev.jacobi.nn.LayerChecks;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * Conv1d, Conv2d and ConvTranspose2d over random geometries (groups 1-3, kernels 1-3 per dimension,
 * strides 1-3, dilations 1-2, paddings, odd sizes, output padding below the stride), each drawn from the
 * seed that a failure prints: outputs against naive float64 loops written here from the definitions, and
 * gradients of input, weight and bias against finite differences.
 *
 * <p>Output tolerance 1e-12 in float64: the layers differ from the loops only in summation order over at
 * most 2*3*3*3 = 54 products of order one (error about 54 * 1.1e-16). Gradients use GradCheck's defaults.
 */
class ConvProperties {

    /** A random geometry: the rng decides everything, so the seed replays it. */
    record Geometry(int n, int in, int out, int groups, int[] kernel, int[] stride, int[] padding, int[] dilation,
                    int[] outputPadding, int[] size) {
        static Geometry random(long seed, int dims, boolean transposed) {
            Random r = new Random(seed);
            int groups = 1 + r.nextInt(3);
            int[] k = new int[dims];
            int[] s = new int[dims];
            int[] p = new int[dims];
            int[] d = new int[dims];
            int[] op = new int[dims];
            int[] size = new int[dims];
            for (int i = 0; i < dims; i++) {
                k[i] = 1 + r.nextInt(3);
                s[i] = 1 + r.nextInt(3);
                d[i] = 1 + r.nextInt(2);
                int reach = d[i] * (k[i] - 1) + 1;
                if (transposed) {
                    p[i] = r.nextInt(2);
                    op[i] = r.nextInt(s[i]);
                    size[i] = 1 + r.nextInt(4);
                    while ((size[i] - 1) * s[i] - 2 * p[i] + reach + op[i] < 1) {
                        size[i]++; // the output must not be empty
                    }
                } else {
                    p[i] = r.nextInt(3);
                    size[i] = Math.max(1, reach - 2 * p[i] + r.nextInt(5));
                }
            }
            return new Geometry(1 + r.nextInt(2), groups * (1 + r.nextInt(2)), groups * (1 + r.nextInt(2)), groups, k, s, p, d, op, size);
        }

        <L> ConvBuilder<L> apply(ConvBuilder<L> b) {
            b.stride(stride).padding(padding).dilation(dilation).groups(groups).dtype(DType.FLOAT64);
            return b;
        }
    }

    @Test
    void conv2dMatchesNaiveLoopsAndFiniteDifferences() {
        qt().withExamples(8).forAll(longs().all()).checkAssert(seed -> {
            Geometry g = Geometry.random(seed, 2, false);
            Generator gen = Generator.seeded(seed);
            Conv2d conv = g.apply(Conv2d.builder(g.in(), g.out(), g.kernel()[0], g.kernel()[1])).bias(seed % 2 == 0).build(gen);
            Tensor x = Tensor.randn(gen, DType.FLOAT64, g.n(), g.in(), g.size()[0], g.size()[1]);
            Tensor y = conv.forward(x);
            Tensor expect = naiveConv2d(x, conv.weight(), conv.bias(), g.stride(), g.padding(), g.dilation(), g.groups());
            assertThat(y.shape()).containsExactly(expect.shape());
            assertThat(LayerChecks.maxAbsDiff(y, expect)).as(g.toString()).isLessThan(1e-12);
            LayerChecks.gradCheck(conv, x).assertPassed();
        });
    }

    @Test
    void conv1dMatchesNaiveLoopsAndFiniteDifferences() {
        qt().withExamples(8).forAll(longs().all()).checkAssert(seed -> {
            Geometry g = Geometry.random(seed, 1, false);
            Generator gen = Generator.seeded(seed);
            Conv1d conv = g.apply(Conv1d.builder(g.in(), g.out(), g.kernel()[0])).build(gen);
            Tensor x = Tensor.randn(gen, DType.FLOAT64, g.n(), g.in(), g.size()[0]);
            Tensor y = conv.forward(x);
            // A 1-D convolution is a 2-D one over a height-1 image with a height-1 kernel.
            Tensor expect = naiveConv2d(x.unsqueeze(2), conv.weight().unsqueeze(2), conv.bias(), new int[] {1, g.stride()[0]},
                    new int[] {0, g.padding()[0]}, new int[] {1, g.dilation()[0]}, g.groups()).squeeze(2);
            assertThat(y.shape()).containsExactly(expect.shape());
            assertThat(LayerChecks.maxAbsDiff(y, expect)).isLessThan(1e-12);
            LayerChecks.gradCheck(conv, x).assertPassed();
        });
    }

    @Test
    void convTranspose2dMatchesNaiveLoopsAndFiniteDifferences() {
        qt().withExamples(8).forAll(longs().all()).checkAssert(seed -> {
            Geometry g = Geometry.random(seed, 2, true);
            Generator gen = Generator.seeded(seed);
            ConvTranspose2d conv = g.apply(ConvTranspose2d.builder(g.in(), g.out(), g.kernel()[0], g.kernel()[1]))
                    .outputPadding(g.outputPadding()).bias(seed % 2 == 0).build(gen);
            Tensor x = Tensor.randn(gen, DType.FLOAT64, g.n(), g.in(), g.size()[0], g.size()[1]);
            Tensor y = conv.forward(x);
            Tensor expect = naiveConvTranspose2d(x, conv.weight(), conv.bias(), g.stride(), g.padding(), g.dilation(),
                    g.outputPadding(), g.groups());
            assertThat(y.shape()).containsExactly(expect.shape());
            assertThat(LayerChecks.maxAbsDiff(y, expect)).isLessThan(1e-12);
            LayerChecks.gradCheck(conv, x).assertPassed();
        });
    }

    @Test
    void unbatchedInputGivesUnbatchedOutput() {
        Conv2d conv = Conv2d.builder(2, 3, 3).padding(1).build(Generator.seeded(1));
        Tensor x = Tensor.randn(Generator.seeded(2), DType.FLOAT32, 2, 4, 5);
        assertThat(conv.forward(x).shape()).containsExactly(3, 4, 5);
        assertThat(LayerChecks.maxAbsDiff(conv.forward(x), conv.forward(x.unsqueeze(0)).squeeze(0))).isZero();
    }

    @Test
    void defaultInitBoundUsesPyTorchsFanIn() {
        // Conv2d: fan_in = in/groups * kh * kw; ConvTranspose2d (weight [in, out/groups, kh, kw]): out/groups * kh * kw.
        Conv2d conv = Conv2d.builder(8, 6, 3).groups(2).build(Generator.seeded(3));
        double bound = 1 / Math.sqrt(4 * 9);
        assertThat(java.util.Arrays.stream(conv.weight().toDoubleArray()).map(Math::abs).max().orElseThrow())
                .isLessThanOrEqualTo(bound * (1 + 1e-6)).isGreaterThan(bound * 0.8);
        ConvTranspose2d t = ConvTranspose2d.builder(8, 6, 3).groups(2).build(Generator.seeded(3));
        assertThat(t.weight().shape()).containsExactly(8, 3, 3, 3);
        double tb = 1 / Math.sqrt(3 * 9);
        assertThat(java.util.Arrays.stream(t.weight().toDoubleArray()).map(Math::abs).max().orElseThrow())
                .isLessThanOrEqualTo(tb * (1 + 1e-6)).isGreaterThan(tb * 0.8);
    }

    @Test
    void errorsNameTheLayerAndShapes() {
        Conv2d conv = Conv2d.builder(4, 6, 3).groups(2).build(Generator.seeded(1));
        assertThatThrownBy(() -> conv.forward(Tensor.zeros(DType.FLOAT32, 1, 3, 5, 5)))
                .hasMessage("Conv2d(4, 6, kernel=[3, 3], groups=2): input must be [N, 4, H, W] or [4, H, W], shape is [1, 3, 5, 5]");
        assertThatThrownBy(() -> conv.forward(Tensor.zeros(DType.FLOAT32, 1, 4, 2, 5)))
                .hasMessageStartingWith("Conv2d(4, 6, kernel=[3, 3], groups=2): input [1, 4, 2, 5] is too small");
        assertThatThrownBy(() -> Conv2d.builder(4, 6, 3).groups(4).build(Generator.seeded(1)))
                .hasMessageContaining("must be positive multiples of groups=4");
        assertThatThrownBy(() -> ConvTranspose2d.builder(4, 6, 3).stride(2).outputPadding(2).build(Generator.seeded(1)))
                .hasMessageContaining("output padding [2, 2] must be below the stride [2, 2]");
        assertThatThrownBy(() -> Conv1d.builder(4, 6, 3).stride(1, 2)).hasMessageContaining("stride needs 1 or 1 values");
    }

    /** out[n][o][i][j] = b[o] + sum over the group's channels c and taps (a, e) of x[n][c][i s - p + a d][j s - p + e d] w[o][c'][a][e]. */
    static Tensor naiveConv2d(Tensor x, Tensor w, Tensor b, int[] s, int[] p, int[] d, int groups) {
        int n = x.size(0), c = x.size(1), h = x.size(2), wd = x.size(3);
        int o = w.size(0), cg = w.size(1), kh = w.size(2), kw = w.size(3);
        int oh = (h + 2 * p[0] - d[0] * (kh - 1) - 1) / s[0] + 1;
        int ow = (wd + 2 * p[1] - d[1] * (kw - 1) - 1) / s[1] + 1;
        double[] xv = x.contiguous().toDoubleArray();
        double[] wv = w.contiguous().toDoubleArray();
        double[] bv = b == null ? new double[o] : b.toDoubleArray();
        double[] out = new double[n * o * oh * ow];
        int og = o / groups;
        for (int ni = 0; ni < n; ni++) {
            for (int oi = 0; oi < o; oi++) {
                int g = oi / og;
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        double sum = bv[oi];
                        for (int ci = 0; ci < cg; ci++) {
                            int channel = g * cg + ci;
                            for (int a = 0; a < kh; a++) {
                                for (int e = 0; e < kw; e++) {
                                    int yy = i * s[0] - p[0] + a * d[0];
                                    int xx = j * s[1] - p[1] + e * d[1];
                                    if (yy >= 0 && yy < h && xx >= 0 && xx < wd) {
                                        sum += xv[((ni * c + channel) * h + yy) * wd + xx] * wv[((oi * cg + ci) * kh + a) * kw + e];
                                    }
                                }
                            }
                        }
                        out[((ni * o + oi) * oh + i) * ow + j] = sum;
                    }
                }
            }
        }
        return Tensor.of(out, n, o, oh, ow);
    }

    /** Scatters x[n][ci][i][j] w[ci][co'][a][e] to out[n][co][i s - p + a d][j s - p + e d], for ci and co in one group. */
    static Tensor naiveConvTranspose2d(Tensor x, Tensor w, Tensor b, int[] s, int[] p, int[] d, int[] op, int groups) {
        int n = x.size(0), cin = x.size(1), h = x.size(2), wd = x.size(3);
        int cog = w.size(1), kh = w.size(2), kw = w.size(3);
        int cout = cog * groups;
        int cig = cin / groups;
        int oh = (h - 1) * s[0] - 2 * p[0] + d[0] * (kh - 1) + op[0] + 1;
        int ow = (wd - 1) * s[1] - 2 * p[1] + d[1] * (kw - 1) + op[1] + 1;
        double[] xv = x.contiguous().toDoubleArray();
        double[] wv = w.contiguous().toDoubleArray();
        double[] bv = b == null ? new double[cout] : b.toDoubleArray();
        double[] out = new double[n * cout * oh * ow];
        for (int ni = 0; ni < n; ni++) {
            for (int co = 0; co < cout; co++) {
                for (int i = 0; i < oh * ow; i++) {
                    out[(ni * cout + co) * oh * ow + i] = bv[co];
                }
            }
            for (int ci = 0; ci < cin; ci++) {
                int g = ci / cig;
                for (int cj = 0; cj < cog; cj++) {
                    int co = g * cog + cj;
                    for (int i = 0; i < h; i++) {
                        for (int j = 0; j < wd; j++) {
                            for (int a = 0; a < kh; a++) {
                                for (int e = 0; e < kw; e++) {
                                    int yy = i * s[0] - p[0] + a * d[0];
                                    int xx = j * s[1] - p[1] + e * d[1];
                                    if (yy >= 0 && yy < oh && xx >= 0 && xx < ow) {
                                        out[((ni * cout + co) * oh + yy) * ow + xx] += xv[((ni * cin + ci) * h + i) * wd + j]
                                                * wv[((ci * cog + cj) * kh + a) * kw + e];
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        return Tensor.of(out, n, cout, oh, ow);
    }
}
