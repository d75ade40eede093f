package dev.jacobi.algorithms.ep;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/** The fused re/im-plane relaxation against the tensor-op relaxation in float64. */
class PlaneRelaxerProperties {

    @Test
    void matchesTheFloat64TensorRelaxationOnVectorAndScalarPaths() {
        qt().withExamples(12).forAll(longs().all(), integers().between(0, 2), doubles().between(0, 2 * Math.PI), integers().between(1, 37))
                .checkAssert((seed, kind, angle, hidden) -> {
            Activation act = Activation.values()[kind];
            EpLoss loss = seed % 2 == 0 ? EpLoss.MSE : EpLoss.SOFTMAX_READOUT;
            int[] sizes = {7, hidden, 19, loss == EpLoss.MSE ? 3 : 5};
            EpNetwork net32 = EpNetwork.mlp(sizes, act, loss, 3, seed % 3 == 0, seed % 3 == 0 ? 0 : 40, DType.FLOAT32, Generator.seeded(seed));
            EpNetwork net64 = EpNetwork.mlp(sizes, act, loss, 3, seed % 3 == 0, seed % 3 == 0 ? 0 : 40, DType.FLOAT64, Generator.seeded(seed));
            // Same generator stream: the float64 network holds the float32 weights' values to rounding;
            // copy them exactly so the comparison sees only the relaxation's arithmetic.
            for (int i = 0; i < net32.parameters().size(); i++) {
                try (var g = dev.jacobi.tensor.autograd.Autograd.noGrad()) {
                    net64.parameters().get(i).copyFrom(net32.parameters().get(i).to(DType.FLOAT64));
                }
            }
            Tensor x = Generator.seeded(seed + 1).uniform(DType.FLOAT32, 0, 1, 5, 7);
            Tensor y = Generator.seeded(seed + 2).randint(0, 3, 5);
            Complex beta = Complex.polar(0.4, angle);
            Planes start = Planes.real(EpGradients.freePhase(net64, net64.tensorRelaxer(), x.to(DType.FLOAT64), 10));
            Planes ref = net64.tensorRelaxer().relax(start, x.to(DType.FLOAT64), y, beta, 8);
            Planes start32 = Planes.real(start.re().to(DType.FLOAT32));
            for (boolean simd : new boolean[] {true, false}) {
                Planes got = PlaneRelaxer.of(net32, simd).relax(start32, x, y, beta, 8);
                // float32 arithmetic through 8 steps of a map with slope <= ~1: a few hundred ulps of
                // values of order 1 (rates in (0, 1); HARD_SIGMOID and IDENTITY states of order 1-10).
                double tol = 2e-5 * scale(ref.re());
                assertThat(EpFixtures.relativeError(got.re().toDoubleArray(), ref.re().toDoubleArray()) * scale(ref.re()))
                        .as("real plane, simd=%s", simd).isLessThan(tol);
                if (beta.im() != 0) {
                    double imDiff = maxDiff(got.im().toDoubleArray(), ref.im().toDoubleArray());
                    assertThat(imDiff).as("imaginary plane, simd=%s", simd).isLessThan(tol);
                }
            }
        });
    }

    private static double scale(Tensor t) {
        double m = 1;
        for (double v : t.toDoubleArray()) {
            m = Math.max(m, Math.abs(v));
        }
        return m;
    }

    private static double maxDiff(double[] a, double[] b) {
        double d = 0;
        for (int i = 0; i < a.length; i++) {
            d = Math.max(d, Math.abs(a[i] - b[i]));
        }
        return d;
    }

    @Test
    void rejectsConvnetsAndFloat64() {
        EpNetwork conv = EpNetwork.builder(1, 4, 4).convPool(2).dense(3).build(Generator.seeded(1));
        assertThatThrownBy(() -> PlaneRelaxer.of(conv)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("PlaneRelaxer: needs a fully connected float32 network");
        EpNetwork f64 = EpFixtures.mlp(1, new int[] {3, 4, 2}, true, 0, EpLoss.MSE, 2);
        assertThatThrownBy(() -> PlaneRelaxer.of(f64)).isInstanceOf(IllegalArgumentException.class);
    }
}
