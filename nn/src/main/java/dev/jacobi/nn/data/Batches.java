package dev.jacobi.nn.data;

import dev.jacobi.tensor.Generator;

import java.util.Arrays;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * One epoch of mini-batches over a {@link Dataset}: an {@link Iterable} of batches, each a new
 * {@code Dataset} of the examples at {@link #indices(int)} (copied by {@link Dataset#batch}, owned by
 * the scope open when the iterator returns it).
 *
 * <pre>{@code
 * for (int epoch = 0; epoch < epochs; epoch++) {
 *     for (Dataset batch : Batches.shuffled(train, 64, seed, epoch, false)) {
 *         try (var scope = Scope.open()) { ... batch.features() ... batch.labels() ... }
 *     }
 * }
 * }</pre>
 *
 * <p>The order is fixed when the {@code Batches} is made, so iterating it twice gives the same batches.
 * Every example appears exactly once per epoch, except that with {@code dropLast} the last
 * {@code size % batchSize} examples of the order are left out.
 */
public final class Batches implements Iterable<Dataset> {
    private final Dataset dataset;
    private final int batchSize;
    private final int[] order;
    private final int count;

    private Batches(Dataset dataset, int batchSize, int[] order, boolean dropLast) {
        this.dataset = dataset;
        this.batchSize = batchSize;
        this.order = order;
        this.count = dropLast ? order.length / batchSize : Math.ceilDiv(order.length, batchSize);
    }

    /**
     * The batches of epoch {@code epoch} in an order that depends only on {@code seed}, {@code epoch}
     * and the dataset's size: the permutation of {@link Generator#seeded} keyed by
     * {@link #epochSeed(long, long) epochSeed(seed, epoch)}. Different epochs give unrelated orders.
     *
     * @param dropLast whether to leave out the last, smaller batch when {@code batchSize} does not
     *                 divide the dataset's size
     * @throws IllegalArgumentException when {@code batchSize < 1} or {@code epoch < 0}
     */
    public static Batches shuffled(Dataset dataset, int batchSize, long seed, long epoch, boolean dropLast) {
        if (epoch < 0) {
            throw new IllegalArgumentException("Batches.shuffled: epoch must be >= 0, got " + epoch);
        }
        return shuffled(dataset, batchSize, Generator.seeded(epochSeed(seed, epoch)), dropLast);
    }

    /**
     * The batches in the order of {@code gen.permutation(dataset.size())}, which advances {@code gen};
     * calling this once per epoch with one generator gives a new order each epoch, reproducible from
     * the generator's seed.
     *
     * @throws IllegalArgumentException when {@code batchSize < 1}
     */
    public static Batches shuffled(Dataset dataset, int batchSize, Generator gen, boolean dropLast) {
        checkBatchSize("Batches.shuffled", batchSize);
        return new Batches(dataset, batchSize, gen.permutation(dataset.size()).toIntArray(), dropLast);
    }

    /**
     * The batches in the dataset's own order (for evaluation), the last one smaller when
     * {@code batchSize} does not divide the size.
     *
     * @throws IllegalArgumentException when {@code batchSize < 1}
     */
    public static Batches inOrder(Dataset dataset, int batchSize) {
        checkBatchSize("Batches.inOrder", batchSize);
        int[] order = new int[dataset.size()];
        Arrays.setAll(order, i -> i);
        return new Batches(dataset, batchSize, order, false);
    }

    /**
     * The generator seed used for {@code epoch} by {@link #shuffled(Dataset, int, long, long, boolean)}:
     * {@code seed} and {@code epoch} mixed by the SplitMix64 finaliser, so that nearby seeds and epochs
     * give unrelated keys.
     */
    public static long epochSeed(long seed, long epoch) {
        long z = seed + (epoch + 1) * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    /** The number of batches. */
    public int count() {
        return count;
    }

    /** The examples per full batch. */
    public int batchSize() {
        return batchSize;
    }

    /**
     * The dataset indices of batch {@code b}, in batch order (a new array).
     *
     * @throws IndexOutOfBoundsException when {@code b} is outside {@code [0, count())}
     */
    public int[] indices(int b) {
        Objects.checkIndex(b, count);
        return Arrays.copyOfRange(order, b * batchSize, Math.min(order.length, (b + 1) * batchSize));
    }

    /** The batches in order; each {@code next()} gathers its examples then. */
    @Override
    public Iterator<Dataset> iterator() {
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < count;
            }

            @Override
            public Dataset next() {
                if (next >= count) {
                    throw new NoSuchElementException("Batches: all " + count + " batches were returned");
                }
                return dataset.batch(indices(next++));
            }
        };
    }

    private static void checkBatchSize(String op, int batchSize) {
        if (batchSize < 1) {
            throw new IllegalArgumentException(op + ": batchSize must be >= 1, got " + batchSize);
        }
    }
}
