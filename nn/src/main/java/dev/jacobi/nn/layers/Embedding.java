package dev.jacobi.nn.layers;

import dev.jacobi.nn.Init;
import dev.jacobi.nn.Layer;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;

/**
 * A lookup table of {@code num} vectors of size {@code dim}, as {@code torch.nn.Embedding}: an integer
 * index tensor of any shape {@code [...]} gives {@code [..., dim]}, the rows of {@code weight}.
 *
 * <p>Parameter: {@code weight} {@code [num, dim]}, initialized N(0, 1) as PyTorch does. With a
 * padding index, that row starts at zero and receives no gradient (its output rows still carry the
 * row's value), as {@code padding_idx}; the forward-mode tangent is masked in the same way.
 */
public final class Embedding extends Layer {
    private final int num;
    private final int dim;
    private final int paddingIndex;

    private Embedding(int num, int dim, int paddingIndex, DType dtype, Generator gen) {
        if (num < 1 || dim < 1) {
            throw new IllegalArgumentException("Embedding: sizes must be >= 1, got num=" + num + ", dim=" + dim);
        }
        if (paddingIndex < -1 || paddingIndex >= num) {
            throw new IllegalArgumentException("Embedding(num=" + num + "): padding index " + paddingIndex
                    + " is outside [0, " + num + ")");
        }
        this.num = num;
        this.dim = dim;
        this.paddingIndex = paddingIndex;
        Tensor w = Init.normal(registerParameter("weight", Tensor.zeros(dtype, num, dim)), 0, 1, gen);
        if (paddingIndex >= 0) {
            try (var g = Autograd.noGrad()) {
                w.select(0, paddingIndex).fill(0);
            }
        }
    }

    /** A float32 table without a padding index, initialized N(0, 1) from {@code gen}. */
    public static Embedding of(int num, int dim, Generator gen) {
        return new Embedding(num, dim, -1, DType.FLOAT32, gen);
    }

    /**
     * A float32 table whose row {@code paddingIndex} (in {@code [0, num)}) is zero and never trained.
     * Negative indices count from the end, as PyTorch allows.
     */
    public static Embedding withPadding(int num, int dim, int paddingIndex, Generator gen) {
        return new Embedding(num, dim, paddingIndex < 0 ? paddingIndex + num : paddingIndex, DType.FLOAT32, gen);
    }

    /** The table, {@code [num, dim]}. */
    public Tensor weight() {
        return parameter("weight");
    }

    /** The padding index, or -1 when there is none. */
    public int paddingIndex() {
        return paddingIndex;
    }

    /**
     * The rows of the table at {@code indices}.
     *
     * @param indices an int32 (or int8) tensor of any shape, values in {@code [0, num)}
     * @return {@code [...indices.shape, dim]}
     * @throws IllegalArgumentException  when the indices are not integers
     * @throws IndexOutOfBoundsException when an index is outside the table
     */
    @Override
    public Tensor forward(Tensor indices) {
        if (!indices.dtype().isInteger()) {
            throw new IllegalArgumentException(this + ": indices must be int32 or int8, got " + indices.dtype()
                    + " of shape " + Shapes.format(indices.shape()));
        }
        Tensor flat = indices.reshape(-1);
        Tensor w = weight();
        Tensor rows;
        try {
            rows = paddingIndex < 0 ? w.indexSelect(0, flat) : selectMaskingPadding(w, flat);
        } catch (IndexOutOfBoundsException e) {
            throw new IndexOutOfBoundsException(this + ": " + e.getMessage());
        }
        int[] shape = java.util.Arrays.copyOf(indices.shape(), indices.rank() + 1);
        shape[indices.rank()] = dim;
        return rows.reshape(shape);
    }

    /** indexSelect whose gradient (and tangent) is zero in the rows that look up the padding index. */
    private Tensor selectMaskingPadding(Tensor w, Tensor flat) {
        Tensor keep = flat.ne(Tensor.scalar(flat.dtype(), paddingIndex)).to(w.dtype()).unsqueeze(1);
        return Autograd.op("Embedding", () -> w.indexSelect(0, flat),
                (g, y, n) -> new Tensor[] {Tensor.zeros(g.dtype(), w.shape())
                        .scatterAdd(0, flat.unsqueeze(1).expand(g.shape()), g.mul(keep)), null},
                (t, y) -> t[0] == null ? null : t[0].indexSelect(0, flat).mul(keep), w, flat);
    }

    @Override
    protected String extraRepr() {
        return "num=" + num + ", dim=" + dim + (paddingIndex >= 0 ? ", paddingIndex=" + paddingIndex : "");
    }

    @Override
    public String toString() {
        return "Embedding(" + extraRepr() + ")";
    }
}
