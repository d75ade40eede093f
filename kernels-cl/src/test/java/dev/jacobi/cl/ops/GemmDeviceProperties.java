package dev.jacobi.cl.ops;

import dev.jacobi.cl.ClContext;
import dev.jacobi.cl.ClTensor;
import dev.jacobi.cl.ClTestSupport;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * Device GEMM against a naive float64 product written here, and against the CPU {@code matmul} for
 * NumPy's 1-D and broadcasting rules. Sizes are random and mostly not multiples of any tile (1 included),
 * operands are transposed or padded views, and three tile configurations run: one with vector loads of 4,
 * one of 2 and one scalar, so the edge paths and the interior vector paths of the kernel both run.
 *
 * <p>Tolerance: a float32 dot product of K terms is within K * 2^-24 * sum|a_ik b_kj| of the exact value
 * (the classical bound for recursive summation, which also covers the kernel's fused multiply-adds),
 * plus the final rounding; the reference is float64, so that bound applies as is.
 */
class GemmDeviceProperties {
    private static final List<GemmTileConfig> CONFIGS = List.of(new GemmTileConfig(8, 8, 4, 4, 16, 4),
            new GemmTileConfig(4, 8, 2, 4, 8, 2), new GemmTileConfig(4, 4, 3, 2, 4, 1));

    @Test
    void batchedTransposedProductsMatchAFloat64Reference() {
        ClContext ctx = ClTestSupport.context();
        qt().withExamples(40).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            GemmTileConfig tiles = CONFIGS.get(rnd.nextInt(CONFIGS.size()));
            int m = size(rnd);
            int n = size(rnd);
            int k = size(rnd);
            int batch = 1 + rnd.nextInt(3);
            boolean ta = rnd.nextBoolean();
            boolean tb = rnd.nextBoolean();
            // operands stored transposed when asked, so that the kernel reads them through their strides
            var a = ClTestSupport.random(ctx, rnd, ta ? new int[] {batch, k, m} : new int[] {batch, m, k}, rnd.nextInt(2));
            var b = ClTestSupport.random(ctx, rnd, tb ? new int[] {batch, n, k} : new int[] {batch, k, n}, rnd.nextInt(2));
            Tensor ca = ta ? a.cpu().mT() : a.cpu();
            Tensor cb = tb ? b.cpu().mT() : b.cpu();
            try (ClTensor c = ClGemm.matmul(ta ? a.device().mT() : a.device(), tb ? b.device().mT() : b.device(), tiles)) {
                checkAgainstReference(c.toCpu(), ca, cb, "m=" + m + " n=" + n + " k=" + k + " batch=" + batch
                        + " ta=" + ta + " tb=" + tb + " " + tiles.describe() + " seed " + seed);
            }
            a.device().close();
            b.device().close();
        });
    }

    @Test
    void interiorTilesOfALargerProductTakeTheVectorLoads() {
        ClContext ctx = ClTestSupport.context();
        Random rnd = new Random(17);
        var a = ClTestSupport.random(ctx, rnd, new int[] {97, 131}, 0);
        var b = ClTestSupport.random(ctx, rnd, new int[] {131, 75}, 0);
        for (GemmTileConfig t : CONFIGS) {
            try (ClTensor c = ClGemm.matmul(a.device(), b.device(), t)) {
                checkAgainstReference(c.toCpu().reshape(1, 97, 75), a.cpu().reshape(1, 97, 131), b.cpu().reshape(1, 131, 75), t.describe());
            }
            try (ClTensor c = ClGemm.matmul(b.device().mT(), a.device().mT(), t)) {
                checkAgainstReference(c.toCpu().reshape(1, 75, 97), b.cpu().mT().reshape(1, 75, 131),
                        a.cpu().mT().reshape(1, 131, 97), "transposed " + t.describe());
            }
        }
        a.device().close();
        b.device().close();
    }

    @Test
    void vectorsAndBroadcastBatchesFollowNumpyMatmul() {
        ClContext ctx = ClTestSupport.context();
        Random rnd = new Random(23);
        int[][][] cases = {{{5}, {5}}, {{5}, {5, 3}}, {{4, 5}, {5}}, {{2, 1, 4, 5}, {3, 5, 6}}, {{1, 1}, {1, 1}},
                {{3, 4, 5}, {5, 2}}};
        for (int[][] c : cases) {
            var a = ClTestSupport.random(ctx, rnd, c[0], 0);
            var b = ClTestSupport.random(ctx, rnd, c[1], 0);
            try (ClTensor out = ClGemm.matmul(a.device(), b.device())) {
                Tensor expected = a.cpu().matmul(b.cpu());
                // both sides round float32 products; the CPU path may block K differently: 1e-5 covers K <= 6
                ClTestSupport.assertClose(out.toCpu(), expected, 1e-5, 1e-5,
                        Shapes.format(c[0]) + " @ " + Shapes.format(c[1]));
            }
            a.device().close();
            b.device().close();
        }
    }

    @Test
    void innerDimensionMismatchNamesBothShapes() {
        ClContext ctx = ClTestSupport.context();
        try (ClTensor a = ClTensor.from(ctx, Tensor.zeros(DType.FLOAT32, 3, 4));
             ClTensor b = ClTensor.from(ctx, Tensor.zeros(DType.FLOAT32, 5, 2))) {
            assertThatThrownBy(() -> ClGemm.matmul(a, b)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("matmul: inner dimensions differ: [3, 4] x [5, 2]");
        }
    }

    @Test
    void tileConfigurationsThatDoNotSplitEvenlyAreRejected() {
        assertThatThrownBy(() -> new GemmTileConfig(32, 8, 4, 8, 16, 4)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("do not split");
        GemmTileConfig c = new GemmTileConfig(16, 16, 8, 8, 16, 4);
        org.assertj.core.api.Assertions.assertThat(GemmTileConfig.parse(c.describe())).isEqualTo(c);
    }

    /** Sizes around the tile edges: 1, small odd numbers, and a few past 2 * 32. */
    private static int size(Random rnd) {
        return switch (rnd.nextInt(4)) {
            case 0 -> 1;
            case 1 -> 1 + rnd.nextInt(8);
            case 2 -> 9 + rnd.nextInt(30);
            default -> 60 + rnd.nextInt(15);
        };
    }

    private static void checkAgainstReference(Tensor c, Tensor a, Tensor b, String what) {
        int batch = a.size(0);
        int m = a.size(1);
        int k = a.size(2);
        int n = b.size(2);
        org.assertj.core.api.Assertions.assertThat(c.shape()).as(what).isEqualTo(new int[] {batch, m, n});
        for (int p = 0; p < batch; p++) {
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double exact = 0;
                    double magnitude = 0;
                    for (int q = 0; q < k; q++) {
                        double t = a.getDouble(p, i, q) * b.getDouble(p, q, j);
                        exact += t;
                        magnitude += Math.abs(t);
                    }
                    double tol = (k + 1) * 0x1p-24 * magnitude + 1e-30;
                    double got = c.getDouble(p, i, j);
                    if (Math.abs(got - exact) > tol) {
                        throw new AssertionError(what + ": C[" + p + ", " + i + ", " + j + "] = " + got + ", expected "
                                + exact + " within " + tol + " (" + Arrays.toString(c.shape()) + ")");
                    }
                }
            }
        }
    }
}
