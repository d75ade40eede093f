package dev.jacobi.nn.data;

import dev.jacobi.tensor.Generator;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;

import static dev.jacobi.nn.data.DatasetProperties.indexed;
import static dev.jacobi.nn.data.DatasetProperties.indicesOf;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.booleans;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * Shuffled batches, checked as exact identities on indices (rows of {@link DatasetProperties#indexed}
 * carry their index): each epoch visits every example exactly once (or all but the last
 * {@code n % batchSize} with dropLast), each batch holds the rows {@link Batches#indices} names, the
 * order is a function of (seed, epoch) alone, and different epochs give different orders.
 */
class BatchesProperties {

    @Test
    void everyExampleOncePerEpochInBatchesOfTheGivenSize() {
        qt().withExamples(100).forAll(integers().between(1, 300), integers().between(1, 64), longs().all(),
                integers().between(0, 1000)).checkAssert((n, batchSize, seed, epoch) -> {
            Batches batches = Batches.shuffled(indexed(n), batchSize, seed, epoch, false);
            assertThat(batches.count()).isEqualTo(Math.ceilDiv(n, batchSize));
            List<Integer> seen = new ArrayList<>();
            int b = 0;
            for (Dataset batch : batches) {
                int[] rows = indicesOf(batch);
                assertThat(rows).containsExactly(batches.indices(b));
                assertThat(rows.length).isEqualTo(b < batches.count() - 1 ? batchSize : n - b * batchSize);
                IntStream.of(rows).forEach(seen::add);
                b++;
            }
            assertThat(b).isEqualTo(batches.count());
            assertThat(seen).containsExactlyInAnyOrderElementsOf(IntStream.range(0, n).boxed().toList());
        });
    }

    @Test
    void dropLastLeavesOutOnlyThePartialBatch() {
        qt().withExamples(100).forAll(integers().between(1, 300), integers().between(1, 64), longs().all())
                .checkAssert((n, batchSize, seed) -> {
                    Batches kept = Batches.shuffled(indexed(n), batchSize, seed, 3, false);
                    Batches dropped = Batches.shuffled(indexed(n), batchSize, seed, 3, true);
                    assertThat(dropped.count()).isEqualTo(n / batchSize);
                    for (int b = 0; b < dropped.count(); b++) {
                        assertThat(dropped.indices(b)).hasSize(batchSize).containsExactly(kept.indices(b));
                    }
                });
    }

    @Test
    void orderDependsOnlyOnSeedAndEpoch() {
        qt().withExamples(100).forAll(integers().between(20, 300), longs().all(), integers().between(0, 1000), booleans().all())
                .checkAssert((n, seed, epoch, dropLast) -> {
                    int[] a = order(Batches.shuffled(indexed(n), 7, seed, epoch, dropLast));
                    int[] again = order(Batches.shuffled(indexed(n), 7, seed, epoch, dropLast));
                    assertThat(again).containsExactly(a);
                    // Iterating the same Batches twice gives the same batches too.
                    Batches once = Batches.shuffled(indexed(n), 7, seed, epoch, dropLast);
                    assertThat(order(once)).containsExactly(order(once));
                    // Two random permutations of >= 20 items agree everywhere with probability 1/20! (about 4e-19).
                    assertThat(order(Batches.shuffled(indexed(n), 7, seed, epoch + 1, dropLast))).isNotEqualTo(a);
                    assertThat(order(Batches.shuffled(indexed(n), 7, seed + 1, epoch, dropLast))).isNotEqualTo(a);
                });
    }

    @Test
    void generatorVariantTakesOnePermutationPerCall() {
        long seed = 0x5eedL;
        Generator gen = Generator.seeded(seed);
        Generator reference = Generator.seeded(seed);
        for (int epoch = 0; epoch < 3; epoch++) {
            Batches batches = Batches.shuffled(indexed(50), 8, gen, false);
            assertThat(order(batches)).containsExactly(reference.permutation(50).toIntArray());
        }
    }

    @Test
    void inOrderBatchesFollowTheDataset() {
        Batches batches = Batches.inOrder(indexed(10), 4);
        assertThat(batches.count()).isEqualTo(3);
        assertThat(batches.indices(2)).containsExactly(8, 9);
        assertThat(order(batches)).containsExactly(IntStream.range(0, 10).toArray());
    }

    @Test
    void badArgumentsAreRefusedWithTheValues() {
        assertThatThrownBy(() -> Batches.shuffled(indexed(5), 0, 1L, 0, false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Batches.shuffled: batchSize must be >= 1, got 0");
        assertThatThrownBy(() -> Batches.shuffled(indexed(5), 2, 1L, -1, false)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Batches.shuffled: epoch must be >= 0, got -1");
        assertThatThrownBy(() -> Batches.inOrder(indexed(5), 2).indices(3)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    /** The indices of all batches, concatenated, read back from the batch tensors. */
    private static int[] order(Batches batches) {
        List<int[]> parts = new ArrayList<>();
        batches.forEach(batch -> parts.add(indicesOf(batch)));
        return parts.stream().flatMapToInt(Arrays::stream).toArray();
    }
}
