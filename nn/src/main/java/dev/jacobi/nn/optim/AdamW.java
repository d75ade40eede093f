package dev.jacobi.nn.optim;

import dev.jacobi.tensor.Tensor;

import java.util.List;

/**
 * AdamW (Loshchilov and Hutter, 2019) with the update of {@code torch.optim.AdamW}: the parameter is first
 * shrunk by {@code p = p * (1 - lr * weight_decay)}, then Adam's update follows with the plain gradient
 * (see {@link Adam}; same state names). Takes {@link Adam.Options}; {@link #options(double)} gives
 * PyTorch's AdamW defaults (weight decay 0.01).
 */
public final class AdamW extends AdamFamily {
    private AdamW(List<ParamGroup<Adam.Options>> groups) {
        super("AdamW", groups, true);
    }

    /** PyTorch's AdamW defaults with learning rate {@code lr}: betas (0.9, 0.999), eps 1e-8, weight decay 0.01. */
    public static Adam.Options options(double lr) {
        return Adam.Options.of(lr).withWeightDecay(0.01);
    }

    /** AdamW over {@code params} with one set of options. */
    public static AdamW of(List<Tensor> params, Adam.Options options) {
        return new AdamW(List.of(new ParamGroup<>(params, options)));
    }

    /** AdamW over several parameter groups, each with its own options. */
    public static AdamW withGroups(List<ParamGroup<Adam.Options>> groups) {
        return new AdamW(groups);
    }
}
