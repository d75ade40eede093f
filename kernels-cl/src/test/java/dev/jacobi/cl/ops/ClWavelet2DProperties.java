package dev.jacobi.cl.ops;

import dev.jacobi.cl.ClContext;
import dev.jacobi.cl.ClTensor;
import dev.jacobi.cl.ClTestSupport;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The device's one-level 2-D periodization wavelet transform against a naive float64 reference written
 * here from PyWavelets' periodization formulas, on even sizes from 2 (filters longer than the image wrap
 * several times) to 34, with bior4.4, haar and random filters; and bior4.4 round trips. Skipped (with
 * the reason) without OpenCL.
 *
 * <p>Tolerance 1e-5 absolute on unit-variance data: float32 sums of at most 100 products (~6e-8 each).
 */
class ClWavelet2DProperties {
    // PyWavelets' bior4.4 filter bank (pywt.Wavelet('bior4.4').filter_bank).
    private static final double[] DEC_LO = {0.0, 0.03782845550726404, -0.023849465019556843, -0.11062440441843718,
        0.37740285561283066, 0.8526986790088938, 0.37740285561283066, -0.11062440441843718, -0.023849465019556843,
        0.03782845550726404};
    private static final double[] DEC_HI = {-0.0, -0.06453888262869706, 0.04068941760916406, 0.41809227322161724,
        -0.7884856164055829, 0.41809227322161724, 0.04068941760916406, -0.06453888262869706, -0.0, 0.0};
    private static final double[] REC_LO = {0.0, -0.06453888262869706, -0.04068941760916406, 0.41809227322161724,
        0.7884856164055829, 0.41809227322161724, -0.04068941760916406, -0.06453888262869706, 0.0, 0.0};
    private static final double[] REC_HI = {0.0, -0.03782845550726404, -0.023849465019556843, 0.11062440441843718,
        0.37740285561283066, -0.8526986790088938, 0.37740285561283066, 0.11062440441843718, -0.023849465019556843,
        -0.03782845550726404};
    private static final double[] HAAR_LO = {Math.sqrt(0.5), Math.sqrt(0.5)};
    private static final double[] HAAR_HI = {-Math.sqrt(0.5), Math.sqrt(0.5)};
    private static final double[] HAAR_REC_HI = {Math.sqrt(0.5), -Math.sqrt(0.5)};
    private static final double TOL = 1e-5;

    /** Reference analysis of one plane: a[k] = sum_j f[j] x[(2k + L/2 - j) mod N] along each axis. */
    private static double[][][] analyze(double[][] x, double[] lo, double[] hi) {
        int h = x.length;
        int w = x[0].length;
        int len = lo.length;
        double[][][] out = new double[4][h / 2][w / 2];
        double[][] fv = {lo, hi};
        for (int bh = 0; bh < 2; bh++) {
            for (int bw = 0; bw < 2; bw++) {
                for (int k = 0; k < h / 2; k++) {
                    for (int n = 0; n < w / 2; n++) {
                        double s = 0;
                        for (int i = 0; i < len; i++) {
                            for (int j = 0; j < len; j++) {
                                s += fv[bh][i] * fv[bw][j] * x[Math.floorMod(2 * k + len / 2 - i, h)][Math.floorMod(2 * n + len / 2 - j, w)];
                            }
                        }
                        out[2 * bw + bh][k][n] = s;
                    }
                }
            }
        }
        return out;
    }

    /** Reference synthesis: x[(2k + j - (L/2 - 1)) mod N] += g[j] a[k] along each axis, over the four bands. */
    private static double[][] synthesize(double[][][] bands, double[] lo, double[] hi) {
        int h = bands[0].length;
        int w = bands[0][0].length;
        int len = lo.length;
        double[][] out = new double[2 * h][2 * w];
        double[][] gv = {lo, hi};
        for (int f = 0; f < 4; f++) {
            double[] fh = gv[f & 1];   // along the height: bands 1 (H) and 3 (D) are high-pass
            double[] fw = gv[f >> 1];  // along the width: bands 2 (V) and 3 (D)
            for (int k = 0; k < h; k++) {
                for (int n = 0; n < w; n++) {
                    for (int i = 0; i < len; i++) {
                        for (int j = 0; j < len; j++) {
                            out[Math.floorMod(2 * k + i - (len / 2 - 1), 2 * h)][Math.floorMod(2 * n + j - (len / 2 - 1), 2 * w)]
                                    += fh[i] * fw[j] * bands[f][k][n];
                        }
                    }
                }
            }
        }
        return out;
    }

