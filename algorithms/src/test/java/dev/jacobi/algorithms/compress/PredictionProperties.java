package dev.jacobi.algorithms.compress;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/** The median predictor's residuals invert exactly, and vanish on planes it predicts perfectly. */
class PredictionProperties {

    @Test
    void restoreInvertsResiduals() {
        qt().withExamples(50).forAll(longs().all(), integers().between(1, 20), integers().between(1, 20)).checkAssert((seed, h, w) -> {
            int[] v = new SplittableRandom(seed).ints((long) h * w, -127, 128).toArray();
            assertThat(Prediction.restore(Prediction.residuals(v, h, w), h, w)).containsExactly(v);
        });
    }

    @Test
    void aRampLeavesResidualsOnlyOnTheBorder() {
        // v = 3x − 2y: the upper-left neighbour lies between the left and upper ones, so the predictor
        // takes a + b − c, exact on a plane. (With both slopes positive it would take max(a, b) instead.)
        int h = 6;
        int w = 7;
        int[] v = new int[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                v[y * w + x] = 3 * x - 2 * y;
            }
        }
        int[] r = Prediction.residuals(v, h, w);
        for (int y = 1; y < h; y++) {
            for (int x = 1; x < w; x++) {
                assertThat(r[y * w + x]).isZero();
            }
        }
    }
}
