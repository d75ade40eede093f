package dev.jacobi.nn.loss;

import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;

import java.util.Arrays;

/**
 * Loss functions with the semantics of PyTorch's {@code torch.nn.functional} counterparts. Inputs and
 * targets are checked before anything is computed; a mismatch throws {@link IllegalArgumentException},
 * a class index out of range {@link IndexOutOfBoundsException}, each naming the loss, the shapes or
 * dtypes, and the offending value and its position.
 *
 * <p>All losses are compositions of differentiable tensor ops, so they support gradients of any order
 * with respect to every floating input (logits, float targets, class and positive weights).
 */
public final class Losses {
    private Losses() {
    }

    // ---------------------------------------------------------------- regression

    /** Mean squared error: {@code mean((input - target)^2)}. */
    public static Tensor mse(Tensor input, Tensor target) {
        return mse(input, target, Reduction.MEAN);
    }

    /**
     * Squared error {@code (input - target)^2}, reduced (as {@code F.mse_loss}).
     *
     * @throws IllegalArgumentException when shapes or dtypes differ or are not floating point
     */
    public static Tensor mse(Tensor input, Tensor target, Reduction reduction) {
        requireSameFloat("mse", "input", input, "target", target);
        return reduce(input.sub(target).square(), reduction);
    }

    // ---------------------------------------------------------------- classification

    /** Cross-entropy from logits with PyTorch's defaults (mean over targets, ignore index -100). */
    public static Tensor crossEntropy(Tensor logits, Tensor target) {
        return crossEntropy(logits, target, CrossEntropyOptions.DEFAULTS);
    }

    /**
     * Cross-entropy between the softmax of {@code logits} over dimension 1 (dimension 0 for a 1-D input)
     * and {@code target}, as {@code F.cross_entropy}.
     *
     * <p>Logits have shape {@code [N, C]}, {@code [N, C, d1, ...]} or {@code [C]}. The target is either
     * <ul>
     *   <li>class indices (int32 or int8) of shape {@code [N]}, {@code [N, d1, ...]} or {@code []}: each in
     *       {@code [0, C)} or equal to the ignore index. With label smoothing {@code eps} the loss of a
     *       target {@code t} is {@code (1 - eps) * w[t] * (-log p_t) + (eps / C) * sum_c w[c] * (-log p_c)};
     *       the mean divides the sum by {@code sum w[t]} over the non-ignored targets (their count without
     *       class weights), so an all-ignored batch gives NaN, as in PyTorch; or</li>
     *   <li>class probabilities of the logits' shape and dtype: the loss is
     *       {@code -sum_c w[c] * q_c * log p_c} with {@code q = (1 - eps) * target + eps / C}, and the mean
     *       divides by the number of targets ({@code numel / C}).</li>
     * </ul>
     *
     * @throws IllegalArgumentException  for a shape or dtype mismatch
     * @throws IndexOutOfBoundsException for a class index outside {@code [0, C)} that is not the ignore index
     */
    public static Tensor crossEntropy(Tensor logits, Tensor target, CrossEntropyOptions options) {
        String op = "crossEntropy";
        requireFloat(op, "logits", logits);
        if (logits.rank() == 0) {
            throw new IllegalArgumentException(op + ": logits must have a class dimension, got a 0-d tensor");
        }
        checkWeight(op, options.weight(), logits);
        int classDim = logits.rank() == 1 ? 0 : 1;
        if (target.dtype().isFloatingPoint()) {
            requireSameFloat(op, "logits", logits, "probability target", target);
            return probabilityCrossEntropy(logits.logSoftmax(classDim), target, classDim, options);
        }
        Tensor logp = logits.logSoftmax(classDim);
        return classIndexLoss(op, logp, target, options.weight(), options.ignoreIndex(), options.reduction(),
                options.labelSmoothing());
    }

    /** Negative log-likelihood with PyTorch's defaults (mean, ignore index -100, no class weights). */
    public static Tensor nll(Tensor logProbs, Tensor target) {
        return nll(logProbs, target, Reduction.MEAN, -100, null);
    }

    /**
     * Negative log-likelihood of class-index targets under log-probabilities (as {@code F.nll_loss}):
     * {@code -w[t] * logProbs[n, t, ...]}, zero for ignored targets; the mean divides by the sum of
     * {@code w[t]} over non-ignored targets. Shapes as in {@link #crossEntropy(Tensor, Tensor, CrossEntropyOptions)}.
     *
     * @param weight a weight per class (shape [C], the input's dtype), or null
     * @throws IllegalArgumentException  for a shape or dtype mismatch
     * @throws IndexOutOfBoundsException for a class index outside {@code [0, C)} that is not the ignore index
     */
    public static Tensor nll(Tensor logProbs, Tensor target, Reduction reduction, int ignoreIndex, Tensor weight) {
        String op = "nll";
        requireFloat(op, "log-probabilities", logProbs);
        if (logProbs.rank() == 0) {
            throw new IllegalArgumentException(op + ": log-probabilities must have a class dimension, got a 0-d tensor");
        }
        checkWeight(op, weight, logProbs);
        return classIndexLoss(op, logProbs, target, weight, ignoreIndex, reduction, 0.0);
    }

