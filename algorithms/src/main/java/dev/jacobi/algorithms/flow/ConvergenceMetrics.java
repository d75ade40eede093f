package dev.jacobi.algorithms.flow;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/**
 * The per-block metrics of Liu &amp; Qin (2025) that decide how to invert each TarFlow block, measured on
 * a batch of data pushed forward through the model:
 *
 * <ul>
 * <li><b>CRM</b> (Convergence Ranking Metric): with {@code x} the block's input (data side),
 * {@code a(x)} its shifted log-scales and {@code W_a, W_b} ({@code D×Ch}) the two halves of
 * {@code proj_out.weight}, {@code CRM = ‖mean_batch(exp(−a(x)) ⊙ x)‖·‖W_a‖ + ‖W_b‖} — a proxy for the
 * Lipschitz constant of the fixed-point map {@code Φ(y) = z ⊙ exp(a(y)) + b(y)}, so a large CRM means
 * slow Jacobi convergence. Reported as a share {@code 100·CRM_k / Σ_j CRM_j}.</li>
 * <li><b>IGM</b> (Initial Guessing Metric) of a candidate start {@code Y0}: one Jacobi step
 * {@code ŷ = z ⊙ exp(a(Y0)) + b(Y0)} from it, {@code IGM = ‖mean_batch(ŷ − x)‖} with {@code z} the
 * block's output. The start with the smaller IGM (z-init or zero-init) is chosen.</li>
 * </ul>
 *
 * <p>{@code ‖·‖} is the largest singular value of the {@code T×D} (or {@code D×Ch}) matrix by default
 * ({@link MatrixNorm}). As in the reference, a and b come from the mean class embedding (no label).
 * Sequences are taken in the block's own (permuted) token order; the norms do not depend on the order.
 */
public final class ConvergenceMetrics {
    private ConvergenceMetrics() {
    }

    /**
     * Pushes {@code data} {@code [N, T, D]} (patch sequences, the model's dtype) forward once and
     * measures every block with the spectral norm.
     *
     * @throws IllegalArgumentException when {@code data} does not have the model's shape and dtype, is empty, or
     *                                  a metric is not finite (the flow overflows on the data)
     */
    public static Report measure(TarFlow model, Tensor data) {
        return measure(model, data, MatrixNorm.SPECTRAL);
    }

    /** {@link #measure(TarFlow, Tensor)} with another norm. */
    public static Report measure(TarFlow model, Tensor data, MatrixNorm norm) {
        checkData("ConvergenceMetrics.measure", model, data);
        List<FlowBlock> blocks = model.blocks();
        double[] crm = new double[blocks.size()];
        double[] igmZ = new double[blocks.size()];
        double[] igmZero = new double[blocks.size()];
        try (var g = Autograd.noGrad()) {
            Tensor x = data;
            for (int k = 0; k < blocks.size(); k++) {
                FlowBlock block = blocks.get(k);
                Tensor z = block.forward(x, null).z();
                crm[k] = crm(block, x, norm);
                igmZ[k] = igm(block, x, z, InitialGuess.Z, norm);
                igmZero[k] = igm(block, x, z, InitialGuess.ZERO, norm);
                if (!Double.isFinite(crm[k]) || !Double.isFinite(igmZ[k]) || !Double.isFinite(igmZero[k])) {
                    // Shares and choices made from an overflowed metric would be meaningless.
                    throw new IllegalArgumentException("ConvergenceMetrics.measure: block " + k + " overflows on this data: CRM "
                            + crm[k] + ", IGM(z-init) " + igmZ[k] + ", IGM(zero-init) " + igmZero[k]);
                }
                x = z;
            }
        }
        double total = 0;
        for (double c : crm) {
            total += c;
        }
        List<BlockMetrics> list = new ArrayList<>();
        for (int k = 0; k < blocks.size(); k++) {
            // All CRMs are 0 only when every output head is zero (each block the identity): no block is
            // harder than another, so the shares are equal.
            double share = total > 0 ? 100 * crm[k] / total : 100.0 / blocks.size();
            list.add(new BlockMetrics(k, crm[k], share, igmZ[k], igmZero[k]));
        }
        return new Report(list, norm);
    }

    /**
     * CRM of one block for its input {@code x} {@code [N, T, D]} (un-permuted).
     *
     * @throws IllegalArgumentException when {@code x} is not {@code [N, T, D]} of the block's model or is empty
     */
    public static double crm(FlowBlock block, Tensor x, MatrixNorm norm) {
        block.checkSequence("ConvergenceMetrics.crm", x);
        checkNonEmpty("ConvergenceMetrics.crm", x);
        int d = block.config().tokenSize();
        try (var g = Autograd.noGrad()) {
            Tensor y = block.permute(x);
            Tensor a = shifted(block.affine(y, null, null, 1.0).logScale());
            double[] m = a.neg().exp().mul(y).mean(0).toDoubleArray();
            Tensor w = block.namedParameters().get("proj_out.weight"); // [2D, Ch]: rows 0..D−1 give a, D..2D−1 give b
            int ch = w.size(1);
            double wa = norm.of(w.slice(0, 0, d).toDoubleArray(), d, ch);
            double wb = norm.of(w.slice(0, d, 2 * d).toDoubleArray(), d, ch);
            return norm.of(m, x.size(1), d) * wa + wb;
        }
    }

