package dev.jacobi.algorithms.wavelet;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The float32 packet kernels (vector and scalar forms) against the float64 reference path (the
 * composition of {@link LineTransforms} steps), on sizes that are not multiples of the vector width and
 * down to 2 samples per axis (filters longer than the signal wrap several times).
 *
 * <p>Tolerance 2e-5 absolute on unit-variance data: float32 sums of up to 3 levels x 2 axes x ~60 taps
 * products, each rounding at ~6e-8 relative, with magnitudes up to ~5.
 */
class PacketKernelsTest {
    private static final double TOL = 2e-5;

    private static double maxAbsDiff(float[] a, Tensor b) {
        double[] bd = b.toDoubleArray();
        assertThat(a.length).isEqualTo(bd.length);
        double m = 0;
        for (int i = 0; i < a.length; i++) {
            m = Math.max(m, Math.abs(a[i] - bd[i]));
        }
        return m;
    }

    @Test
    void analysisAndSynthesisMatchTheFloat64ReferenceInBothForms() {
        int[][] sizes = {{2, 2, 1}, {4, 8, 2}, {24, 40, 3}, {16, 34, 1}, {8, 136, 3}};
        for (String name : List.of("haar", "db2", "bior4.4", "db7", "sym5", "coif3", "dmey")) {
            Wavelet w = Wavelet.named(name);
            for (int[] s : sizes) {
                int h = s[0], wd = s[1], levels = s[2];
                long seed = name.hashCode() * 31L + h * 1000L + wd;
                Tensor x = Tensor.randn(Generator.seeded(seed), DType.FLOAT64, 2, h, wd);
                Tensor ref = WaveletPacket2D.forward(x, w, Mode.PERIODIZATION, levels, PacketOrder.NATURAL);
                float[] xf = x.to(DType.FLOAT32).toFloatArray();
                for (boolean vector : new boolean[] {false, true}) {
                    float[] y = PacketKernels.analyze(xf, 2, h, wd, w.decLo(), w.decHi(), levels, vector);
                    assertThat(maxAbsDiff(y, ref)).as("%s analysis vector=%s seed %d", name, vector, seed)
                            .isLessThan(TOL);
                    float[] back = PacketKernels.synthesize(ref.to(DType.FLOAT32).toFloatArray(), 2, h, wd, w.recLo(), w.recHi(),
                            levels, vector);
                    Tensor refBack = WaveletPacket2D.inverse(ref, w, Mode.PERIODIZATION, levels, PacketOrder.NATURAL, h, wd);
                    assertThat(maxAbsDiff(back, refBack)).as("%s synthesis vector=%s seed %d", name, vector, seed).isLessThan(TOL);
                }
            }
        }
    }

    /** The float32 fast path's gradient is its transpose: <A x, g> = <x, A^T g> to float32 rounding (1e-4 relative). */
    @Test
    void float32FastPathGradientIsTheTranspose() {
        Wavelet w = Wavelet.named("bior4.4");
        Tensor x = Tensor.randn(Generator.seeded(21), DType.FLOAT32, 3, 16, 24).requiresGrad(true);
        Tensor y = WaveletPacket2D.toChannels(x, w, 3);
        Tensor g = Tensor.randn(Generator.seeded(22), DType.FLOAT32, y.shape());
        Tensor grad = Autograd.grad(y, List.of(x), g, false).get(0);
        double lhs = y.detach().to(DType.FLOAT64).mul(g.to(DType.FLOAT64)).sum().item();
        double rhs = x.detach().to(DType.FLOAT64).mul(grad.to(DType.FLOAT64)).sum().item();
        assertThat(Math.abs(lhs - rhs)).isLessThan(1e-4 * Math.abs(lhs) + 1e-4);
        Tensor z = Tensor.randn(Generator.seeded(23), DType.FLOAT32, 192, 2, 3).requiresGrad(true);
        Tensor back = WaveletPacket2D.fromChannels(z, w, 3);
        Tensor gb = Tensor.randn(Generator.seeded(24), DType.FLOAT32, back.shape());
        Tensor gz = Autograd.grad(back, List.of(z), gb, false).get(0);
        double l2 = back.detach().to(DType.FLOAT64).mul(gb.to(DType.FLOAT64)).sum().item();
        double r2 = z.detach().to(DType.FLOAT64).mul(gz.to(DType.FLOAT64)).sum().item();
        assertThat(Math.abs(l2 - r2)).isLessThan(1e-4 * Math.abs(l2) + 1e-4);
    }
}
