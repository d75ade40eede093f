package dev.jacobi.tensor.device;

import dev.jacobi.tensor.Accelerator;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Storage;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.ops.BinaryOp;
import dev.jacobi.tensor.ops.UnaryOp;

import java.util.Optional;

/**
 * The low-level ops a device implements so that {@link Tensor}, its views and its autograd rules work on
 * it unchanged. Every tensor argument lives on {@link #device()} (the dispatch in {@link Devices} has
 * already moved 0-d CPU scalars there) and may be any strided view; results are new contiguous tensors
 * on the device, made with {@link Storage#onDevice} and {@link Tensor#view}. Shapes, dtypes and axes
 * follow the CPU op of the same name (broadcasting, {@link BinaryOp#resultType} and so on).
 *
 * <p>A backend throws {@link UnsupportedOperationException} naming the op and the device for what it
 * cannot do (a dtype, an op of the table without a kernel), never falls back to the CPU silently:
 * {@link Devices#unsupported} builds the message.
 */
public interface DeviceBackend {
    /** The reductions a device implements. */
    enum Reduction {
        /** Sum of the elements. */
        SUM("sum"),
        /** Arithmetic mean. */
        MEAN("mean"),
        /** Maximum (NaN propagates). */
        MAX("max"),
        /** Minimum (NaN propagates). */
        MIN("min");

        private final String label;

        Reduction(String label) {
            this.label = label;
        }

        /** The op's name in messages. */
        public String label() {
            return label;
        }
    }

    /** The device whose ops these are. */
    Accelerator device();

    /** Storage for {@code size} elements on the device; contents unspecified. */
    Storage allocate(DType dtype, long size);

    /** A contiguous device copy of the CPU tensor {@code cpu} (any layout). */
    Tensor upload(Tensor cpu);

    /** A contiguous CPU copy of the device tensor {@code t} (any layout). */
    Tensor download(Tensor t);

    /** Copies {@code src} into {@code dst} (any layouts), broadcasting src to dst's shape and casting. */
    void copyInto(Tensor src, Tensor dst);

    /** Sets every element of {@code t} (any layout) to {@code value}, cast to its dtype. */
    void fill(Tensor t, double value);

    /** {@code op} applied elementwise. */
    Tensor unary(UnaryOp op, Tensor x);

    /** {@code op(a, b)} elementwise with broadcasting; predicates give BOOL. */
    Tensor binary(BinaryOp op, Tensor a, Tensor b);

    /** {@code a} where {@code cond} is true (nonzero), else {@code b}; all three broadcast. */
    Tensor where(Tensor cond, Tensor a, Tensor b);

    /** {@code op} over {@code axes} (all when empty), keeping them as size 1 when {@code keepDim}. */
    Tensor reduce(Reduction op, Tensor x, int[] axes, boolean keepDim);

    /** Softmax (or log-softmax when {@code log}) along {@code axis}. */
    Tensor softmax(Tensor x, int axis, boolean log);

    /** Layer norm over the last dimension; {@code weight} and {@code bias} are 1-D, or null. */
    Tensor layerNorm(Tensor x, Tensor weight, Tensor bias, double eps);

    /** The matrix product with NumPy's {@code matmul} rules (1-D operands, broadcast batch dimensions). */
    Tensor matmul(Tensor a, Tensor b);

    /**
     * Scaled dot-product attention {@code softmax(scale q k^T + bias) v} for q {@code [..., Lq, D]}, k and
     * v {@code [..., Lk, D]}, in one fused kernel, when the device has one for these arguments; empty
     * otherwise (the caller then composes it from the other ops).
     *
     * @param causal      query i attends to keys j &lt;= i only
     * @param alibiSlopes null, or one slope per head (the dimension before Lq), adding {@code slope * (j - i)}
     */
    default Optional<Tensor> attention(Tensor q, Tensor k, Tensor v, boolean causal, Tensor alibiSlopes, double scale) {
        return Optional.empty();
    }
}
