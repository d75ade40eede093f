package dev.jacobi.algorithms.ep;

import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;
import dev.jacobi.tensor.autograd.GradMode;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Gradient estimates for an {@link EpNetwork} (generalized hEP, Laborieux and Zenke 2024, section 2 of
 * the algorithm): a free phase to the fixed point {@code s*}, an error vector {@code delta} (see
 * {@link GradientMethod}) and the weight update {@code g = (dPsi/dtheta)^T delta / batch} as one
 * vector-Jacobian product at {@code s*}, plus the readout's ordinary gradient.
 *
 * <p>Sign convention (as the reference code): the nudge is {@code +beta e}, so {@code ds*}/{@code d beta}
 * is the error vector of the loss gradient itself, and an optimizer descends along {@code g}.
 */
public final class EpGradients {
    private EpGradients() {
    }

    /**
     * A gradient estimate.
     *
     * @param gradients   one per {@link EpNetwork#parameters()}, detached, of the loss averaged over the batch
     * @param freeRates   the state the VJP was taken at (real {@code [batch, stateSize]}); for backprop, the
     *                    state after the free relaxation
     * @param errorVector {@code delta} (real {@code [batch, stateSize]}), or null for backprop
     */
    public record Estimate(List<Tensor> gradients, Tensor freeRates, Tensor errorVector) {
    }

    /** The free phase: {@code steps} steps with beta = 0 from the rates at {@code u = 0}. */
    public static Tensor freePhase(EpNetwork net, Relaxer relaxer, Tensor x, int steps) {
        return relaxer.relax(Planes.real(net.initialRates(x.size(0))), x, null, Complex.ZERO, steps).re();
    }

    /**
     * The gradient estimate of {@code method} on one batch.
     *
     * @param relaxer    runs the relaxations ({@link EpNetwork#tensorRelaxer()} or {@link PlaneRelaxer})
     * @param x          inputs {@code [batch, ...]}
     * @param labels     int32 labels {@code [batch]}
     * @param freeSteps  steps of the free phase T1 (for backprop, the steps backpropagated through)
     */
    public static Estimate estimate(EpNetwork net, Relaxer relaxer, Tensor x, Tensor labels, int freeSteps, GradientMethod method) {
        Objects.requireNonNull(method, "EpGradients.estimate: method is null");
        Tensor flat = net.flatInput(x);
        if (method instanceof GradientMethod.Backprop) {
            return backprop(net, flat, labels, freeSteps);
        }
        if (method instanceof GradientMethod.OnlineHolomorphic online) {
            Tensor[] meanAndDelta = online(net, relaxer, flat, labels, freeSteps, online);
            return new Estimate(parameterGradients(net, meanAndDelta[0], flat, labels, meanAndDelta[1]), meanAndDelta[0], meanAndDelta[1]);
        }
        Tensor free = freePhase(net, relaxer, flat, freeSteps);
        Tensor delta = errorVector(net, relaxer, free, flat, labels, method);
        return new Estimate(parameterGradients(net, free, flat, labels, delta), free, delta);
    }

    /**
     * The error vector {@code delta} of an EP-family method or of a baseline that produces one (all
     * but {@link GradientMethod.Backprop} and {@link GradientMethod.OnlineHolomorphic}).
     *
     * @param free the free fixed point (real)
     * @throws IllegalArgumentException for methods without an error vector at a given fixed point
     */
    public static Tensor errorVector(EpNetwork net, Relaxer relaxer, Tensor free, Tensor x, Tensor labels, GradientMethod method) {
        Tensor flat = net.flatInput(x);
        try (GradMode g = Autograd.noGrad()) {
            return switch (method) {
                case GradientMethod.ClassicEp ep -> {
                    Tensor nudged = relaxer.relax(Planes.real(free), flat, labels, Complex.real(ep.beta()), ep.steps()).re();
                    yield nudged.sub(free).div(ep.beta());
                }
                case GradientMethod.Holomorphic h -> holomorphic(relaxer, free, flat, labels, h);
                case GradientMethod.ExactDerivative exact -> exactDerivative(net, free, flat, labels, exact.steps());
                case GradientMethod.RecurrentBackprop rbp -> recurrentBackprop(net, free, flat, labels, rbp.steps());
                case GradientMethod.Backprop b -> throw new IllegalArgumentException(
                        "EpGradients.errorVector: backprop through the relaxation has no error vector at the fixed point");
                case GradientMethod.OnlineHolomorphic o -> throw new IllegalArgumentException(
                        "EpGradients.errorVector: the online variant runs its own relaxation; use estimate");
            };
        }
    }

    /** {@code Re sum_k w_k s*(beta_k) / beta_k} over the phases of {@link Cauchy#phases}. */
    private static Tensor holomorphic(Relaxer relaxer, Tensor free, Tensor x, Tensor labels, GradientMethod.Holomorphic h) {
        Tensor delta = Tensor.zerosLike(free);
        for (Cauchy.Phase phase : Cauchy.phases(h.radius(), h.points(), h.conjugatePairs())) {
            Planes s = relaxer.relax(Planes.real(free), x, labels, phase.beta(), h.steps());
            addRealQuotient(delta, s, phase.beta(), phase.weight());
        }
        return delta;
    }

    /** {@code acc += weight Re(s / beta) = weight (Re s Re beta + Im s Im beta) / |beta|^2}. */
    private static void addRealQuotient(Tensor acc, Planes s, Complex beta, double weight) {
        double norm = beta.re() * beta.re() + beta.im() * beta.im();
        Tensor term = s.re().mul(weight * beta.re() / norm);
        if (s.im() != null && beta.im() != 0) {
            term = term.add(s.im().mul(weight * beta.im() / norm));
        }
        acc.addInPlace(term);
    }

