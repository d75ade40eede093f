package dev.jacobi.tensor;

/** Renders a tensor as text, NumPy style, eliding the middle of long dimensions. */
final class TensorFormat {
    private static final int EDGE = 3;
    private static final int ELIDE_ABOVE = 8;

    private TensorFormat() {
    }

    static String format(Tensor t) {
        if (t.device() != Device.CPU) { // the values are in device memory: say where, fetch nothing
            return "tensor(shape=" + Shapes.format(t.shape()) + ", dtype=" + t.dtype() + ", device=" + t.device().name() + ")";
        }
        StringBuilder sb = new StringBuilder("tensor(");
        int[] idx = new int[t.rank()];
        appendDim(t, idx, 0, sb, "       ");
        sb.append(", shape=").append(Shapes.format(t.shape())).append(", dtype=").append(t.dtype()).append(')');
        return sb.toString();
    }

    private static void appendDim(Tensor t, int[] idx, int dim, StringBuilder sb, String indent) {
        if (dim == t.rank()) {
            appendValue(t, idx, sb);
            return;
        }
        int n = t.size(dim);
        sb.append('[');
        for (int i = 0; i < n; i++) {
            if (n > ELIDE_ABOVE && i == EDGE) {
                sb.append("..., ");
                i = n - EDGE;
            }
            idx[dim] = i;
            appendDim(t, idx, dim + 1, sb, indent + " ");
            if (i < n - 1) {
                sb.append(dim == t.rank() - 1 ? ", " : ",\n" + indent + " ");
            }
        }
        sb.append(']');
    }

    private static void appendValue(Tensor t, int[] idx, StringBuilder sb) {
        DType dt = t.dtype();
        double v = t.getDouble(idx);
        if (dt.isBool()) {
            sb.append(v != 0);
        } else if (dt.isInteger()) {
            sb.append((long) v);
        } else if (dt.isComplex()) {
            double im = t.getImag(idx);
            sb.append(String.format("%.4g%s%.4gj", v, im < 0 ? "" : "+", im));
        } else {
            sb.append(String.format("%.4g", v));
        }
    }
}
