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
 * Pooling layers over random windows (kernels 1-3, strides 1-3, padding up to half the kernel, dilations
 * 1-2 for max pooling, odd sizes), from the seed that a failure prints: outputs against naive float64 loops
 * over each window (exact for max; 1e-12 for averages, which only differ in summation order), and
 * gradients against finite differences (random continuous inputs have no ties within a window).
 */
class PoolingProperties {

    @Test
    void maxAndAvgPool2dMatchNaiveWindows() {
        qt().withExamples(10).forAll(longs().all()).checkAssert(seed -> {
            Random r = new Random(seed);
            int[] k = {1 + r.nextInt(3), 1 + r.nextInt(3)};
            int[] s = {1 + r.nextInt(3), 1 + r.nextInt(3)};
            int[] p = {r.nextInt(k[0] / 2 + 1), r.nextInt(k[1] / 2 + 1)};
            int[] d = {1 + r.nextInt(2), 1 + r.nextInt(2)};
            int h = d[0] * (k[0] - 1) + 1 + r.nextInt(4);
            int w = d[1] * (k[1] - 1) + 1 + r.nextInt(4);
            Tensor x = Tensor.randn(Generator.seeded(seed), DType.FLOAT64, 2, 2, h, w);
            MaxPool2d max = MaxPool2d.of(k, s, p, d);
            assertThat(LayerChecks.maxAbsDiff(max.forward(x), naivePool(x, k, s, p, d, Mode.MAX))).isZero();
            LayerChecks.gradCheck(max, x).assertPassed();
            boolean include = r.nextBoolean();
            AvgPool2d avg = AvgPool2d.of(k, s, p, include);
            Tensor expect = naivePool(x, k, s, p, new int[] {1, 1}, include ? Mode.AVG_INCLUDE_PAD : Mode.AVG);
            assertThat(avg.forward(x).shape()).containsExactly(expect.shape());
            assertThat(LayerChecks.maxAbsDiff(avg.forward(x), expect)).isLessThan(1e-12);
            LayerChecks.gradCheck(avg, x).assertPassed();
        });
    }

    @Test
    void pool1dIsPool2dOfAHeightOneImage() {
        qt().withExamples(10).forAll(longs().all()).checkAssert(seed -> {
            Random r = new Random(seed);
            int k = 1 + r.nextInt(3);
            int s = 1 + r.nextInt(3);
            int p = r.nextInt(k / 2 + 1);
            int d = 1 + r.nextInt(2);
            int len = d * (k - 1) + 1 + r.nextInt(5);
            Tensor x = Tensor.randn(Generator.seeded(seed), DType.FLOAT64, 2, 3, len);
            Tensor x4 = x.unsqueeze(2);
            MaxPool1d max = MaxPool1d.of(k, s, p, d);
            assertThat(LayerChecks.maxAbsDiff(max.forward(x),
                    naivePool(x4, new int[] {1, k}, new int[] {1, s}, new int[] {0, p}, new int[] {1, d}, Mode.MAX).squeeze(2))).isZero();
            LayerChecks.gradCheck(max, x).assertPassed();
            AvgPool1d avg = AvgPool1d.of(k, s, p, false);
            assertThat(LayerChecks.maxAbsDiff(avg.forward(x),
                    naivePool(x4, new int[] {1, k}, new int[] {1, s}, new int[] {0, p}, new int[] {1, 1}, Mode.AVG).squeeze(2)))
                    .isLessThan(1e-12);
            LayerChecks.gradCheck(avg, x).assertPassed();
        });
    }

