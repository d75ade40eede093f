package dev.jacobi.algorithms.bitnet;

import dev.jacobi.nn.Module;
import dev.jacobi.nn.layers.Linear;
import dev.jacobi.nn.optim.Adam;
import dev.jacobi.nn.optim.AdamW;
import dev.jacobi.nn.optim.ParamGroup;
import dev.jacobi.tensor.Tensor;

import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

/**
 * Optimizer settings for quantization-aware training, the knobs BitNet b1.58 Reloaded varies: the
 * learning rate, and weight decay on the latent weights.
 *
 * <p>Decay acts on the latent full-precision weights of {@link BitLinear} (and of plain {@link Linear}
 * layers, so that a full-precision baseline is regularized the same way); norms, biases and embeddings
 * are not decayed. For latent weights decay has a second effect beside regularization: it pulls weights
 * toward zero, and so toward the 0 code (the Reloaded paper reports that small models react to it
 * differently from the LLMs of the b1.58 paper, whose training tips drop it to 0 halfway).
 */
public final class QatOptimizers {
    private QatOptimizers() {
    }

    /**
     * AdamW over every parameter of {@code model}: the weights of {@link BitLinear} and {@link Linear}
     * layers with decoupled weight decay {@code weightDecay}, everything else without.
     *
     * @throws IllegalArgumentException for a negative learning rate or weight decay
     */
    public static AdamW adamW(Module model, double lr, double weightDecay) {
        Set<Tensor> decayed = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Module m : model.namedModules().values()) {
            if (m instanceof BitLinear b) {
                decayed.add(b.weight());
            } else if (m instanceof Linear l) {
                decayed.add(l.weight());
            }
        }
        List<Tensor> withDecay = new ArrayList<>();
        List<Tensor> without = new ArrayList<>();
        for (Tensor p : model.parameters()) {
            (decayed.contains(p) ? withDecay : without).add(p);
        }
        Adam.Options base = AdamW.options(lr);
        List<ParamGroup<Adam.Options>> groups = new ArrayList<>();
        groups.add(new ParamGroup<>(withDecay, base.withWeightDecay(weightDecay)));
        groups.add(new ParamGroup<>(without, base.withWeightDecay(0)));
        return AdamW.withGroups(groups);
    }
}
