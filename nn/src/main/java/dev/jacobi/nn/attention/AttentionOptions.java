package dev.jacobi.nn.attention;

import dev.jacobi.tensor.Tensor;

import java.util.Arrays;

/**
 * What an attention call masks and biases; every setting combines with the others (a key is attended
 * only when every rule allows it). Start from {@link #defaults()} and use the withers:
 * <pre>{@code
 * var opts = AttentionOptions.defaults().withCausal(true).withAlibi(Alibi.slopes(heads));
 * }</pre>
 *
 * <p>Positions: query row {@code i} of a sequence with {@code nq} queries and {@code nk} keys sits at
 * absolute position {@code i + (nk - nq)} (bottom-right alignment, as in FlashAttention-2, so that the
 * last query of a decoding step lines up with the last key of the KV cache). All position rules below
 * use that absolute position {@code ia}.
 *
 * @param scale        multiplies {@code q . k} before the bias; {@code NaN} means {@code 1 / sqrt(d)}
 * @param causal       key {@code j} is attended only when {@code j <= ia}
 * @param blockSize    block-causal attention when positive: with blocks of {@code blockSize} positions,
 *                     query position {@code ia} sees every key whose block is at most its own
 *                     ({@code floor(j / b) <= floor(ia / b)}); 0 turns it off
 * @param alibiSlopes  one ALiBi slope per head (see {@link Alibi#slopes}) or null: the logit of
 *                     (i, j) gains {@code -slope * |ia - j|}, which on a causal row is
 *                     {@code slope * (j - ia)}, the ALiBi paper's bias
 * @param mask         a BOOL tensor, true = attend: [nq, nk], or rank 4 broadcastable to
 *                     [batch, heads, nq, nk] (each of its dimensions equal to that size or 1); padded
 *                     layout only, or null
 * @param keyLengths   per batch entry, how many leading keys are valid (key padding); the others are
 *                     never attended; or null
 */
public record AttentionOptions(double scale, boolean causal, int blockSize, float[] alibiSlopes, Tensor mask,
                               int[] keyLengths) {
    /** Checks the numbers and copies the arrays, so later changes to the caller's arrays do not leak in. */
    public AttentionOptions {
        if (!Double.isNaN(scale) && !Double.isFinite(scale)) {
            throw new IllegalArgumentException("AttentionOptions: scale must be finite (or NaN for 1/sqrt(d)), got " + scale);
        }
        if (blockSize < 0) {
            throw new IllegalArgumentException("AttentionOptions: blockSize must be 0 (off) or positive, got " + blockSize);
        }
        alibiSlopes = alibiSlopes == null ? null : alibiSlopes.clone();
        keyLengths = keyLengths == null ? null : keyLengths.clone();
        if (keyLengths != null) {
            for (int b = 0; b < keyLengths.length; b++) {
                if (keyLengths[b] < 0) {
                    throw new IllegalArgumentException("AttentionOptions: keyLengths[" + b + "] is negative: " + keyLengths[b]);
                }
            }
        }
    }

    /** Scale {@code 1/sqrt(d)}, no mask, no bias. */
    public static AttentionOptions defaults() {
        return new AttentionOptions(Double.NaN, false, 0, null, null, null);
    }

    /** {@link #defaults()} with causal masking. */
    public static AttentionOptions causalMask() {
        return defaults().withCausal(true);
    }

    /** These options with the given scale. */
    public AttentionOptions withScale(double newScale) {
        return new AttentionOptions(newScale, causal, blockSize, alibiSlopes, mask, keyLengths);
    }

    /** These options with causal masking on or off. */
    public AttentionOptions withCausal(boolean on) {
        return new AttentionOptions(scale, on, blockSize, alibiSlopes, mask, keyLengths);
    }

    /** These options with block-causal masking of block size {@code size} (0 turns it off). */
    public AttentionOptions withBlockCausal(int size) {
        return new AttentionOptions(scale, causal, size, alibiSlopes, mask, keyLengths);
    }

    /** These options with ALiBi slopes, one per head (null turns ALiBi off). */
    public AttentionOptions withAlibi(float[] slopes) {
        return new AttentionOptions(scale, causal, blockSize, slopes, mask, keyLengths);
    }

    /** These options with a boolean mask, true = attend (null removes it). */
    public AttentionOptions withMask(Tensor newMask) {
        return new AttentionOptions(scale, causal, blockSize, alibiSlopes, newMask, keyLengths);
    }

    /** These options with key padding: per batch entry, the number of valid keys (null removes it). */
    public AttentionOptions withKeyLengths(int[] lengths) {
        return new AttentionOptions(scale, causal, blockSize, alibiSlopes, mask, lengths);
    }

    /** The slopes (a copy), or null. */
    @Override
    public float[] alibiSlopes() {
        return alibiSlopes == null ? null : alibiSlopes.clone();
    }

    /** The key lengths (a copy), or null. */
    @Override
    public int[] keyLengths() {
        return keyLengths == null ? null : keyLengths.clone();
    }

    /** The scale in effect for head dimension {@code d}. */
    public double scaleFor(int d) {
        return Double.isNaN(scale) ? 1.0 / Math.sqrt(d) : scale;
    }

    /** The slopes without copying (null without ALiBi), for checks inside the package. */
    float[] slopesView() {
        return alibiSlopes;
    }

    /** The key lengths without copying (or null), for checks inside the package. */
    int[] keyLengthsView() {
        return keyLengths;
    }

    /** Slope of head {@code h}, or 0 without ALiBi (read without copying, for the kernels). */
    float slope(int h) {
        return alibiSlopes == null ? 0f : alibiSlopes[h];
    }

    /** Valid keys of batch entry {@code b} out of {@code nk}. */
    int validKeys(int b, int nk) {
        return keyLengths == null ? nk : Math.min(nk, keyLengths[b]);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AttentionOptions other && Double.compare(scale, other.scale) == 0 && causal == other.causal
                && blockSize == other.blockSize && Arrays.equals(alibiSlopes, other.alibiSlopes)
                && mask == other.mask && Arrays.equals(keyLengths, other.keyLengths);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(new Object[] {scale, causal, blockSize, Arrays.hashCode(alibiSlopes),
            System.identityHashCode(mask), Arrays.hashCode(keyLengths)});
    }

    @Override
    public String toString() {
        return "AttentionOptions[scale=" + (Double.isNaN(scale) ? "1/sqrt(d)" : scale) + ", causal=" + causal
                + ", blockSize=" + blockSize + ", alibiSlopes=" + Arrays.toString(alibiSlopes)
                + ", mask=" + (mask == null ? "none" : Arrays.toString(mask.shape()))
                + ", keyLengths=" + Arrays.toString(keyLengths) + "]";
    }
}
