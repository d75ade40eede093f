package dev.jacobi.algorithms.compress;

/**
 * Lossless spatial prediction of integer planes with the median edge detector of LOCO-I / JPEG-LS
 * (Weinberger, Seroussi and Sapiro, IEEE TIP 9(8), 2000): each value is predicted from its left (a),
 * upper (b) and upper-left (c) neighbours as {@code min(a, b)} when {@code c >= max(a, b)},
 * {@code max(a, b)} when {@code c <= min(a, b)}, else {@code a + b − c}; neighbours outside the plane
 * count as 0. The residuals (value − prediction) of a smooth plane are small and peaked at 0, which an
 * adaptive model codes in fewer bits than the values; {@link #restore} inverts {@link #residuals} exactly.
 */
final class Prediction {
    private Prediction() {
    }

    /** The residuals of the {@code h x w} row-major plane {@code v}. */
    static int[] residuals(int[] v, int h, int w) {
        int[] r = new int[v.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                r[y * w + x] = v[y * w + x] - predict(v, y, x, w);
            }
        }
        return r;
    }

    /** The plane whose residuals are {@code r}. */
    static int[] restore(int[] r, int h, int w) {
        int[] v = new int[r.length];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                v[y * w + x] = r[y * w + x] + predict(v, y, x, w);
            }
        }
        return v;
    }

    private static int predict(int[] v, int y, int x, int w) {
        int a = x > 0 ? v[y * w + x - 1] : 0;
        int b = y > 0 ? v[(y - 1) * w + x] : 0;
        int c = x > 0 && y > 0 ? v[(y - 1) * w + x - 1] : 0;
        if (c >= Math.max(a, b)) {
            return Math.min(a, b);
        }
        if (c <= Math.min(a, b)) {
            return Math.max(a, b);
        }
        return a + b - c;
    }
}