    /**
     * IGM of the standard start {@code guess} for a block with input {@code x} and output {@code z}
     * (both {@code [N, T, D]}, un-permuted, {@code z} the block's forward output of {@code x}).
     */
    public static double igm(FlowBlock block, Tensor x, Tensor z, InitialGuess guess, MatrixNorm norm) {
        block.checkSequence("ConvergenceMetrics.igm", z);
        Tensor start;
        if (guess == InitialGuess.Z) {
            start = z;
        } else {
            // [z_0, 0, …, 0] in the block's own order: token 0 is known (a_0 = b_0 = 0).
            Tensor zs = block.permute(z);
            start = block.permute(Tensor.concat(List.of(zs.slice(1, 0, 1),
                    Tensor.zeros(z.dtype(), z.size(0), z.size(1) - 1, z.size(2))), 1));
        }
        return igm(block, x, z, start, norm);
    }

    /**
     * IGM of an arbitrary start {@code start} {@code [N, T, D]} (un-permuted): {@code ‖mean_batch(Φ(start) − x)‖},
     * no clamp. Zero when {@code start = x}, the exact solution.
     *
     * @throws IllegalArgumentException when a tensor is not {@code [N, T, D]} of the block's model, the batches differ, or are empty
     */
    public static double igm(FlowBlock block, Tensor x, Tensor z, Tensor start, MatrixNorm norm) {
        for (Tensor t : List.of(x, z, start)) {
            block.checkSequence("ConvergenceMetrics.igm", t);
        }
        checkNonEmpty("ConvergenceMetrics.igm", x);
        if (z.size(0) != x.size(0) || start.size(0) != x.size(0)) {
            throw new IllegalArgumentException("ConvergenceMetrics.igm: batches differ: x " + Shapes.format(x.shape())
                    + ", z " + Shapes.format(z.shape()) + ", start " + Shapes.format(start.shape()));
        }
        try (var g = Autograd.noGrad()) {
            Tensor y0 = block.permute(start);
            FlowBlock.Affine affine = block.affine(y0, null, null, 1.0);
            Tensor step = block.permute(z).mul(shifted(affine.logScale()).exp()).add(shifted(affine.shift()));
            double[] m = step.sub(block.permute(x)).mean(0).toDoubleArray();
            return norm.of(m, x.size(1), x.size(2));
        }
    }

    /** Row t of the result is row t−1 of {@code rows} {@code [N, T, D]}; row 0 is zero (the one-token shift). */
    private static Tensor shifted(Tensor rows) {
        Tensor zero = Tensor.zeros(rows.dtype(), rows.size(0), 1, rows.size(2));
        return Tensor.concat(List.of(zero, rows.slice(1, 0, rows.size(1) - 1)), 1);
    }

    private static void checkData(String op, TarFlow model, Tensor data) {
        model.blocks().getFirst().checkSequence(op, data);
        checkNonEmpty(op, data);
        DType modelType = model.config().dtype();
        if (data.dtype() != modelType) {
            throw new IllegalArgumentException(op + ": data is " + data.dtype() + " but the model is " + modelType);
        }
    }

    private static void checkNonEmpty(String op, Tensor x) {
        if (x.size(0) == 0) {
            throw new IllegalArgumentException(op + ": empty batch " + Shapes.format(x.shape()));
        }
    }

    /**
     * The metrics of one block.
     *
     * @param block   index in forward order (block 0 touches the data)
     * @param crm     CRM
     * @param share   {@code 100·CRM / Σ CRM} over the model's blocks, in percent
     * @param igmZ    IGM of z-init ({@code y^(0) = z})
     * @param igmZero IGM of zero-init ({@code y^(0) = [z_0, 0, …, 0]})
     */
    public record BlockMetrics(int block, double crm, double share, double igmZ, double igmZero) {
        /** The start with the smaller IGM (z-init on a tie, the reference's default). */
        public InitialGuess bestGuess() {
            return igmZero < igmZ ? InitialGuess.ZERO : InitialGuess.Z;
        }
    }

    /**
     * The metrics of every block.
     *
     * @param blocks one per block, in <em>forward</em> order (index k = block k; the strategy lists of
     *               {@link FlowSampler#sample} are in sampling order, index 0 = block K−1)
     * @param norm   the norm used
     */
    public record Report(List<BlockMetrics> blocks, MatrixNorm norm) {
        /** Copies the list. */
        public Report {
            blocks = List.copyOf(blocks);
        }

        /** The CRM shares in forward order (percent, summing to 100). */
        public double[] shares() {
            return blocks.stream().mapToDouble(BlockMetrics::share).toArray();
        }

        /** Block indices (forward order) from the largest CRM share to the smallest. */
        public int[] rankByCrm() {
            return IntStream.range(0, blocks.size()).boxed()
                    .sorted(Comparator.comparingDouble((Integer k) -> -blocks.get(k).share()))
                    .mapToInt(Integer::intValue).toArray();
        }
    }
}
