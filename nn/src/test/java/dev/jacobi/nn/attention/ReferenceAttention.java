package dev.jacobi.nn.attention;

/**
 * Attention in float64 with plain loops, written for the tests independently of the kernels (its own
 * mask rules too): the reference every attention property compares against. Arrays are row-major
 * [batch, heads, n, d]; one sequence length per call (the padded layout).
 */
final class ReferenceAttention {
    /** Which keys are attended and the additive bias, as the tests describe them. */
    record Rules(boolean causal, int blockSize, double[] slopes, boolean[] mask, int[] maskShape, int[] keyLengths) {
        static Rules none() {
            return new Rules(false, 0, null, null, null, null);
        }

        boolean allowed(int b, int h, int i, int j, int nq, int nk) {
            int pos = i + nk - nq;
            if (causal && j > pos) {
                return false;
            }
            if (blockSize > 0 && Math.floorDiv(j, blockSize) > Math.floorDiv(pos, blockSize)) {
                return false;
            }
            if (keyLengths != null && j >= keyLengths[b]) {
                return false;
            }
            if (mask != null) {
                int[] s = maskShape;
                int idx = s.length == 2 ? i * nk + j
                        : (((s[0] == 1 ? 0 : b) * s[1] + (s[1] == 1 ? 0 : h)) * nq + i) * nk + j;
                return mask[idx];
            }
            return true;
        }

        double bias(int h, int i, int j, int nq, int nk) {
            return slopes == null ? 0 : -slopes[h] * Math.abs(i + nk - nq - j);
        }
    }

    /** Forward results: O [B, H, nq, d] and L [B, H, nq]. */
    record Forward(double[] o, double[] lse) {
    }

    /** Gradients shaped as q, k, v. */
    record Gradients(double[] dq, double[] dk, double[] dv) {
    }

    private ReferenceAttention() {
    }

    /** The probabilities P [B, H, nq, nk] and L; masked entries and rows with no key give 0 (L = -inf). */
    private static double[][] probabilities(double[] q, double[] k, int batch, int heads, int nq, int nk, int d,
                                            double scale, Rules rules) {
        double[] p = new double[batch * heads * nq * nk];
        double[] lse = new double[batch * heads * nq];
        double[] s = new double[nk];
        for (int b = 0; b < batch; b++) {
            for (int h = 0; h < heads; h++) {
                int bh = b * heads + h;
                for (int i = 0; i < nq; i++) {
                    double max = Double.NEGATIVE_INFINITY;
                    for (int j = 0; j < nk; j++) {
                        if (!rules.allowed(b, h, i, j, nq, nk)) {
                            s[j] = Double.NEGATIVE_INFINITY;
                            continue;
                        }
                        double dot = 0;
                        for (int x = 0; x < d; x++) {
                            dot += q[(bh * nq + i) * d + x] * k[(bh * nk + j) * d + x];
                        }
                        s[j] = scale * dot + rules.bias(h, i, j, nq, nk);
                        max = Math.max(max, s[j]);
                    }
                    int row = bh * nq + i;
                    if (max == Double.NEGATIVE_INFINITY) {
                        lse[row] = Double.NEGATIVE_INFINITY;
                        continue;
                    }
                    double sum = 0;
                    for (int j = 0; j < nk; j++) {
                        sum += Math.exp(s[j] - max);
                    }
                    lse[row] = max + Math.log(sum);
                    for (int j = 0; j < nk; j++) {
                        p[row * nk + j] = Math.exp(s[j] - lse[row]);
                    }
                }
            }
        }
        return new double[][] {p, lse};
    }

    static Forward forward(double[] q, double[] k, double[] v, int batch, int heads, int nq, int nk, int d,
                           double scale, Rules rules) {
        double[][] pl = probabilities(q, k, batch, heads, nq, nk, d, scale, rules);
        double[] p = pl[0];
        double[] o = new double[batch * heads * nq * d];
        for (int bh = 0; bh < batch * heads; bh++) {
            for (int i = 0; i < nq; i++) {
                for (int j = 0; j < nk; j++) {
                    double w = p[(bh * nq + i) * nk + j];
                    for (int x = 0; x < d; x++) {
                        o[(bh * nq + i) * d + x] += w * v[(bh * nk + j) * d + x];
                    }
                }
            }
        }
        return new Forward(o, pl[1]);
    }

    /** Gradients of sum(O * dO): dV = P^T dO, dP = dO V^T, dS = P (dP - rowsum(P dP)), dQ = scale dS K, dK = scale dS^T Q. */
    static Gradients backward(double[] q, double[] k, double[] v, double[] dO, int batch, int heads, int nq, int nk,
                              int d, double scale, Rules rules) {
        double[] p = probabilities(q, k, batch, heads, nq, nk, d, scale, rules)[0];
        double[] dq = new double[q.length];
        double[] dk = new double[k.length];
        double[] dv = new double[v.length];
        double[] dp = new double[nk];
        for (int bh = 0; bh < batch * heads; bh++) {
            for (int i = 0; i < nq; i++) {
                int qi = (bh * nq + i) * d;
                double rowSum = 0;
                for (int j = 0; j < nk; j++) {
                    double dot = 0;
                    for (int x = 0; x < d; x++) {
                        dot += dO[qi + x] * v[(bh * nk + j) * d + x];
                    }
                    dp[j] = dot;
                    rowSum += p[(bh * nq + i) * nk + j] * dot;
                }
                for (int j = 0; j < nk; j++) {
                    double pij = p[(bh * nq + i) * nk + j];
                    double ds = pij * (dp[j] - rowSum);
                    int kj = (bh * nk + j) * d;
                    for (int x = 0; x < d; x++) {
                        dv[kj + x] += pij * dO[qi + x];
                        dq[qi + x] += scale * ds * k[kj + x];
                        dk[kj + x] += scale * ds * q[qi + x];
                    }
                }
            }
        }
        return new Gradients(dq, dk, dv);
    }
}
