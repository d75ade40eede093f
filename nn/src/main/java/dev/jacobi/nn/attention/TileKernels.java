package dev.jacobi.nn.attention;

import dev.jacobi.tensor.cpu.Simd;

/**
 * The arithmetic on one tile of {@link FlashAttention}: two small matrix products and the row-wise
 * softmax steps, on packed heap arrays. Two implementations compute the same thing:
 * {@link VectorTileKernels} (register-blocked Vector API code, loaded only when {@link Simd#enabled()})
 * and {@link ScalarTileKernels} (plain loops, the fallback and a second reference for the tests).
 *
 * <p>Layouts: a score tile has {@link #blockColumns()} columns, row-major; head-dimension rows are
 * padded with zeros to {@link #padWidth} floats; row counts passed here are multiples of
 * {@link #ROW_GROUP} (the caller pads rows with zeros).
 */
sealed interface TileKernels permits VectorTileKernels, ScalarTileKernels {
    /** Rows are processed in groups of this many; callers round row counts up to it. */
    int ROW_GROUP = 4;

    /** The kernels for this JVM: vector ones when SIMD is on. */
    static TileKernels preferred() {
        return Simd.enabled() ? VectorTileKernels.INSTANCE : ScalarTileKernels.INSTANCE;
    }

    /** Columns of a score tile (the key block size Bc). */
    int blockColumns();

    /** The padded length of a head-dimension row of {@code d} values (a whole number of vectors). */
    int padWidth(int d);

    /**
     * {@code s[r * Bc + c] = sum_p a[aOff + r * lda + p] * bt[btOff + p * Bc + c]} for r &lt; rows,
     * c &lt; Bc, p &lt; inner: a row block times a transposed-packed key block.
     */
    void scores(int rows, int inner, float[] a, int aOff, int lda, float[] bt, int btOff, float[] s);

    /**
     * {@code c[cOff + r * ldc + v] += sum_k a[aOff + r * ars + k * acs] * b[bOff + k * ldb + v]} for
     * r &lt; rows, v &lt; width (a multiple of the vector length), k &lt; inner. The strides of A let
     * the same kernel multiply by a transposed score tile.
     */
    void accumulate(int rows, int width, int inner, float[] a, int aOff, int ars, int acs,
                    float[] b, int bOff, int ldb, float[] c, int cOff, int ldc);

    /**
     * Adds the ALiBi bias {@code -slope * |ia - j|} to rows [0, rows) of a score tile, where row r has
     * absolute query position {@code rowPos0 + r} and column c is key {@code col0 + c}.
     */
    void addAlibi(float[] s, int rows, int rowPos0, int col0, float slope);

    /**
     * One online-softmax step (FlashAttention-2, Algorithm 1, lines 9-10) on rows [0, rows): with the
     * running maxima {@code m} and sums {@code l}, replaces each score row by
     * {@code exp(s - m_new)}, rescales {@code l} and the accumulator rows {@code o} (width
     * {@code width}, row stride {@code width}) by {@code exp(m_old - m_new)}. A row whose scores and
     * maximum are all {@code -inf} becomes zeros and leaves its state alone.
     */
    void onlineSoftmax(int rows, float[] s, float[] m, float[] l, float[] o, int width);

    /** {@code s[r * Bc + c] = exp(s[r * Bc + c] - lse[lOff + r])}: the probabilities recomputed in the backward pass. */
    void probabilities(int rows, float[] s, float[] lse, int lOff);

    /** {@code dp[r * Bc + c] = p[r * Bc + c] * (dp[r * Bc + c] - delta[dOff + r])}: dS of the backward pass. */
    void scoreGradients(int rows, float[] p, float[] dp, float[] delta, int dOff);
}
