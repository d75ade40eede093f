package dev.jacobi.nn.loss;

import dev.jacobi.tensor.Tensor;

/**
 * Settings of {@link Losses#crossEntropy(Tensor, Tensor, CrossEntropyOptions)}, as the arguments of
 * {@code torch.nn.functional.cross_entropy}.
 *
 * @param reduction      how the per-target losses are combined
 * @param ignoreIndex    class-index targets equal to this contribute nothing, neither to the loss nor to the
 *                       mean's denominator (not used with probability targets)
 * @param labelSmoothing epsilon in [0, 1]: the target distribution becomes {@code (1 - eps) * onehot + eps / C}
 * @param weight         a rescaling weight per class (shape [C], the logits' dtype), or null for all ones
 */
public record CrossEntropyOptions(Reduction reduction, int ignoreIndex, double labelSmoothing, Tensor weight) {
    /** PyTorch's defaults: mean reduction, ignore index -100, no smoothing, no class weights. */
    public static final CrossEntropyOptions DEFAULTS = new CrossEntropyOptions(Reduction.MEAN, -100, 0.0, null);

    /** @throws IllegalArgumentException when the smoothing is outside [0, 1] or the reduction is null */
    public CrossEntropyOptions {
        if (reduction == null) {
            throw new IllegalArgumentException("crossEntropy: reduction must not be null");
        }
        if (!(labelSmoothing >= 0 && labelSmoothing <= 1)) {
            throw new IllegalArgumentException("crossEntropy: label smoothing " + labelSmoothing + " is outside [0, 1]");
        }
    }

    /** These settings with another reduction. */
    public CrossEntropyOptions withReduction(Reduction r) {
        return new CrossEntropyOptions(r, ignoreIndex, labelSmoothing, weight);
    }

    /** These settings with another ignore index. */
    public CrossEntropyOptions withIgnoreIndex(int index) {
        return new CrossEntropyOptions(reduction, index, labelSmoothing, weight);
    }

    /** These settings with another label smoothing. */
    public CrossEntropyOptions withLabelSmoothing(double eps) {
        return new CrossEntropyOptions(reduction, ignoreIndex, eps, weight);
    }

    /** These settings with class weights (or null for none). */
    public CrossEntropyOptions withWeight(Tensor w) {
        return new CrossEntropyOptions(reduction, ignoreIndex, labelSmoothing, w);
    }
}
