package dev.jacobi.algorithms.wavelet;

import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The single-level discrete wavelet transform and its inverse along one, two or n chosen axes, and the
 * multilevel decomposition, with PyWavelets' conventions, lengths and results ({@code pywt.dwt},
 * {@code idwt}, {@code dwt2}, {@code idwt2}, {@code dwtn}, {@code idwtn}, {@code wavedec},
 * {@code waverec}).
 *
 * <p>Inputs are float32 or float64 tensors; results have the input's dtype (computed in float64).
 * Every transform is differentiable: it records one autograd op per axis whose gradient is the true
 * transpose of the transform.
 */
public final class Dwt {
    private Dwt() {
    }

    /** The approximation (low-pass) and detail (high-pass) coefficients of one analysis step. */
    public record Pair(Tensor approximation, Tensor detail) {
    }

    /** The four sub-bands of one 2-D step, PyWavelets' {@code (cA, (cH, cV, cD))}. */
    public record Bands2D(Tensor approximation, Tensor horizontal, Tensor vertical, Tensor diagonal) {
        /** The bands in PyWavelets' order: cA, cH, cV, cD. */
        public List<Tensor> asList() {
            return List.of(approximation, horizontal, vertical, diagonal);
        }
    }

    /**
     * One analysis step along the last axis ({@code pywt.dwt(x, w, mode)}).
     *
     * @param mode a PyWavelets mode name, see {@link Mode#named}
     * @return approximation and detail, each of length {@code Mode.coefficients(n, L)} along the last axis
     */
    public static Pair forward(Tensor x, Wavelet w, String mode) {
        return forward(x, w, Mode.named(mode), -1);
    }

    /**
     * One analysis step along {@code axis} (negative counts from the end).
     *
     * @throws IllegalArgumentException for a non-float dtype, a bad axis or an empty axis
     */
    public static Pair forward(Tensor x, Wavelet w, Mode mode, int axis) {
        int ax = checkAxis("Dwt.forward", x, axis);
        Tensor y = analyzeLast(moveToEnd(x, ax), w, mode);
        int r = y.rank();
        return new Pair(moveFromEnd(y.select(r - 2, 0), ax), moveFromEnd(y.select(r - 2, 1), ax));
    }

    /**
     * One synthesis step along the last axis ({@code pywt.idwt(a, d, w, mode)}); a or d may be null
     * (zeros). The result has {@code 2n} samples in periodization mode, {@code 2n - L + 2} otherwise.
     */
    public static Tensor inverse(Tensor a, Tensor d, Wavelet w, String mode) {
        return inverse(a, d, w, Mode.named(mode), -1);
    }

    /**
     * One synthesis step along {@code axis}.
     *
     * @throws IllegalArgumentException when both bands are null, their shapes or dtypes differ, or the
     *                                  bands are too short for the filter in a non-periodization mode
     */
    public static Tensor inverse(Tensor a, Tensor d, Wavelet w, Mode mode, int axis) {
        if (a == null && d == null) {
            throw new IllegalArgumentException("Dwt.inverse: both the approximation and the detail are null");
        }
        Tensor like = a != null ? a : d;
        if (a != null && d != null && (!Arrays.equals(a.shape(), d.shape()) || a.dtype() != d.dtype())) {
            throw new IllegalArgumentException("Dwt.inverse: approximation " + Shapes.format(a.shape()) + " " + a.dtype()
                    + " and detail " + Shapes.format(d.shape()) + " " + d.dtype() + " must have one shape and dtype");
        }
        int ax = checkAxis("Dwt.inverse", like, axis);
        Tensor am = moveToEnd(a != null ? a : Tensor.zerosLike(d), ax);
        Tensor dm = moveToEnd(d != null ? d : Tensor.zerosLike(a), ax);
        Tensor y = synthesizeLast(Tensor.stack(List.of(am, dm), am.rank() - 1), w, mode, "Dwt.inverse");
        return moveFromEnd(y, ax);
    }

    /** One 2-D analysis step over the last two axes ({@code pywt.dwt2}). */
    public static Bands2D forward2(Tensor x, Wavelet w, Mode mode) {
        Map<String, Tensor> c = forwardN(x, w, mode, -2, -1);
        return new Bands2D(c.get("aa"), c.get("da"), c.get("ad"), c.get("dd"));
    }

