package dev.jacobi.algorithms.flow;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/** Patchify follows torch's unfold order (checked element by element); unpatchify inverts it exactly. */
class PatchesProperties {

    @Test
    void patchifyFollowsUnfoldOrderAndUnpatchifyInvertsIt() {
        qt().withExamples(25).forAll(longs().all(), integers().between(1, 3), integers().between(1, 3),
                integers().between(0, 8)).checkAssert((seed, c, p, grid) -> {
            int gh = grid / 3 + 1;
            int gw = grid % 3 + 1;
            int b = 2;
            int h = gh * p;
            int w = gw * p;
            Tensor x = Tensor.randn(Generator.seeded(seed), DType.FLOAT64, b, c, h, w);
            Tensor seq = Patches.patchify(x, p);
            assertThat(seq.shape()).containsExactly(b, gh * gw, c * p * p);
            // Reference: unfold's definition, token = row-major patch index, feature = c P² + py P + px.
            for (int n = 0; n < b; n++) {
                for (int t = 0; t < gh * gw; t++) {
                    for (int ch = 0; ch < c; ch++) {
                        for (int py = 0; py < p; py++) {
                            for (int px = 0; px < p; px++) {
                                double expect = x.getDouble(n, ch, (t / gw) * p + py, (t % gw) * p + px);
                                assertThat(seq.getDouble(n, t, ch * p * p + py * p + px)).isEqualTo(expect);
                            }
                        }
                    }
                }
            }
            // Pure data movement: exact.
            assertThat(Patches.unpatchify(seq, c, h, w, p).toDoubleArray()).containsExactly(x.toDoubleArray());
        });
    }

    @Test
    void sizesThatDoNotFitAreRejected() {
        assertThatThrownBy(() -> Patches.patchify(Tensor.zeros(DType.FLOAT32, 1, 3, 6, 6), 4))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("patchify:").hasMessageContaining("[1, 3, 6, 6]");
        assertThatThrownBy(() -> Patches.unpatchify(Tensor.zeros(DType.FLOAT32, 1, 4, 8), 3, 4, 4, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("unpatchify:").hasMessageContaining("[1, 4, 8]");
    }
}