    @Test
    void adaptiveAvgPoolAveragesPyTorchsBins() {
        qt().withExamples(10).forAll(longs().all()).checkAssert(seed -> {
            Random r = new Random(seed);
            int h = 1 + r.nextInt(7);
            int w = 1 + r.nextInt(7);
            int oh = 1 + r.nextInt(h + 2);
            int ow = 1 + r.nextInt(w + 2);
            Tensor x = Tensor.randn(Generator.seeded(seed), DType.FLOAT64, 2, 2, h, w);
            AdaptiveAvgPool2d pool = AdaptiveAvgPool2d.of(oh, ow);
            double[] xv = x.toDoubleArray();
            double[] expect = new double[4 * oh * ow];
            for (int plane = 0; plane < 4; plane++) {
                for (int i = 0; i < oh; i++) {
                    for (int j = 0; j < ow; j++) {
                        int h0 = i * h / oh, h1 = ((i + 1) * h + oh - 1) / oh;
                        int w0 = j * w / ow, w1 = ((j + 1) * w + ow - 1) / ow;
                        double sum = 0;
                        for (int a = h0; a < h1; a++) {
                            for (int b = w0; b < w1; b++) {
                                sum += xv[(plane * h + a) * w + b];
                            }
                        }
                        expect[(plane * oh + i) * ow + j] = sum / ((h1 - h0) * (w1 - w0));
                    }
                }
            }
            assertThat(LayerChecks.maxAbsDiff(pool.forward(x), Tensor.of(expect, 2, 2, oh, ow))).isLessThan(1e-12);
            LayerChecks.gradCheck(pool, x).assertPassed();
        });
        Tensor x = Tensor.randn(Generator.seeded(1), DType.FLOAT64, 2, 3, 4, 5);
        assertThat(LayerChecks.maxAbsDiff(AdaptiveAvgPool2d.global().forward(x), x.mean(new int[] {2, 3}, true))).isLessThan(1e-15);
    }

    @Test
    void errorsNameTheLayerAndShapes() {
        assertThatThrownBy(() -> MaxPool2d.of(3, 1, 2)).hasMessageStartingWith("MaxPool2d: needs kernel, stride, dilation >= 1 and 0 <= padding <= kernel / 2");
        assertThatThrownBy(() -> MaxPool2d.of(2).forward(Tensor.zeros(DType.FLOAT32, 4, 4)))
                .hasMessageContaining("input must be [N, C, H, W] or [C, H, W], shape is [4, 4]");
        assertThatThrownBy(() -> AvgPool2d.of(3).forward(Tensor.zeros(DType.FLOAT32, 1, 1, 2, 5)))
                .hasMessageContaining("input [1, 1, 2, 5] is too small for the window");
    }

    enum Mode { MAX, AVG, AVG_INCLUDE_PAD }

    /** Each window's max (taps in the padding skipped) or mean (divided by all taps, or by those inside). */
    static Tensor naivePool(Tensor x, int[] k, int[] s, int[] p, int[] d, Mode mode) {
        int planes = x.size(0) * x.size(1), h = x.size(2), w = x.size(3);
        int oh = (h + 2 * p[0] - d[0] * (k[0] - 1) - 1) / s[0] + 1;
        int ow = (w + 2 * p[1] - d[1] * (k[1] - 1) - 1) / s[1] + 1;
        double[] xv = x.contiguous().toDoubleArray();
        double[] out = new double[planes * oh * ow];
        for (int pl = 0; pl < planes; pl++) {
            for (int i = 0; i < oh; i++) {
                for (int j = 0; j < ow; j++) {
                    double best = Double.NEGATIVE_INFINITY;
                    double sum = 0;
                    int inside = 0;
                    for (int a = 0; a < k[0]; a++) {
                        for (int b = 0; b < k[1]; b++) {
                            int yy = i * s[0] - p[0] + a * d[0];
                            int xx = j * s[1] - p[1] + b * d[1];
                            if (yy >= 0 && yy < h && xx >= 0 && xx < w) {
                                double v = xv[(pl * h + yy) * w + xx];
                                best = Math.max(best, v);
                                sum += v;
                                inside++;
                            }
                        }
                    }
                    out[(pl * oh + i) * ow + j] = switch (mode) {
                        case MAX -> best;
                        case AVG -> sum / inside;
                        case AVG_INCLUDE_PAD -> sum / (k[0] * k[1]);
                    };
                }
            }
        }
        return Tensor.of(out, x.size(0), x.size(1), oh, ow);
    }
}
