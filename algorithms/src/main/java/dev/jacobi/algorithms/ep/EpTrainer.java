package dev.jacobi.algorithms.ep;

import dev.jacobi.nn.data.Dataset;
import dev.jacobi.nn.optim.Optimizer;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Scope;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;
import dev.jacobi.tensor.autograd.GradMode;

import java.util.List;
import java.util.Objects;

/**
 * Trains an {@link EpNetwork} with one {@link GradientMethod}: per batch, the gradient estimate of
 * {@link EpGradients#estimate}, plus {@code strength * grad L_h} of {@link Homeostasis} when homeostasis
 * is on, handed to an {@code nn} optimizer through the parameters' {@code grad}.
 */
public final class EpTrainer {
    /**
     * Settings of a trainer.
     *
     * @param freeSteps           free-phase steps T1 (also the steps of inference)
     * @param method              the gradient estimator
     * @param homeostasisStrength lambda; 0 switches homeostasis off
     * @param homeostasisDraws    probe vectors per example for {@link Homeostasis#loss}
     * @param planeKernels        relax with {@link PlaneRelaxer} (fully connected float32 networks) instead of tensor ops
     */
    public record Config(int freeSteps, GradientMethod method, double homeostasisStrength, int homeostasisDraws, boolean planeKernels) {
        public Config {
            Objects.requireNonNull(method, "EpTrainer.Config: method is null");
            if (freeSteps < 1 || homeostasisStrength < 0 || homeostasisDraws < 1) {
                throw new IllegalArgumentException("EpTrainer.Config: need freeSteps >= 1, strength >= 0, draws >= 1, got "
                        + freeSteps + ", " + homeostasisStrength + ", " + homeostasisDraws);
            }
        }
    }

    private final EpNetwork net;
    private final Optimizer optimizer;
    private final Config config;
    private final Generator gen;
    private final Relaxer relaxer;

    /**
     * @param net       the network; its parameters must be those of {@code optimizer}
     * @param optimizer updates the parameters from the gradients this trainer sets
     * @param gen       draws the homeostasis probes
     */
    public EpTrainer(EpNetwork net, Optimizer optimizer, Config config, Generator gen) {
        this(net, optimizer, config, gen, config.planeKernels() ? PlaneRelaxer.of(net) : net.tensorRelaxer());
    }

    private EpTrainer(EpNetwork net, Optimizer optimizer, Config config, Generator gen, Relaxer relaxer) {
        this.net = net;
        this.optimizer = optimizer;
        this.config = config;
        this.gen = gen;
        this.relaxer = relaxer;
    }

    /** A trainer that relaxes with the given relaxer (e.g. {@code PlaneRelaxer.of(net, false)}, the scalar loops). */
    public static EpTrainer withRelaxer(EpNetwork net, Optimizer optimizer, Config config, Generator gen, Relaxer relaxer) {
        return new EpTrainer(net, optimizer, config, gen, relaxer);
    }

    /** The relaxer this trainer uses. */
    public Relaxer relaxer() {
        return relaxer;
    }

    /** One training step on a batch; returns the loss at the free state (before the update). */
    public double step(Tensor x, Tensor labels) {
        try (Scope scope = Scope.open()) {
            EpGradients.Estimate est = EpGradients.estimate(net, relaxer, x, labels, config.freeSteps(), config.method());
            List<Tensor> grads = est.gradients();
            if (config.homeostasisStrength() > 0) {
                List<Tensor> h = Homeostasis.gradient(net, est.freeRates(), x, gen, config.homeostasisDraws(), config.homeostasisStrength());
                for (int i = 0; i < grads.size(); i++) {
                    grads.set(i, grads.get(i).add(h.get(i)));
                }
            }
            List<Tensor> params = net.parameters();
            for (int i = 0; i < params.size(); i++) {
                params.get(i).setGrad(scope.keep(grads.get(i).to(params.get(i).dtype())));
            }
            double loss;
            try (GradMode g = Autograd.noGrad()) {
                loss = net.loss(est.freeRates(), labels).item();
            }
            optimizer.step();
            optimizer.zeroGrad();
            return loss;
        }
    }

    /** Predicted classes of a batch after a free phase of T1 steps. */
    public int[] predict(Tensor x) {
        try (Scope scope = Scope.open(); GradMode g = Autograd.noGrad()) {
            Tensor s = EpGradients.freePhase(net, relaxer, net.flatInput(x), config.freeSteps());
            return net.logits(s).argmax(1, false).toIntArray();
        }
    }

    /** The fraction of {@code data} classified correctly, in batches of {@code batchSize}. */
    public double accuracy(Dataset data, int batchSize) {
        int correct = 0;
        int n = data.size();
        for (int from = 0; from < n; from += batchSize) {
            int to = Math.min(n, from + batchSize);
            try (Scope scope = Scope.open()) {
                int[] predicted = predict(data.features().slice(0, from, to));
                int[] labels = data.labels().slice(0, from, to).toIntArray();
                for (int i = 0; i < labels.length; i++) {
                    correct += predicted[i] == labels[i] ? 1 : 0;
                }
            }
        }
        return (double) correct / n;
    }
}
