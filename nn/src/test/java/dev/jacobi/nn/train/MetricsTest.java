package dev.jacobi.nn.train;

import dev.jacobi.nn.data.Dataset;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/** Accuracy equals a naive count of rows whose first largest logit is at the label, in one call or in batches. */
class MetricsTest {
    /** The reference: a plain loop over the logits read one element at a time. */
    private static double naiveAccuracy(Tensor logits, int[] labels) {
        int hits = 0;
        for (int i = 0; i < labels.length; i++) {
            int best = 0;
            for (int c = 1; c < logits.size(1); c++) {
                if (logits.getDouble(i, c) > logits.getDouble(i, best)) {
                    best = c;
                }
            }
            hits += best == labels[i] ? 1 : 0;
        }
        return (double) hits / labels.length;
    }

    @Test
    void accuracyMatchesANaiveCount() {
        // Exact: both count the same integers and divide once. Logits are rounded to multiples of 1/4 so
        // that ties happen and the first-largest rule is exercised.
        qt().withExamples(40).forAll(longs().all(), integers().between(1, 50), integers().between(2, 7), integers().between(1, 20))
                .checkAssert((seed, n, classes, batch) -> {
                    Generator gen = Generator.seeded(seed);
                    Tensor logits = gen.normal(DType.FLOAT32, 0, 1, n, classes).mul(4).round().div(4);
                    Tensor labels = gen.randint(0, classes, n);
                    double expected = naiveAccuracy(logits, labels.to(DType.INT32).toIntArray());
                    assertThat(Metrics.accuracy(logits, labels)).as("seed %d", seed).isEqualTo(expected);
                    // In batches, the model sees one slice at a time: here it is the identity on the logits.
                    assertThat(Metrics.accuracy(x -> x, new Dataset(logits, labels), batch))
                            .as("seed %d, batches of %d", seed, batch).isEqualTo(expected);
                });
    }

    @Test
    void wrongShapesAndFloatLabelsAreReported() {
        Tensor logits = Tensor.zeros(DType.FLOAT32, 3, 4);
        assertThatThrownBy(() -> Metrics.accuracy(logits, Tensor.ofInts(new int[] {0, 1}, 2)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(
                        "Metrics.accuracy: logits must be [n, classes] and labels [n], got [3, 4] and [2]");
        assertThatThrownBy(() -> Metrics.accuracy(logits, Tensor.zeros(DType.FLOAT32, 3)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("integer class indices, got");
    }
}
