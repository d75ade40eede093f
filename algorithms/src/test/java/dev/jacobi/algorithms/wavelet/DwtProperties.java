package dev.jacobi.algorithms.wavelet;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.GradCheck;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * Perfect reconstruction for every wavelet and mode, the filter identities and vanishing moments of the
 * spec's section 5, the transposed gradients of the general modes, and argument errors.
 */
class DwtProperties {
    private static double maxAbsDiff(Tensor a, Tensor b) {
        return a.sub(b).abs().max().item();
    }

    /**
     * idwt(dwt(x)) = x (trimmed to N) for every built-in wavelet and every mode, random N from 1 to
     * 2L + 3 (shorter than the filter, odd and even), in float64. Tolerance 1e-10: the filters are
     * exact only to ~1e-12 (spec section 5), times O(L) terms; float64 rounding is ~1e-15. dmey is left
     * out: a 62-tap FIR approximation of the Meyer wavelet, it is not a perfect-reconstruction filter
     * bank (PyWavelets itself reconstructs long signals to ~7e-3 and short ones in the extension modes
     * much worse, 5e-2 seen at N = 3), so no tolerance would be a statement; its transforms are checked
     * against PyWavelets' instead ({@code PyWaveletsReferenceTest}).
     */
    @Test
    void everyWaveletAndModeReconstructsPerfectly() {
        qt().withExamples(400).forAll(longs().all(), integers().between(0, Wavelet.names().size() - 1),
                integers().between(0, Mode.values().length - 1)).checkAssert((seed, wi, mi) -> {
                    Wavelet w = Wavelet.named(Wavelet.names().get(wi));
                    if (w.name().equals("dmey")) {
                        return;
                    }
                    Mode mode = Mode.values()[mi];
                    Generator gen = Generator.seeded(seed);
                    int n = 1 + (int) Math.floorMod(seed, 2L * w.length() + 3);
                    Tensor x = Tensor.randn(gen, DType.FLOAT64, 2, n);
                    Dwt.Pair p = Dwt.forward(x, w, mode, -1);
                    Tensor back = Dwt.inverse(p.approximation(), p.detail(), w, mode, -1).slice(1, 0, n);
                    assertThat(maxAbsDiff(back, x)).as("%s %s n=%d seed %d", w.name(), mode, n, seed).isLessThan(1e-10);
                });
    }

    /** Multilevel and packet trees (1-D and 2-D) reconstruct, with PyWavelets' trimming, for random modes and sizes. */
    @Test
    void multilevelAndPacketTreesReconstruct() {
        List<String> names = List.of("haar", "db3", "sym4", "coif2", "bior3.5", "rbio2.6");
        qt().withExamples(40).forAll(longs().all(), integers().between(0, names.size() - 1),
                integers().between(0, Mode.values().length - 1)).checkAssert((seed, wi, mi) -> {
                    Wavelet w = Wavelet.named(names.get(wi));
                    Mode mode = Mode.values()[mi];
                    Generator gen = Generator.seeded(seed);
                    int n = 5 + (int) Math.floorMod(seed, 40);
                    Tensor x = Tensor.randn(gen, DType.FLOAT64, 3, n);
                    List<Tensor> c = Dwt.decompose(x, w, mode, 3, 1);
                    assertThat(maxAbsDiff(Dwt.reconstruct(c, w, mode, 1).slice(1, 0, n), x)).as("wavedec seed %d", seed)
                            .isLessThan(1e-10);
                    for (PacketOrder order : PacketOrder.values()) {
                        Tensor nodes = WaveletPacket.forward(x, w, mode, 2, order);
                        assertThat(maxAbsDiff(WaveletPacket.inverse(nodes, w, mode, 2, order, n), x)).as("wp seed %d", seed)
                                .isLessThan(1e-10);
                        int h = 3 + (int) Math.floorMod(seed >> 8, 13);
                        Tensor img = Tensor.randn(gen, DType.FLOAT64, 2, h, n);
                        Tensor nodes2 = WaveletPacket2D.forward(img, w, mode, 2, order);
                        assertThat(maxAbsDiff(WaveletPacket2D.inverse(nodes2, w, mode, 2, order, h, n), img))
                                .as("wp2 seed %d", seed).isLessThan(1e-10);
                    }
                });
    }

    /**
     * n-D along chosen axes inverts, and dwtn over one axis equals the 1-D transform along it (exact:
     * the same arithmetic).
     */
    @Test
    void nDimensionalTransformInvertsAlongChosenAxes() {
        Wavelet w = Wavelet.named("db2");
        Tensor x = Tensor.randn(Generator.seeded(9), DType.FLOAT64, 4, 5, 6);
        for (Mode mode : Mode.values()) {
            Map<String, Tensor> bands = Dwt.forwardN(x, w, mode, 2, 0);
            assertThat(bands.keySet()).containsExactly("aa", "ad", "da", "dd");
            Tensor back = Dwt.inverseN(bands, w, mode, 2, 0).slice(0, 0, 4).slice(2, 0, 6);
            assertThat(maxAbsDiff(back, x)).as(mode.pywtName()).isLessThan(1e-10);
            Map<String, Tensor> one = Dwt.forwardN(x, w, mode, 1);
            assertThat(maxAbsDiff(one.get("d"), Dwt.forward(x, w, mode, 1).detail())).isEqualTo(0.0);
        }
    }

