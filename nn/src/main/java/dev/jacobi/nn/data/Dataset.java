package dev.jacobi.nn.data;

import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An in-memory dataset: example {@code i} is row {@code i} (along dimension 0) of {@code features}
 * and of {@code labels}.
 *
 * <p>Any shapes and dtypes are accepted as long as both tensors have at least one dimension and the
 * same size along dimension 0: for classification, typically float32 {@code [n, d]} features and
 * int32 {@code [n]} class labels; for regression, float targets {@code [n, k]}.
 *
 * @param features the inputs, {@code [n, ...]}
 * @param labels   the targets, {@code [n, ...]}
 */
public record Dataset(Tensor features, Tensor labels) {

    /**
     * @throws IllegalArgumentException when a tensor is 0-dimensional or the two differ in size along
     *                                  dimension 0
     */
    public Dataset {
        Objects.requireNonNull(features, "Dataset: features is null");
        Objects.requireNonNull(labels, "Dataset: labels is null");
        if (features.rank() == 0 || labels.rank() == 0 || features.size(0) != labels.size(0)) {
            throw new IllegalArgumentException("Dataset: features and labels need the same size along dimension 0, got "
                    + Shapes.format(features.shape()) + " and " + Shapes.format(labels.shape()));
        }
    }

    /** A train/test partition of a dataset; see {@link #split} and {@link #stratifiedSplit}. */
    public record Split(Dataset train, Dataset test) {
    }

    /** The number of examples, {@code features.size(0)}. */
    public int size() {
        return features.size(0);
    }

    /**
     * The examples at {@code indices}, in that order (repeats allowed), as a new dataset whose tensors
     * are copies made by {@link Tensor#indexSelect}, owned by the current scope.
     *
     * @throws IndexOutOfBoundsException when an index is outside {@code [0, size())}
     */
    public Dataset batch(int[] indices) {
        Tensor index = Tensor.ofInts(indices, indices.length);
        return new Dataset(features.indexSelect(0, index), labels.indexSelect(0, index));
    }

    /**
     * A seeded random partition: a random {@code round(testFraction * size())} examples form the test
     * part, the rest the training part; both keep the original order of their examples. The choice is
     * the first entries of {@code Generator.seeded(seed).permutation(size())}, so it depends only on the
     * seed and the size.
     *
     * @param testFraction in {@code (0, 1)}
     * @throws IllegalArgumentException when {@code testFraction} is outside {@code (0, 1)} or either part
     *                                  would be empty
     */
    public Split split(double testFraction, long seed) {
        checkFraction("split", testFraction);
        int[] order = Generator.seeded(seed).permutation(size()).toIntArray();
        int testCount = (int) Math.round(testFraction * size());
        checkParts("split", testFraction, testCount);
        return partition(Arrays.copyOf(order, testCount));
    }

    /**
     * A seeded random partition that keeps the class proportions: of each class's {@code n_c} examples,
     * a random {@code round(testFraction * n_c)} go to the test part. Both parts keep the original order
     * of their examples. Classes are visited in increasing label order, each taking the first entries
     * of a permutation of its examples from one generator seeded with {@code seed}, so the result
     * depends only on the seed and the labels.
     *
     * @param testFraction in {@code (0, 1)}
     * @throws IllegalArgumentException when the labels are not 1-dimensional integers, {@code testFraction}
     *                                  is outside {@code (0, 1)} or either part would be empty
     */
    public Split stratifiedSplit(double testFraction, long seed) {
        checkFraction("stratifiedSplit", testFraction);
        if (labels.rank() != 1 || !labels.dtype().isInteger()) {
            throw new IllegalArgumentException("stratifiedSplit: needs 1-dimensional integer class labels, got "
                    + labels.dtype() + " " + Shapes.format(labels.shape()));
        }
        int[] classOf = labels.toIntArray();
        TreeMap<Integer, List<Integer>> members = new TreeMap<>();
        for (int i = 0; i < classOf.length; i++) {
            members.computeIfAbsent(classOf[i], k -> new ArrayList<>()).add(i);
        }
        Generator gen = Generator.seeded(seed);
        List<Integer> test = new ArrayList<>();
        for (List<Integer> ofClass : members.values()) {
            int[] order = gen.permutation(ofClass.size()).toIntArray();
            int take = (int) Math.round(testFraction * ofClass.size());
            for (int k = 0; k < take; k++) {
                test.add(ofClass.get(order[k]));
            }
        }
        checkParts("stratifiedSplit", testFraction, test.size());
        return partition(test.stream().mapToInt(Integer::intValue).toArray());
    }

    /** Test part: {@code testIndices} (any order, no repeats); training part: every other index. */
    private Split partition(int[] testIndices) {
        boolean[] inTest = new boolean[size()];
        for (int i : testIndices) {
            inTest[i] = true;
        }
        int[] test = new int[testIndices.length];
        int[] train = new int[size() - testIndices.length];
        int nTest = 0;
        int nTrain = 0;
        for (int i = 0; i < inTest.length; i++) {
            if (inTest[i]) {
                test[nTest++] = i;
            } else {
                train[nTrain++] = i;
            }
        }
        return new Split(batch(train), batch(test));
    }

    private static void checkFraction(String op, double testFraction) {
        if (!(testFraction > 0 && testFraction < 1)) {
            throw new IllegalArgumentException(op + ": testFraction must be in (0, 1), got " + testFraction);
        }
    }

    private void checkParts(String op, double testFraction, int testCount) {
        if (testCount == 0 || testCount == size()) {
            throw new IllegalArgumentException(op + ": testFraction " + testFraction + " of " + size()
                    + " examples leaves the " + (testCount == 0 ? "test" : "training") + " part empty");
        }
    }
}