    /** Binary cross-entropy with logits, mean over all elements, no weights. */
    public static Tensor bceWithLogits(Tensor logits, Tensor target) {
        return bceWithLogits(logits, target, Reduction.MEAN, null, null);
    }

    /**
     * Binary cross-entropy between {@code sigmoid(logits)} and {@code target} in [0, 1] (as
     * {@code F.binary_cross_entropy_with_logits}), computed without overflow as
     * {@code w * ((1 - y) x + (1 + (pw - 1) y) softplus(-x))}.
     *
     * @param weight    a rescaling weight broadcastable to the logits, or null
     * @param posWeight a weight of the positive term broadcastable to the logits (typically [C], one per
     *                  class along the last dimension), or null
     * @throws IllegalArgumentException for a shape or dtype mismatch
     */
    public static Tensor bceWithLogits(Tensor logits, Tensor target, Reduction reduction, Tensor weight, Tensor posWeight) {
        String op = "bceWithLogits";
        requireSameFloat(op, "logits", logits, "target", target);
        checkBroadcastable(op, "weight", weight, logits);
        checkBroadcastable(op, "pos_weight", posWeight, logits);
        Tensor negTerm = target.neg().add(1.0).mul(logits);
        Tensor soft = softplus(logits.neg());
        Tensor posScale = posWeight == null ? null : posWeight.sub(1.0).mul(target).add(1.0);
        Tensor loss = negTerm.add(posScale == null ? soft : posScale.mul(soft));
        if (weight != null) {
            loss = loss.mul(weight);
        }
        return reduce(loss, reduction);
    }

    /**
     * {@code log(1 + exp(z))}, evaluated as {@code max(z, 0) + log1p(exp(-|z|))} so it neither overflows
     * nor loses the small values; its derivative is {@code sigmoid(z)} everywhere (the composition of
     * max and abs would give a wrong one-sided value at z = 0).
     */
    static Tensor softplus(Tensor z) {
        return Autograd.op("softplus", () -> z.relu().add(z.abs().neg().exp().log1p()),
                (g, y, needed) -> new Tensor[] {g.mul(z.sigmoid())},
                (t, y) -> t[0].mul(z.sigmoid()), z);
    }

    // ---------------------------------------------------------------- shared parts

    private static Tensor probabilityCrossEntropy(Tensor logp, Tensor target, int classDim, CrossEntropyOptions options) {
        int classes = logp.size(classDim);
        double eps = options.labelSmoothing();
        Tensor q = eps > 0 ? target.mul(1 - eps).add(eps / classes) : target;
        Tensor terms = logp.mul(q);
        if (options.weight() != null) {
            terms = terms.mul(alongClassDim(options.weight(), logp.rank(), classDim));
        }
        Tensor perTarget = terms.sum(classDim).neg();
        return reduce(perTarget, options.reduction());
    }

