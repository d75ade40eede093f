package dev.jacobi.bench.tour.entries;

import dev.jacobi.bench.tour.TourContext;
import dev.jacobi.bench.tour.TourResult;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The tensor self-check passes on the tensor core as it is, and its references judge errors as documented. */
class TensorSelfCheckTest {
    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    @Test
    void passesAndWritesItsPlots(@TempDir Path dir) throws Exception {
        TourResult result = new TensorSelfCheck().run(new TourContext(false, dir, dir, 42));

        assertThat(result.passed()).as(result.summary() + "\n" + result.metrics()).isTrue();
        assertThat(result.metrics().getFirst().value()).endsWith(" passed, 0 failed");
        assertThat(result.plots()).isNotEmpty().allSatisfy(p -> assertThat(Files.size(p)).isPositive());
    }

    @Test
    void maxErrorIsRelativeAboveOneAbsoluteBelowAndMatchesNaNAndInfinities() {
        // Exact identities of the definition in Naive.maxError's Javadoc.
        assertThat(Naive.maxError(new double[] {200, 0.5}, new double[] {100, 0.25})).isEqualTo(1.0);
        assertThat(Naive.maxError(new double[] {0.5}, new double[] {0.25})).isEqualTo(0.25);
        assertThat(Naive.maxError(new double[] {Double.NaN, Double.POSITIVE_INFINITY},
                new double[] {Double.NaN, Double.POSITIVE_INFINITY})).isZero();
        assertThat(Naive.maxError(new double[] {Double.NaN}, new double[] {1})).isInfinite();
        assertThat(Naive.maxError(new double[] {1}, new double[] {Double.NEGATIVE_INFINITY})).isInfinite();
        assertThat(Naive.maxError(new double[] {1, 2}, new double[] {1})).isInfinite();
    }

    @Test
    void naiveBroadcastingAndStridedReadsFollowNumPy() {
        // [[0, 1, 2], [3, 4, 5]] transposed is [[0, 3], [1, 4], [2, 5]]; adding [10, 20] broadcasts along rows.
        Tensor a = Tensor.of(new double[] {0, 1, 2, 3, 4, 5}, 2, 3).transpose(0, 1);
        Tensor b = Tensor.of(new double[] {10, 20}, 2);
        assertThat(Naive.values(a)).containsExactly(0, 3, 1, 4, 2, 5);
        assertThat(Naive.broadcastShape(a.shape(), b.shape())).containsExactly(3, 2);
        assertThat(Naive.binary(a, b, Double::sum)).containsExactly(10, 23, 11, 24, 12, 25);
        assertThat(Naive.sum(a, new boolean[] {true, false}, false)).containsExactly(3, 12);
        assertThat(Naive.max(a, new boolean[] {false, true})).containsExactly(3, 4, 5);
        assertThat(Naive.batchedMatmul(Tensor.eye(DType.FLOAT64, 3), Tensor.of(new double[] {1, 2, 3}, 3, 1)))
                .containsExactly(1, 2, 3);
    }
}
