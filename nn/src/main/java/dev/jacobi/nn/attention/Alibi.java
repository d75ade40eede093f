package dev.jacobi.nn.attention;

/**
 * Attention with Linear Biases (ALiBi; Press, Smith and Lewis, "Train Short, Test Long", ICLR 2022):
 * head h adds {@code -m_h |i - j|} to the logit of query i and key j, with a fixed slope per head.
 */
public final class Alibi {
    private Alibi() {
    }

    /**
     * The slopes of {@code heads} heads, in head order. For a power of two n they are the geometric
     * sequence {@code 2^(-8 (h + 1) / n)}, h = 0..n-1 (8 heads: 1/2, 1/4, ..., 1/256). Otherwise, with n
     * the largest power of two below {@code heads}, the first n heads take the slopes of n heads and
     * the remaining {@code heads - n} take every other slope of the 2n-head sequence, starting from its
     * first: {@code 2^(-8 (2i - 1) / (2n))}, i = 1..heads-n; for 12 heads that appends 2^-0.5, 2^-1.5,
     * 2^-2.5, 2^-3.5 (the order is kept, not sorted), as the paper's reference code and MosaicBERT do.
     *
     * @throws IllegalArgumentException when {@code heads < 1}
     */
    public static float[] slopes(int heads) {
        if (heads < 1) {
            throw new IllegalArgumentException("Alibi.slopes: heads must be at least 1, got " + heads);
        }
        int n = Integer.highestOneBit(heads);
        float[] slopes = new float[heads];
        for (int h = 0; h < n; h++) {
            slopes[h] = (float) Math.pow(2, -8.0 * (h + 1) / n);
        }
        for (int i = 1; i <= heads - n; i++) {
            slopes[n + i - 1] = (float) Math.pow(2, -8.0 * (2 * i - 1) / (2 * n));
        }
        return slopes;
    }
}
