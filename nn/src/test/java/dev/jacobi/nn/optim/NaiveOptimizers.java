package dev.jacobi.nn.optim;

/**
 * The update equations of torch.optim's documentation, one scalar at a time in float64, written from
 * the documented pseudocode (not from our kernels): the reference the optimizer properties compare with.
 */
final class NaiveOptimizers {
    private NaiveOptimizers() {
    }

    /** Parameters after SGD steps with {@code grads[k]} before step k. */
    static double[] sgd(double[] p0, double[][] grads, SGD.Options o) {
        double[] p = p0.clone();
        double[] buf = new double[p.length];
        for (int k = 0; k < grads.length; k++) {
            for (int i = 0; i < p.length; i++) {
                double g = grads[k][i];
                if (o.weightDecay() != 0) {
                    g += o.weightDecay() * p[i];
                }
                if (o.momentum() != 0) {
                    buf[i] = k == 0 ? g : o.momentum() * buf[i] + (1 - o.dampening()) * g;
                    g = o.nesterov() ? g + o.momentum() * buf[i] : buf[i];
                }
                p[i] -= o.lr() * g;
            }
        }
        return p;
    }

    /** Parameters after Adam ({@code decoupled = false}) or AdamW steps. */
    static double[] adam(double[] p0, double[][] grads, Adam.Options o, boolean decoupled) {
        double[] p = p0.clone();
        double[] m = new double[p.length];
        double[] v = new double[p.length];
        double[] vmax = new double[p.length];
        for (int k = 0; k < grads.length; k++) {
            int t = k + 1;
            for (int i = 0; i < p.length; i++) {
                double g = grads[k][i];
                if (decoupled) {
                    p[i] -= o.lr() * o.weightDecay() * p[i];
                } else if (o.weightDecay() != 0) {
                    g += o.weightDecay() * p[i];
                }
                m[i] = o.beta1() * m[i] + (1 - o.beta1()) * g;
                v[i] = o.beta2() * v[i] + (1 - o.beta2()) * g * g;
                double mHat = m[i] / (1 - Math.pow(o.beta1(), t));
                double second = v[i];
                if (o.amsgrad()) {
                    vmax[i] = Math.max(vmax[i], v[i]);
                    second = vmax[i];
                }
                double vHat = second / (1 - Math.pow(o.beta2(), t));
                p[i] -= o.lr() * mHat / (Math.sqrt(vHat) + o.eps());
            }
        }
        return p;
    }
}
