package dev.jacobi.algorithms.compress;

/**
 * An adaptive frequency model over the symbols {@code 0 .. n-1}: every symbol starts with count 1, a
 * coded symbol's count grows by {@link #INCREMENT}, and when the total passes the limit all counts are
 * halved (rounding up, so none reaches 0), which also lets the model follow a drifting distribution.
 * Cumulative counts live in a Fenwick tree, so lookups and updates cost O(log n) even for large
 * alphabets. Encoder and decoder run the same updates in the same order, so they stay identical.
 */
final class AdaptiveModel {
    /** Count added per coded symbol. Larger adapts faster; 24 with the 2^16 limit suits streams of 10^2 to 10^6 symbols. */
    static final int INCREMENT = 24;
    /** The usual total limit; alphabets above {@code LIMIT / 8} get {@code 8 n} so their rare symbols keep some resolution. */
    static final int LIMIT = 1 << 16;

    private final int n;
    private final int limit;
    private final int[] count;
    /** 1-based Fenwick tree of the counts. */
    private final int[] tree;
    private final int topBit;
    private int total;

    AdaptiveModel(int n) {
        if (n < 1 || n > EntropyCoder.MAX_ALPHABET) {
            throw new IllegalArgumentException("AdaptiveModel: alphabet size must be in 1.." + EntropyCoder.MAX_ALPHABET + ", got " + n);
        }
        this.n = n;
        this.limit = Math.max(LIMIT, 8 * n);
        this.count = new int[n];
        this.tree = new int[n + 1];
        this.topBit = Integer.highestOneBit(n);
        java.util.Arrays.fill(count, 1);
        rebuild();
    }

    /** The alphabet size. */
    int size() {
        return n;
    }

    /** The sum of all counts; at most {@link ArithmeticCoder#MAX_TOTAL}. */
    int total() {
        return total;
    }

    /** The count of {@code symbol}. */
    int frequency(int symbol) {
        return count[symbol];
    }

    /** The sum of the counts of the symbols below {@code symbol}. */
    int cumulative(int symbol) {
        int sum = 0;
        for (int i = symbol; i > 0; i -= i & -i) {
            sum += tree[i];
        }
        return sum;
    }

    /** The symbol s with {@code cumulative(s) <= target < cumulative(s + 1)}, for {@code 0 <= target < total()}. */
    int find(int target) {
        int pos = 0;
        for (int step = topBit; step > 0; step >>= 1) {
            int next = pos + step;
            if (next <= n && tree[next] <= target) {
                pos = next;
                target -= tree[next];
            }
        }
        return pos;
    }

    /** Counts one more {@code symbol}. */
    void update(int symbol) {
        count[symbol] += INCREMENT;
        total += INCREMENT;
        if (total > limit) {
            for (int i = 0; i < n; i++) {
                count[i] = (count[i] + 1) >>> 1;
            }
            rebuild();
        } else {
            for (int i = symbol + 1; i <= n; i += i & -i) {
                tree[i] += INCREMENT;
            }
        }
    }

    private void rebuild() {
        total = 0;
        java.util.Arrays.fill(tree, 0);
        for (int i = 1; i <= n; i++) {
            tree[i] += count[i - 1];
            total += count[i - 1];
            int parent = i + (i & -i);
            if (parent <= n) {
                tree[parent] += tree[i];
            }
        }
    }
}
