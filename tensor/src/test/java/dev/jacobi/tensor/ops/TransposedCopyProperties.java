package dev.jacobi.tensor.ops;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * The tiled float32 copy of views transposed in their last two dimensions (sizes from the tile size up,
 * with batches and sliced sources) against element-by-element reads of the view: a copy is exact.
 */
class TransposedCopyProperties {
    @Test
    void tiledTransposedCopiesEqualTheViewElementByElement() {
        qt().withExamples(40).forAll(longs().all(), integers().between(32, 90), integers().between(32, 90), integers().between(1, 3))
                .checkAssert((seed, rows, cols, batch) -> {
                    Tensor base = Generator.seeded(seed).normal(DType.FLOAT32, 0, 1, batch, cols + 3, rows);
                    Tensor view = base.slice(1, 2, cols + 2).transpose(1, 2); // [batch, rows, cols], columns contiguous
                    assertThat(TransposedCopy.applies(view, Tensor.zeros(DType.FLOAT32, batch, rows, cols))).isTrue();
                    Tensor copy = view.contiguous();
                    for (int b = 0; b < batch; b++) {
                        for (int i = 0; i < rows; i++) {
                            for (int j = 0; j < cols; j++) {
                                if (copy.getDouble(b, i, j) != base.getDouble(b, j + 2, i)) {
                                    throw new AssertionError("seed " + seed + ": element [" + b + ", " + i + ", " + j + "]");
                                }
                            }
                        }
                    }
                });
    }
}
