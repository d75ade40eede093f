package dev.jacobi.nn.attention;

/** {@link TileKernels} in plain loops: the path when SIMD is off. */
final class ScalarTileKernels implements TileKernels {
    static final ScalarTileKernels INSTANCE = new ScalarTileKernels();
    /** Key block size: 64 columns keep a 64 x 64 score tile (16 KiB) in L1. */
    private static final int BC = 64;

    private ScalarTileKernels() {
    }

    @Override
    public int blockColumns() {
        return BC;
    }

    @Override
    public int padWidth(int d) {
        return d;
    }

    @Override
    public void scores(int rows, int inner, float[] a, int aOff, int lda, float[] bt, int btOff, float[] s) {
        for (int r = 0; r < rows; r++) {
            int out = r * BC;
            java.util.Arrays.fill(s, out, out + BC, 0f);
            int ar = aOff + r * lda;
            for (int p = 0; p < inner; p++) {
                float x = a[ar + p];
                int bp = btOff + p * BC;
                for (int c = 0; c < BC; c++) {
                    s[out + c] += x * bt[bp + c];
                }
            }
        }
    }

    @Override
    public void accumulate(int rows, int width, int inner, float[] a, int aOff, int ars, int acs,
                           float[] b, int bOff, int ldb, float[] c, int cOff, int ldc) {
        for (int r = 0; r < rows; r++) {
            int cr = cOff + r * ldc;
            int ar = aOff + r * ars;
            for (int k = 0; k < inner; k++) {
                float x = a[ar + k * acs];
                if (x == 0f) {
                    continue; // masked probabilities: nothing to add
                }
                int bk = bOff + k * ldb;
                for (int v = 0; v < width; v++) {
                    c[cr + v] += x * b[bk + v];
                }
            }
        }
    }

    @Override
    public void addAlibi(float[] s, int rows, int rowPos0, int col0, float slope) {
        for (int r = 0; r < rows; r++) {
            int base = col0 - (rowPos0 + r);
            for (int c = 0; c < BC; c++) {
                s[r * BC + c] -= slope * Math.abs(base + c);
            }
        }
    }

    @Override
    public void onlineSoftmax(int rows, float[] s, float[] m, float[] l, float[] o, int width) {
        for (int r = 0; r < rows; r++) {
            int row = r * BC;
            float max = Float.NEGATIVE_INFINITY;
            for (int c = 0; c < BC; c++) {
                max = Math.max(max, s[row + c]);
            }
            float mNew = Math.max(m[r], max);
            if (mNew == Float.NEGATIVE_INFINITY) {
                java.util.Arrays.fill(s, row, row + BC, 0f);
                continue;
            }
            float sum = 0f;
            for (int c = 0; c < BC; c++) {
                float p = (float) Math.exp(s[row + c] - mNew);
                s[row + c] = p;
                sum += p;
            }
            float alpha = (float) Math.exp(m[r] - mNew);
            l[r] = l[r] * alpha + sum;
            m[r] = mNew;
            if (alpha != 1f) {
                for (int v = r * width; v < (r + 1) * width; v++) {
                    o[v] *= alpha;
                }
            }
        }
    }

    @Override
    public void probabilities(int rows, float[] s, float[] lse, int lOff) {
        for (int r = 0; r < rows; r++) {
            float lr = lse[lOff + r];
            for (int c = r * BC; c < (r + 1) * BC; c++) {
                s[c] = (float) Math.exp(s[c] - lr);
            }
        }
    }

    @Override
    public void scoreGradients(int rows, float[] p, float[] dp, float[] delta, int dOff) {
        for (int r = 0; r < rows; r++) {
            float dr = delta[dOff + r];
            for (int c = r * BC; c < (r + 1) * BC; c++) {
                dp[c] = p[c] * (dp[c] - dr);
            }
        }
    }
}