    /** NLL of class indices (with optional smoothing) over log-probabilities {@code logp}. */
    private static Tensor classIndexLoss(String op, Tensor logp, Tensor target, Tensor weight, int ignoreIndex,
                                         Reduction reduction, double smoothing) {
        if (logp.rank() == 1) {
            // [C] with a 0-d target: one example; handled as a batch of one and given back 0-d.
            if (target.rank() != 0) {
                throw new IllegalArgumentException(op + ": for input of shape " + Shapes.format(logp.shape())
                        + " the target must be 0-d, got shape " + Shapes.format(target.shape()));
            }
            Tensor r = classIndexLoss(op, logp.unsqueeze(0), target.reshape(1), weight, ignoreIndex, reduction, smoothing);
            return reduction == Reduction.NONE ? r.reshape() : r;
        }
        int classes = logp.size(1);
        int[] expected = withoutDim(logp.shape(), 1);
        if (!target.dtype().isInteger()) {
            throw new IllegalArgumentException(op + ": class-index target must be int32 or int8, got " + target.dtype());
        }
        if (!Arrays.equals(target.shape(), expected)) {
            throw new IllegalArgumentException(op + ": input of shape " + Shapes.format(logp.shape())
                    + " needs a target of shape " + Shapes.format(expected) + ", got " + Shapes.format(target.shape()));
        }
        int[] t = target.toIntArray();
        int[] safe = new int[t.length];
        double[] keep = new double[t.length];
        for (int i = 0; i < t.length; i++) {
            if (t[i] == ignoreIndex) {
                continue; // index 0 stands in for the gather; keep[i] = 0 removes it
            }
            if (t[i] < 0 || t[i] >= classes) {
                throw new IndexOutOfBoundsException(op + ": target " + t[i] + " at position "
                        + Arrays.toString(unravel(i, expected)) + " is outside [0, " + classes + ")"
                        + " and is not the ignore index " + ignoreIndex);
            }
            safe[i] = t[i];
            keep[i] = 1;
        }
        Tensor mask = Tensor.of(keep, expected).to(logp.dtype());
        Tensor picked = logp.gather(1, Tensor.ofInts(safe, expected).unsqueeze(1)).squeeze(1);
        Tensor targetWeight = weight == null ? mask
                : weight.gather(0, Tensor.ofInts(safe, safe.length)).reshape(expected).mul(mask);
        Tensor nll = picked.mul(targetWeight).neg();
        Tensor smooth = null;
        if (smoothing > 0) {
            Tensor all = weight == null ? logp : logp.mul(alongClassDim(weight, logp.rank(), 1));
            smooth = all.sum(1).neg().mul(mask);
        }
        Tensor loss = switch (reduction) {
            case NONE -> smooth == null ? nll : nll.mul(1 - smoothing).add(smooth.mul(smoothing / classes));
            case SUM -> smooth == null ? nll.sum() : nll.sum().mul(1 - smoothing).add(smooth.sum().mul(smoothing / classes));
            case MEAN -> {
                Tensor denominator = targetWeight.sum();
                Tensor m = nll.sum().div(denominator);
                yield smooth == null ? m : m.mul(1 - smoothing).add(smooth.sum().div(denominator).mul(smoothing / classes));
            }
        };
        return loss;
    }

    /** A [C] tensor viewed as [1, C, 1, ...] so that it broadcasts along {@code dim} of a rank-{@code rank} tensor. */
    private static Tensor alongClassDim(Tensor w, int rank, int dim) {
        int[] shape = new int[rank];
        Arrays.fill(shape, 1);
        shape[dim] = w.size(0);
        return w.reshape(shape);
    }

    private static Tensor reduce(Tensor loss, Reduction reduction) {
        return switch (reduction) {
            case NONE -> loss;
            case SUM -> loss.sum();
            case MEAN -> loss.mean();
        };
    }

    private static void requireFloat(String op, String what, Tensor t) {
        if (!t.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": " + what + " must be floating point, got " + t.dtype());
        }
    }

    private static void requireSameFloat(String op, String aName, Tensor a, String bName, Tensor b) {
        requireFloat(op, aName, a);
        requireFloat(op, bName, b);
        if (a.dtype() != b.dtype()) {
            throw new IllegalArgumentException(op + ": " + aName + " is " + a.dtype() + " but " + bName + " is " + b.dtype());
        }
        if (!Arrays.equals(a.shape(), b.shape())) {
            throw new IllegalArgumentException(op + ": " + aName + " has shape " + Shapes.format(a.shape()) + " but "
                    + bName + " has shape " + Shapes.format(b.shape()));
        }
    }

    private static void checkWeight(String op, Tensor weight, Tensor input) {
        if (weight == null) {
            return;
        }
        int classes = input.size(input.rank() == 1 ? 0 : 1);
        if (weight.rank() != 1 || weight.size(0) != classes) {
            throw new IllegalArgumentException(op + ": class weight must have shape [" + classes + "] for input of shape "
                    + Shapes.format(input.shape()) + ", got " + Shapes.format(weight.shape()));
        }
        if (weight.dtype() != input.dtype()) {
            throw new IllegalArgumentException(op + ": class weight is " + weight.dtype() + " but the input is " + input.dtype());
        }
    }

    private static void checkBroadcastable(String op, String what, Tensor w, Tensor input) {
        if (w == null) {
            return;
        }
        if (w.dtype() != input.dtype()) {
            throw new IllegalArgumentException(op + ": " + what + " is " + w.dtype() + " but the logits are " + input.dtype());
        }
        boolean fits;
        try {
            fits = Arrays.equals(Shapes.broadcast(op, w.shape(), input.shape()), input.shape());
        } catch (IllegalArgumentException e) {
            fits = false;
        }
        if (!fits) {
            throw new IllegalArgumentException(op + ": " + what + " of shape " + Shapes.format(w.shape())
                    + " does not broadcast to the logits' shape " + Shapes.format(input.shape()));
        }
    }

    private static int[] withoutDim(int[] shape, int dim) {
        int[] r = new int[shape.length - 1];
        for (int i = 0, j = 0; i < shape.length; i++) {
            if (i != dim) {
                r[j++] = shape[i];
            }
        }
        return r;
    }

    private static int[] unravel(long flat, int[] shape) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = (int) (flat % shape[d]);
            flat /= shape[d];
        }
        return idx;
    }
}
