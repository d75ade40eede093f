package dev.jacobi.tensor.ops;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.device.Devices;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Concatenation, stacking and splitting, with {@code torch.cat}, {@code torch.stack},
 * {@code torch.split} and {@code torch.chunk} semantics, except that {@link #concat} does not skip
 * 1-D empty tensors of a different rank (as NumPy's {@code concatenate}: every operand has the same rank).
 */
public final class Joining {
    private Joining() {
    }

    /**
     * Joins {@code tensors} along {@code dim} (negative counts from the end) into a new contiguous tensor.
     * All have the same rank and the same sizes except along {@code dim}; the result's dtype is the
     * {@link DType#promote promotion} of all of theirs. Tensors of size 0 along {@code dim} contribute
     * nothing but must still match the other sizes.
     *
     * @throws IllegalArgumentException when the list is empty, a tensor is 0-dimensional, or a rank or size
     *                                  differs (the message names the offending tensor's position and both shapes)
     */
    public static Tensor concat(List<Tensor> tensors, int dim) {
        Devices.requireCpu("concat", tensors.toArray(Tensor[]::new));
        if (tensors.isEmpty()) {
            throw new IllegalArgumentException("concat: needs at least one tensor");
        }
        Tensor first = tensors.getFirst();
        int[] s0 = first.shape();
        if (s0.length == 0) {
            throw new IllegalArgumentException("concat: tensor 0 is 0-dimensional and has no dimension to join along;"
                    + " use stack");
        }
        int ax = Shapes.axis("concat", dim, s0.length);
        DType dtype = first.dtype();
        long total = 0;
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            int[] s = t.shape();
            if (!sameExcept(s0, s, ax)) {
                throw new IllegalArgumentException("concat: tensor " + i + " has shape " + Shapes.format(s)
                        + ", tensor 0 has shape " + Shapes.format(s0) + "; all must have rank " + s0.length
                        + " and equal sizes except along dimension " + ax
                        + (s.length == 1 && s[0] == 0 ? " (empty 1-D tensors are not skipped as torch.cat does)" : ""));
            }
            t.storage().checkAlive();
            total += s[ax];
            dtype = DType.promote(dtype, t.dtype());
        }
        if (total > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("concat: the joined dimension " + ax + " would have " + total
                    + " elements, more than an int holds");
        }
        int[] outShape = s0.clone();
        outShape[ax] = (int) total;
        Tensor out = Tensor.empty(dtype, outShape);
        int at = 0;
        for (Tensor t : tensors) {
            int n = t.size(ax);
            if (n > 0) {
                out.slice(ax, at, at + n).copyFrom(t);
            }
            at += n;
        }
        return out;
    }

    /**
     * Stacks tensors of one shape along a new dimension {@code dim} of the result (so {@code dim} may
     * range over {@code [-(rank+1), rank]}); dtypes promote as in {@link #concat}.
     *
     * @throws IllegalArgumentException when the list is empty or shapes differ (naming the tensor's position and both shapes)
     */
    public static Tensor stack(List<Tensor> tensors, int dim) {
        Devices.requireCpu("stack", tensors.toArray(Tensor[]::new));
        if (tensors.isEmpty()) {
            throw new IllegalArgumentException("stack: needs at least one tensor");
        }
        int[] s0 = tensors.getFirst().shape();
        int ax = Shapes.axis("stack", dim, s0.length + 1);
        List<Tensor> expanded = new ArrayList<>(tensors.size());
        for (int i = 0; i < tensors.size(); i++) {
            Tensor t = tensors.get(i);
            if (!Arrays.equals(s0, t.shape())) {
                throw new IllegalArgumentException("stack: tensor " + i + " has shape " + Shapes.format(t.shape())
                        + ", tensor 0 has shape " + Shapes.format(s0) + "; all must have the same shape");
            }
            expanded.add(t.unsqueeze(ax));
        }
        return concat(expanded, ax);
    }

    /**
     * Views (no copies) of consecutive pieces of {@code t} along {@code dim}, piece i having {@code sizes[i]}
     * elements along it. Sizes may be 0.
     *
     * @throws IllegalArgumentException when a size is negative or the sizes do not add up to {@code t.size(dim)}
     */
    public static List<Tensor> split(Tensor t, int[] sizes, int dim) {
        int[] shape = t.shape();
        if (shape.length == 0) {
            throw new IllegalArgumentException("split: a 0-dimensional tensor cannot be split");
        }
        int ax = Shapes.axis("split", dim, shape.length);
        long sum = 0;
        for (int s : sizes) {
            if (s < 0) {
                throw new IllegalArgumentException("split: negative size in " + Arrays.toString(sizes));
            }
            sum += s;
        }
        if (sum != shape[ax]) {
            throw new IllegalArgumentException("split: sizes " + Arrays.toString(sizes) + " add up to " + sum
                    + ", but dimension " + ax + " of shape " + Shapes.format(shape) + " has " + shape[ax]);
        }
        List<Tensor> parts = new ArrayList<>(sizes.length);
        int at = 0;
        for (int s : sizes) {
            parts.add(t.slice(ax, at, at + s));
            at += s;
        }
        return List.copyOf(parts);
    }

    /**
     * Views of {@code t} split along {@code dim} into pieces of {@code ceil(size / chunks)} elements, the
     * last one smaller when the size does not divide; as {@code torch.chunk} this can give fewer than
     * {@code chunks} pieces (size 5 in 4 chunks gives 2, 2, 1), and a dimension of size 0 gives one empty piece.
     *
     * @throws IllegalArgumentException when {@code chunks} is not positive
     */
    public static List<Tensor> chunk(Tensor t, int chunks, int dim) {
        int[] shape = t.shape();
        if (chunks <= 0) {
            throw new IllegalArgumentException("chunk: chunks must be positive, got " + chunks);
        }
        if (shape.length == 0) {
            throw new IllegalArgumentException("chunk: a 0-dimensional tensor cannot be split");
        }
        int ax = Shapes.axis("chunk", dim, shape.length);
        int n = shape[ax];
        if (n == 0) {
            return List.of(t.slice(ax, 0, 0));
        }
        int piece = (int) ((n + (long) chunks - 1) / chunks);
        int count = (n + piece - 1) / piece;
        int[] sizes = new int[count];
        for (int i = 0; i < count; i++) {
            sizes[i] = Math.min(piece, n - i * piece);
        }
        return split(t, sizes, ax);
    }

    private static boolean sameExcept(int[] a, int[] b, int skip) {
        if (a.length != b.length) {
            return false;
        }
        for (int i = 0; i < a.length; i++) {
            if (i != skip && a[i] != b[i]) {
                return false;
            }
        }
        return true;
    }
}
