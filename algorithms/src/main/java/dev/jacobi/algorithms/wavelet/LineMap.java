package dev.jacobi.algorithms.wavelet;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;

import java.util.Arrays;

/**
 * One analysis or synthesis step (or its transpose) along the last axis, as a {@link LinearMap}.
 * Shapes: analysis [..., n] -> [..., 2, coefficients(n)] (approximation, detail); synthesis
 * [..., 2, n] -> [..., synthesisLength(n)]. Computed in float64 by {@link LineTransforms}; the result
 * has the input's dtype.
 */
record LineMap(Kind kind, double[] lo, double[] hi, Mode mode, int n) implements LinearMap {
    /** Which of the four line maps; n is the signal length (analysis) or band length (synthesis). */
    enum Kind { ANALYSIS, ANALYSIS_TRANSPOSE, SYNTHESIS, SYNTHESIS_TRANSPOSE }

    @Override
    public String name() {
        return switch (kind) {
            case ANALYSIS -> "dwt";
            case ANALYSIS_TRANSPOSE -> "dwtTranspose";
            case SYNTHESIS -> "idwt";
            case SYNTHESIS_TRANSPOSE -> "idwtTranspose";
        };
    }

    @Override
    public LinearMap transpose() {
        Kind t = switch (kind) {
            case ANALYSIS -> Kind.ANALYSIS_TRANSPOSE;
            case ANALYSIS_TRANSPOSE -> Kind.ANALYSIS;
            case SYNTHESIS -> Kind.SYNTHESIS_TRANSPOSE;
            case SYNTHESIS_TRANSPOSE -> Kind.SYNTHESIS;
        };
        return new LineMap(t, lo, hi, mode, n);
    }

    @Override
    public Tensor compute(Tensor x) {
        int[] shape = x.shape();
        int len = lo.length;
        int coeffs = mode.coefficients(n, len);
        int samples = LineTransforms.synthesisLength(n, len, mode);
        // Leading dims of the input that are not part of one line's data.
        int lineDims = (kind == Kind.ANALYSIS || kind == Kind.SYNTHESIS_TRANSPOSE) ? 1 : 2;
        int[] lead = Arrays.copyOf(shape, shape.length - lineDims);
        int rows = 1;
        for (int s : lead) {
            rows = Math.multiplyExact(rows, s);
        }
        double[] in = x.to(DType.FLOAT64).contiguous().toDoubleArray();
        double[] out;
        int[] outTail;
        switch (kind) {
            case ANALYSIS -> {
                out = new double[rows * 2 * coeffs];
                LineTransforms.analyze(in, rows, n, lo, hi, mode, out);
                outTail = new int[] {2, coeffs};
            }
            case ANALYSIS_TRANSPOSE -> {
                out = new double[rows * n];
                LineTransforms.analyzeTranspose(in, rows, n, lo, hi, mode, out);
                outTail = new int[] {n};
            }
            case SYNTHESIS -> {
                out = new double[rows * samples];
                LineTransforms.synthesize(in, rows, n, lo, hi, mode, out);
                outTail = new int[] {samples};
            }
            default -> {
                out = new double[rows * 2 * n];
                LineTransforms.synthesizeTranspose(in, rows, n, lo, hi, mode, out);
                outTail = new int[] {2, n};
            }
        }
        int[] outShape = Arrays.copyOf(lead, lead.length + outTail.length);
        System.arraycopy(outTail, 0, outShape, lead.length, outTail.length);
        Tensor result = Tensor.of(out, outShape);
        return x.dtype() == DType.FLOAT64 ? result : result.to(x.dtype());
    }
}