    /**
     * Spec section 5: sum h0 = sum g0 = sqrt 2 and sum h1 = 0 (to the ~1e-12 rounding of PyWavelets'
     * taps; dmey, an FIR approximation, only to ~1e-3), and symmetric low-pass filters for bior4.4.
     */
    @Test
    void filterIdentitiesHold() {
        for (String name : Wavelet.names()) {
            Wavelet w = Wavelet.named(name);
            assertThat(sum(w.decLo())).as(name).isCloseTo(Math.sqrt(2), org.assertj.core.data.Offset.offset(1e-10));
            assertThat(sum(w.recLo())).as(name).isCloseTo(Math.sqrt(2), org.assertj.core.data.Offset.offset(1e-10));
            assertThat(Math.abs(sum(w.decHi()))).as(name).isLessThan(name.equals("dmey") ? 2e-3 : 1e-10);
            assertThat(w.length() % 2).isZero();
        }
        Wavelet b = Wavelet.named("bior4.4");
        double[] h0 = b.decLo();
        // bior4.4 is stored with one leading zero: the 9 taps h0[1..9] are symmetric.
        for (int i = 1; i < h0.length; i++) {
            assertThat(h0[i]).isCloseTo(h0[h0.length - i], org.assertj.core.data.Offset.offset(1e-15));
        }
        assertThat(Wavelet.named("db4").isOrthogonal()).isTrue();
        assertThat(b.isOrthogonal()).isFalse();
    }

    /**
     * bior4.4 has 4 vanishing moments: the detail of a cubic ramp vanishes away from the wrap (1e-7
     * relative to the ramp's ~1e6 size, i.e. rounding), a quartic ramp gives a constant nonzero detail.
     */
    @Test
    void bior44HasFourVanishingMoments() {
        Wavelet w = Wavelet.named("bior4.4");
        int n = 64;
        double[] cubic = new double[n];
        double[] quartic = new double[n];
        for (int i = 0; i < n; i++) {
            double t = i - n / 2.0;
            cubic[i] = 0.5 * t * t * t - 2 * t * t + t - 3;
            quartic[i] = t * t * t * t;
        }
        double[] d3 = Dwt.forward(Tensor.of(cubic, n), w, "periodization").detail().toDoubleArray();
        double[] d4 = Dwt.forward(Tensor.of(quartic, n), w, "periodization").detail().toDoubleArray();
        for (int k = 4; k < n / 2 - 4; k++) {
            assertThat(Math.abs(d3[k])).as("cubic detail %d", k).isLessThan(1e-7);
            assertThat(d4[k]).as("quartic detail %d", k).isCloseTo(d4[4], org.assertj.core.data.Offset.offset(1e-6));
        }
        assertThat(Math.abs(d4[4])).isGreaterThan(1e-3);
    }

    /** Gradients of dwt and idwt in every mode are their transposes: finite differences agree (GradCheck defaults). */
    @Test
    void gradientsOfEveryModeMatchFiniteDifferences() {
        Wavelet w = Wavelet.named("db3");
        for (Mode mode : Mode.values()) {
            Tensor x = Tensor.randn(Generator.seeded(mode.ordinal()), DType.FLOAT64, 2, 5);
            GradCheck.check(t -> Dwt.forward(t, w, mode, -1).detail(), x).assertPassed();
            GradCheck.check(t -> Dwt.forward(t, w, mode, 0).approximation(), x).assertPassed();
            Tensor a = Tensor.randn(Generator.seeded(40 + mode.ordinal()), DType.FLOAT64, 2, 4);
            Tensor d = Tensor.randn(Generator.seeded(50 + mode.ordinal()), DType.FLOAT64, 2, 4);
            GradCheck.check(ts -> Dwt.inverse(ts.get(0), ts.get(1), w, mode, -1), List.of(a, d)).assertPassed();
        }
    }

    @Test
    void badArgumentsAreRejectedWithClearMessages() {
        Wavelet w = Wavelet.named("db4");
        assertThatThrownBy(() -> Dwt.forward(Tensor.zeros(DType.FLOAT64, 4), w, "mirror"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("Mode.named").hasMessageContaining("'mirror'");
        assertThatThrownBy(() -> Dwt.inverse(Tensor.zeros(DType.FLOAT64, 3), Tensor.zeros(DType.FLOAT64, 3), w, "zero"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("Dwt.inverse")
                .hasMessageContaining("3 coefficients per band are too few for db4");
        assertThatThrownBy(() -> Dwt.inverse(Tensor.zeros(DType.FLOAT64, 3), Tensor.zeros(DType.FLOAT64, 4), w, "zero"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[3]").hasMessageContaining("[4]");
        assertThatThrownBy(() -> Dwt.forward(Tensor.zeros(DType.INT32, 4), w, "zero"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("float32 or float64");
        assertThatThrownBy(() -> Dwt.forward(Tensor.zeros(DType.FLOAT64, 4), w, Mode.ZERO, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("axis 1 is out of range for shape [4]");
    }

    private static double sum(double[] f) {
        double s = 0;
        for (double v : f) {
            s += v;
        }
        return s;
    }
}