    /** One 2-D synthesis step over the last two axes ({@code pywt.idwt2}). */
    public static Tensor inverse2(Bands2D bands, Wavelet w, Mode mode) {
        Map<String, Tensor> c = new LinkedHashMap<>();
        c.put("aa", bands.approximation());
        c.put("da", bands.horizontal());
        c.put("ad", bands.vertical());
        c.put("dd", bands.diagonal());
        return inverseN(c, w, mode, -2, -1);
    }

    /**
     * One n-D analysis step over the given axes ({@code pywt.dwtn}): the bands keyed by one letter per
     * axis, 'a' (low-pass) or 'd' (high-pass), in the order of {@code axes}; keys in lexicographic order.
     *
     * @throws IllegalArgumentException for no axes, a bad or repeated axis
     */
    public static Map<String, Tensor> forwardN(Tensor x, Wavelet w, Mode mode, int... axes) {
        int[] ax = checkAxes("Dwt.forwardN", x, axes);
        Map<String, Tensor> bands = new LinkedHashMap<>();
        bands.put("", x);
        for (int axis : ax) {
            Map<String, Tensor> next = new LinkedHashMap<>();
            for (Map.Entry<String, Tensor> e : bands.entrySet()) {
                Pair p = forward(e.getValue(), w, mode, axis);
                next.put(e.getKey() + "a", p.approximation());
                next.put(e.getKey() + "d", p.detail());
            }
            bands = next;
        }
        return Collections.unmodifiableMap(bands);
    }

    /**
     * One n-D synthesis step ({@code pywt.idwtn}) from bands keyed as {@link #forwardN} makes them; a
     * missing key counts as zeros.
     *
     * @throws IllegalArgumentException for a key of the wrong length or letters, or no band at all
     */
    public static Tensor inverseN(Map<String, Tensor> bands, Wavelet w, Mode mode, int... axes) {
        if (bands.isEmpty()) {
            throw new IllegalArgumentException("Dwt.inverseN: no bands");
        }
        for (String k : bands.keySet()) {
            if (k.length() != axes.length || !k.matches("[ad]*")) {
                throw new IllegalArgumentException("Dwt.inverseN: band key '" + k + "' must be " + axes.length
                        + " letters a/d, one per axis " + Arrays.toString(axes));
            }
        }
        Tensor any = bands.values().iterator().next();
        int[] ax = checkAxes("Dwt.inverseN", any, axes);
        Map<String, Tensor> current = new LinkedHashMap<>(bands);
        for (int level = ax.length - 1; level >= 0; level--) {
            Map<String, Tensor> next = new LinkedHashMap<>();
            for (String key : keys(level)) {
                Tensor a = current.get(key + "a");
                Tensor d = current.get(key + "d");
                if (a != null || d != null) {
                    next.put(key, inverse(a, d, w, mode, ax[level]));
                }
            }
            current = next;
        }
        return current.get("");
    }

    /**
     * The multilevel decomposition along {@code axis} ({@code pywt.wavedec}): {@code [cA_J, cD_J, ...,
     * cD_1]}.
     *
     * @param levels J >= 0, or -1 for {@link #maxLevel}
     */
    public static List<Tensor> decompose(Tensor x, Wavelet w, Mode mode, int levels, int axis) {
        int ax = checkAxis("Dwt.decompose", x, axis);
        int j = levels < 0 ? maxLevel(x.size(ax), w) : levels;
        List<Tensor> details = new ArrayList<>();
        Tensor a = x;
        for (int l = 0; l < j; l++) {
            Pair p = forward(a, w, mode, ax);
            details.add(p.detail());
            a = p.approximation();
        }
        List<Tensor> out = new ArrayList<>();
        out.add(a);
        Collections.reverse(details);
        out.addAll(details);
        return out;
    }