    /**
     * The online variant: returns {mean rates, delta}. Phase k of each turn nudges with {@code beta_k};
     * sums run over every step of the turns after the burn-in turn.
     */
    private static Tensor[] online(EpNetwork net, Relaxer relaxer, Tensor x, Tensor labels, int freeSteps,
                                   GradientMethod.OnlineHolomorphic o) {
        try (GradMode g = Autograd.noGrad()) {
            List<Cauchy.Phase> phases = Cauchy.phases(o.radius(), o.points(), false);
            Tensor sumS = Tensor.zeros(net.dtype(), x.size(0), net.stateSize());
            Tensor delta = Tensor.zerosLike(sumS);
            int[] counted = {0};
            Planes s = Planes.real(net.initialRates(x.size(0)));
            for (int turn = 0; turn < o.rotations(); turn++) {
                boolean count = turn > 0 || o.rotations() == 1;
                for (Cauchy.Phase phase : phases) {
                    s = relaxer.relax(s, x, labels, phase.beta(), o.stepsPerPhase(), !count ? null : (rates, beta) -> {
                        sumS.addInPlace(rates.re());
                        addRealQuotient(delta, rates, beta, 1);
                        counted[0]++;
                    });
                }
            }
            return new Tensor[] {sumS.div(counted[0]), delta.div(counted[0])};
        }
    }

    /** Forward-mode {@code ds/d beta} at beta = 0 through {@code steps} steps from the free fixed point. */
    private static Tensor exactDerivative(EpNetwork net, Tensor free, Tensor x, Tensor labels, int steps) {
        Tensor beta = Tensor.scalar(net.dtype(), 0);
        Tensor one = Tensor.scalar(net.dtype(), 1);
        return Autograd.jvp(b -> net.relaxRecorded(free, x, labels, b, steps), beta, one).tangent();
    }

    /** {@code delta <- D (J_Psi^T delta + e)}, {@code D = sigma'(Psi(s*))}, from 0. */
    private static Tensor recurrentBackprop(EpNetwork net, Tensor free, Tensor x, Tensor labels, int steps) {
        Tensor e = net.nudge(free, labels);
        Tensor slope;
        Tensor sIn = free.detach().requiresGrad(true);
        Tensor psi;
        try (GradMode g = Autograd.enableGrad()) {
            psi = net.psi(sIn, x);
        }
        Tensor u = psi.detach();
        slope = Autograd.jvp(v -> net.activation().apply(v), u, Tensor.ones(u.dtype(), u.shape())).tangent();
        Tensor delta = slope.mul(e);
        for (int t = 1; t < steps; t++) {
            Tensor back = Autograd.grad(psi, List.of(sIn), delta, false, true).getFirst();
            delta = slope.mul(back.add(e));
        }
        return delta;
    }

    /**
     * The weight update from an error vector: {@code (dPsi/dtheta)^T delta / batch} at {@code free} (one
     * VJP) for the connection parameters, and the readout's own gradient of the loss at {@code free}.
     *
     * @return one gradient per {@link EpNetwork#parameters()}, detached
     */
    public static List<Tensor> parameterGradients(EpNetwork net, Tensor free, Tensor x, Tensor labels, Tensor delta) {
        Tensor flat = net.flatInput(x);
        List<Tensor> params = net.parameters();
        List<Tensor> synaptic = new ArrayList<>();
        List<Tensor> readout = new ArrayList<>();
        for (Tensor p : params) {
            (p == net.readoutWeight() || p == net.readoutBias() ? readout : synaptic).add(p);
        }
        List<Tensor> grads = new ArrayList<>(params.size());
        try (GradMode g = Autograd.enableGrad()) {
            Tensor s = free.detach();
            List<Tensor> gs = Autograd.grad(net.psi(s, flat), synaptic, delta, false);
            List<Tensor> gr = readout.isEmpty() ? List.of() : Autograd.grad(net.loss(s, labels), readout);
            int i = 0;
            int j = 0;
            double scale = 1.0 / x.size(0);
            for (Tensor p : params) {
                grads.add(readout.contains(p) ? gr.get(j++).detach() : gs.get(i++).detach().mul(scale));
            }
        }
        return grads;
    }

    /** Backprop through {@code steps} free steps from {@code u = 0}: the gradient of the loss there. */
    private static Estimate backprop(EpNetwork net, Tensor x, Tensor labels, int steps) {
        try (GradMode g = Autograd.enableGrad()) {
            Tensor s = net.relaxRecorded(net.initialRates(x.size(0)), x, labels, null, steps);
            List<Tensor> grads = Autograd.grad(net.loss(s, labels), net.parameters());
            List<Tensor> detached = new ArrayList<>(grads.size());
            for (Tensor t : grads) {
                detached.add(t.detach());
            }
            return new Estimate(detached, s.detach(), null);
        }
    }

    /** The cosine between two gradients, each the concatenation of its tensors (float64 sums). */
    public static double cosine(List<Tensor> a, List<Tensor> b) {
        if (a.size() != b.size()) {
            throw new IllegalArgumentException("EpGradients.cosine: " + a.size() + " tensors against " + b.size());
        }
        double dot = 0;
        double na = 0;
        double nb = 0;
        for (int i = 0; i < a.size(); i++) {
            double[] x = a.get(i).toDoubleArray();
            double[] y = b.get(i).toDoubleArray();
            for (int k = 0; k < x.length; k++) {
                dot += x[k] * y[k];
                na += x[k] * x[k];
                nb += y[k] * y[k];
            }
        }
        return dot / Math.sqrt(na * nb);
    }
}
