package dev.jacobi.nn.data;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.doubles;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * Datasets, batches and splits. Each example's features carry its own index (row i is
 * {@code [i, -i]} and its label is {@code i}), so every check is an exact identity on indices: a batch
 * holds exactly the rows asked for, a split's parts are disjoint, cover every example and keep the
 * original order, a stratified split takes {@code round(fraction * n_c)} of each class, and the same
 * seed gives the same split. QuickTheories prints the seed of a failing example.
 */
class DatasetProperties {

    /** {@code n} examples: features {@code [i, -i]} (float32), label {@code i} (int32). */
    static Dataset indexed(int n) {
        float[] f = new float[2 * n];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            f[2 * i] = i;
            f[2 * i + 1] = -i;
            labels[i] = i;
        }
        return new Dataset(Tensor.of(f, n, 2), Tensor.ofInts(labels, n));
    }

    /** The indices a dataset made by {@link #indexed} (or a batch of one) holds, read from both tensors. */
    static int[] indicesOf(Dataset d) {
        float[] f = d.features().toFloatArray();
        int[] labels = d.labels().toIntArray();
        for (int r = 0; r < labels.length; r++) {
            assertThat(f[2 * r]).isEqualTo((float) labels[r]);
            assertThat(f[2 * r + 1]).isEqualTo((float) -labels[r]);
        }
        return labels;
    }

    @Test
    void batchHoldsExactlyTheRowsAskedForInOrder() {
        qt().withExamples(100).forAll(integers().between(1, 300), longs().all()).checkAssert((n, seed) -> {
            Dataset d = indexed(n);
            int[] idx = Generator.seeded(seed).randint(0, n, 1 + (int) Math.floorMod(seed, 40L)).toIntArray();
            Dataset b = d.batch(idx);
            assertThat(b.size()).isEqualTo(idx.length);
            assertThat(indicesOf(b)).containsExactly(idx);
        });
    }

    @Test
    void splitIsDisjointCoveringOrderedAndSeeded() {
        qt().withExamples(100).forAll(integers().between(2, 500), doubles().between(0.01, 0.99), longs().all())
                .assuming((n, frac, seed) -> Math.round(frac * n) > 0 && Math.round(frac * n) < n)
                .checkAssert((n, frac, seed) -> {
                    Dataset.Split s = indexed(n).split(frac, seed);
                    int[] train = indicesOf(s.train());
                    int[] test = indicesOf(s.test());
                    assertThat(test.length).isEqualTo((int) Math.round(frac * n));
                    assertPartition(n, train, test);
                    Dataset.Split again = indexed(n).split(frac, seed);
                    assertThat(indicesOf(again.test())).containsExactly(test);
                });
    }

    @Test
    void stratifiedSplitTakesTheRoundedFractionOfEveryClass() {
        qt().withExamples(60).forAll(integers().between(20, 400), integers().between(2, 7), doubles().between(0.1, 0.5),
                longs().all()).checkAssert((n, classes, frac, seed) -> {
            // Unequal classes: label of example i is drawn at random, so class sizes vary.
            int[] labels = Generator.seeded(seed).randint(0, classes, n).toIntArray();
            Dataset d = new Dataset(indexed(n).features(), Tensor.ofInts(labels, n));
            Dataset.Split s;
            try {
                s = d.stratifiedSplit(frac, seed);
            } catch (IllegalArgumentException e) {
                // Only when rounding leaves a part empty, which the checks below would then state.
                assertThat(e).hasMessageContaining("leaves the");
                return;
            }
            int[] train = rowsOf(s.train());
            int[] test = rowsOf(s.test());
            assertPartition(n, train, test);
            for (int c = 0; c < classes; c++) {
                int cls = c;
                long inClass = Arrays.stream(labels).filter(l -> l == cls).count();
                long inTest = Arrays.stream(test).filter(i -> labels[i] == cls).count();
                assertThat(inTest).as("class %d of %d examples", c, inClass).isEqualTo(Math.round(frac * inClass));
            }
            assertThat(s.test().labels().toIntArray()).containsExactly(Arrays.stream(test).map(i -> labels[i]).toArray());
            assertThat(rowsOf(d.stratifiedSplit(frac, seed).test())).containsExactly(test);
        });
    }

    @Test
    void stratifiedSplitOfTheDigitsKeepsEveryClassNearTheFraction() {
        Dataset digits = Digits.load();
        Dataset.Split s = digits.stratifiedSplit(0.2, 42);
        assertThat(s.train().size() + s.test().size()).isEqualTo(1797);
        int[] counts = new int[10];
        for (int l : s.test().labels().toIntArray()) {
            counts[l]++;
        }
        // round(0.2 * n_c) for the class counts of DigitsTest: 178 -> 36, 182 -> 36, 177 -> 35, ...
        int[] classCounts = {178, 182, 177, 183, 181, 182, 181, 179, 174, 180};
        assertThat(counts).containsExactly(IntStream.of(classCounts).map(c -> (int) Math.round(0.2 * c)).toArray());
    }

    @Test
    void badArgumentsAreRefusedWithTheValues() {
        Dataset d = indexed(10);
        assertThatThrownBy(() -> new Dataset(Tensor.zeros(DType.FLOAT32, 3, 2), Tensor.zeros(DType.INT32, 4)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("Dataset: features and labels need the same size along dimension 0, got [3, 2] and [4]");
        assertThatThrownBy(() -> d.split(1.0, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("split: testFraction must be in (0, 1), got 1.0");
        assertThatThrownBy(() -> d.split(0.01, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("split: testFraction 0.01 of 10 examples leaves the test part empty");
        Dataset floatLabels = new Dataset(d.features(), Tensor.zeros(DType.FLOAT32, 10));
        assertThatThrownBy(() -> floatLabels.stratifiedSplit(0.5, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("stratifiedSplit: needs 1-dimensional integer class labels");
        assertThatThrownBy(() -> d.batch(new int[] {3, 10})).isInstanceOf(IndexOutOfBoundsException.class);
    }

    /** Row indices of a dataset whose features come from {@link #indexed} (the labels may differ). */
    private static int[] rowsOf(Dataset d) {
        float[] f = d.features().toFloatArray();
        return IntStream.range(0, d.size()).map(r -> (int) f[2 * r]).toArray();
    }

    /** train and test are increasing, disjoint and together 0 .. n-1. */
    private static void assertPartition(int n, int[] train, int[] test) {
        assertThat(train).isSorted();
        assertThat(test).isSorted();
        int[] all = IntStream.concat(IntStream.of(train), IntStream.of(test)).sorted().toArray();
        assertThat(all).containsExactly(IntStream.range(0, n).toArray());
    }
}