    /**
     * The multilevel reconstruction ({@code pywt.waverec}) from {@code [cA_J, cD_J, ..., cD_1]}; an
     * approximation one sample longer than the next detail loses its last sample, as in PyWavelets.
     */
    public static Tensor reconstruct(List<Tensor> coefficients, Wavelet w, Mode mode, int axis) {
        if (coefficients.isEmpty()) {
            throw new IllegalArgumentException("Dwt.reconstruct: no coefficients");
        }
        Tensor a = coefficients.get(0);
        int ax = checkAxis("Dwt.reconstruct", a, axis);
        for (int i = 1; i < coefficients.size(); i++) {
            Tensor d = coefficients.get(i);
            if (a.size(ax) == d.size(ax) + 1) {
                a = a.slice(ax, 0, d.size(ax));
            }
            a = inverse(a, d, w, mode, ax);
        }
        return a;
    }

    /** PyWavelets' {@code dwt_max_level}: floor(log2(n / (L - 1))), at least 0. */
    public static int maxLevel(int n, Wavelet w) {
        int len = w.length();
        if (len < 2 || n < len - 1) {
            return 0;
        }
        return 31 - Integer.numberOfLeadingZeros(n / (len - 1));
    }

    // ---------------------------------------------------------------- helpers shared with the packets

    /** Analysis along the last axis: [..., n] -> [..., 2, coefficients]. */
    static Tensor analyzeLast(Tensor x, Wavelet w, Mode mode) {
        return LinearMap.apply(new LineMap(LineMap.Kind.ANALYSIS, w.lo(true), w.hi(true), mode, x.size(x.rank() - 1)), x);
    }

    /** Synthesis along the last axis: [..., 2, n] -> [..., samples]. */
    static Tensor synthesizeLast(Tensor y, Wavelet w, Mode mode, String op) {
        int n = y.size(y.rank() - 1);
        if (LineTransforms.synthesisLength(n, w.length(), mode) < 1) {
            throw new IllegalArgumentException(op + ": " + n + " coefficients per band are too few for " + w.name()
                    + " (filter length " + w.length() + ") in mode " + mode.pywtName() + "; need at least "
                    + (w.length() / 2));
        }
        return LinearMap.apply(new LineMap(LineMap.Kind.SYNTHESIS, w.lo(false), w.hi(false), mode, n), y);
    }

    static Tensor moveToEnd(Tensor x, int axis) {
        int r = x.rank();
        if (axis == r - 1) {
            return x;
        }
        int[] order = new int[r];
        for (int i = 0, k = 0; i < r; i++) {
            if (i != axis) {
                order[k++] = i;
            }
        }
        order[r - 1] = axis;
        return x.permute(order).contiguous();
    }

    static Tensor moveFromEnd(Tensor x, int axis) {
        int r = x.rank();
        if (axis == r - 1) {
            return x;
        }
        int[] order = new int[r];
        for (int i = 0, k = 0; i < r; i++) {
            order[i] = i == axis ? r - 1 : k++;
        }
        return x.permute(order).contiguous();
    }

    static int checkAxis(String op, Tensor x, int axis) {
        if (!x.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": expected a float32 or float64 tensor, got " + x.dtype());
        }
        int r = x.rank();
        int ax = axis < 0 ? axis + r : axis;
        if (ax < 0 || ax >= r) {
            throw new IllegalArgumentException(op + ": axis " + axis + " is out of range for shape " + Shapes.format(x.shape()));
        }
        if (x.size(ax) == 0) {
            throw new IllegalArgumentException(op + ": axis " + axis + " of shape " + Shapes.format(x.shape()) + " is empty");
        }
        return ax;
    }

    private static int[] checkAxes(String op, Tensor x, int[] axes) {
        if (axes.length == 0) {
            throw new IllegalArgumentException(op + ": no axes given");
        }
        int[] ax = new int[axes.length];
        for (int i = 0; i < axes.length; i++) {
            ax[i] = checkAxis(op, x, axes[i]);
            for (int k = 0; k < i; k++) {
                if (ax[k] == ax[i]) {
                    throw new IllegalArgumentException(op + ": axis " + axes[i] + " is repeated in " + Arrays.toString(axes));
                }
            }
        }
        return ax;
    }

    private static List<String> keys(int length) {
        List<String> keys = new ArrayList<>(List.of(""));
        for (int i = 0; i < length; i++) {
            List<String> next = new ArrayList<>();
            for (String k : keys) {
                next.add(k + "a");
                next.add(k + "d");
            }
            keys = next;
        }
        return keys;
    }
}