    @Test
    void analysisAndSynthesisMatchTheNaiveReference() {
        ClContext ctx = ClTestSupport.context();
        Random rnd = new Random(2026);
        int[][] sizes = {{2, 2}, {4, 6}, {8, 8}, {10, 34}};
        for (int trial = 0; trial < 3; trial++) {
            double[][] filters = switch (trial) {
                case 0 -> new double[][] {DEC_LO, DEC_HI, REC_LO, REC_HI};
                case 1 -> new double[][] {HAAR_LO, HAAR_HI, HAAR_LO, HAAR_REC_HI};
                default -> {
                    double[][] f = new double[4][6];
                    for (double[] row : f) {
                        for (int i = 0; i < row.length; i++) {
                            row[i] = rnd.nextGaussian() / Math.sqrt(row.length); // unit norm, like the wavelet filters
                        }
                    }
                    yield f;
                }
            };
            for (int[] s : sizes) {
                long seed = rnd.nextLong();
                Tensor x = Tensor.randn(Generator.seeded(seed), DType.FLOAT32, 2, s[0], s[1]);
                try (ClTensor dx = ClTensor.from(ctx, x);
                     ClTensor dy = ClWavelet2D.analysis(dx, filters[0], filters[1]);
                     ClTensor dz = ClWavelet2D.synthesis(dy, filters[2], filters[3])) {
                    assertThat(dy.shape()).containsExactly(2, 4, s[0] / 2, s[1] / 2);
                    Tensor y = dy.toCpu();
                    Tensor z = dz.toCpu();
                    for (int p = 0; p < 2; p++) {
                        double[][] plane = plane(x, p);
                        double[][][] ref = analyze(plane, filters[0], filters[1]);
                        double[][][] got = new double[4][][];
                        for (int f = 0; f < 4; f++) {
                            got[f] = plane(y.select(0, p), f);
                            assertClose(got[f], ref[f], "analysis trial " + trial + " seed " + seed + " band " + f);
                        }
                        assertClose(plane(z, p), synthesize(got, filters[2], filters[3]), "synthesis trial " + trial + " seed " + seed);
                        if (trial != 2) {
                            assertClose(plane(z, p), plane, "round trip trial " + trial + " seed " + seed);
                        }
                    }
                }
            }
        }
    }

    @Test
    void oddSizesAndBadFiltersAreRejected() {
        ClContext ctx = ClTestSupport.context();
        try (ClTensor x = ClTensor.from(ctx, Tensor.zeros(DType.FLOAT32, 3, 6))) {
            assertThatThrownBy(() -> ClWavelet2D.analysis(x, DEC_LO, DEC_HI)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("ClWavelet2D.analysis").hasMessageContaining("[3, 6]");
        }
        try (ClTensor x = ClTensor.from(ctx, Tensor.zeros(DType.FLOAT32, 4, 6))) {
            assertThatThrownBy(() -> ClWavelet2D.analysis(x, DEC_LO, HAAR_HI)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("10 and 2");
        }
    }

    private static double[][] plane(Tensor t, int p) {
        Tensor s = t.select(0, p);
        int h = s.size(0);
        int w = s.size(1);
        double[] v = s.contiguous().toDoubleArray();
        double[][] out = new double[h][w];
        for (int i = 0; i < h; i++) {
            System.arraycopy(v, i * w, out[i], 0, w);
        }
        return out;
    }

    private static void assertClose(double[][] actual, double[][] expected, String what) {
        for (int i = 0; i < expected.length; i++) {
            for (int j = 0; j < expected[i].length; j++) {
                if (!(Math.abs(actual[i][j] - expected[i][j]) <= TOL * Math.max(1, Math.abs(expected[i][j])))) {
                    throw new AssertionError(what + ": [" + i + ", " + j + "] is " + actual[i][j] + ", expected " + expected[i][j]);
                }
            }
        }
    }
}
