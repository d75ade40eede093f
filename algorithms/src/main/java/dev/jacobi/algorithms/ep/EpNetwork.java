package dev.jacobi.algorithms.ep;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Scope;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;
import dev.jacobi.tensor.autograd.GradMode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * A layered network for generalized equilibrium propagation (Laborieux and Zenke, ICLR 2024): layers
 * {@code 1..L} of rates {@code s_l = sigma(u_l)} above a clamped input {@code s_0 = x}, feedforward
 * connections {@code f_l(s_{l-1}; W_l) + b_l} and independent feedback weights {@code B_l}, with the
 * total synaptic input
 * <pre>  Psi_l(s) = f_l(s_{l-1}; W_l) + b_l + d/ds_l &lt;s_{l+1}, f_{l+1}(s_l; B_{l+1})&gt;</pre>
 * and the vector field {@code F(u) = Psi(sigma(u)) - u + beta e(sigma(u))}, with {@code e = dl/ds_out}
 * on the output layer. The state is one flat {@code [batch, stateSize]} tensor, layer after layer.
 * Tied networks use {@code B_l = W_l} (the energy-based case of the 2022 paper).
 *
 * <p>Parameters are real leaf tensors that require grad, so the {@code nn} optimizers update them.
 * All maps are written with tensor ops, so they run on real and complex states and are differentiable
 * in both modes.
 */
public final class EpNetwork {
    private final int[] inputShape;
    private final List<Connection> connections;
    private final int[] offsets;
    private final int stateSize;
    private final Activation activation;
    private final EpLoss loss;
    private final int classes;
    private final boolean tied;
    private final DType dtype;
    private final Tensor[] weights;
    private final Tensor[] biases;
    private final Tensor[] feedbacks;
    private final Tensor readoutWeight;
    private final Tensor readoutBias;
    private final List<Tensor> parameters;
    private final List<String> names;

    private EpNetwork(Builder b, Generator gen) {
        this.inputShape = b.inputShape.clone();
        this.connections = List.copyOf(b.connections);
        this.activation = b.activation;
        this.loss = b.loss;
        this.classes = b.classes;
        this.tied = b.tied;
        this.dtype = b.dtype;
        int layers = connections.size();
        offsets = new int[layers + 1];
        for (int l = 0; l < layers; l++) {
            offsets[l + 1] = offsets[l] + connections.get(l).outputSize();
        }
        stateSize = offsets[layers];
        weights = new Tensor[layers];
        biases = new Tensor[layers];
        feedbacks = new Tensor[layers];
        List<Tensor> params = new ArrayList<>();
        List<String> paramNames = new ArrayList<>();
        double angle = Math.toRadians(b.feedbackAngleDegrees);
        for (int l = 0; l < layers; l++) {
            Connection c = connections.get(l);
            double bound = 1 / Math.sqrt(fanIn(c));
            weights[l] = gen.uniform(dtype, -bound, bound, c.weightShape());
            biases[l] = gen.uniform(dtype, -bound, bound, c.biasShape());
            params.add(weights[l].requiresGrad(true));
            paramNames.add("layers." + l + ".weight");
            params.add(biases[l].requiresGrad(true));
            paramNames.add("layers." + l + ".bias");
            if (l > 0 && !tied) {
                // The asymmetry knob: B = sin(a) B0 + cos(a) W, a = 0 starting from the tied weights.
                Tensor b0 = gen.uniform(dtype, -bound, bound, c.weightShape());
                feedbacks[l] = b0.mul(Math.sin(angle)).add(weights[l].detach().mul(Math.cos(angle))).to(dtype).contiguous();
                params.add(feedbacks[l].requiresGrad(true));
                paramNames.add("layers." + l + ".feedback");
            } else if (l > 0) {
                feedbacks[l] = weights[l];
            }
        }
        if (loss == EpLoss.SOFTMAX_READOUT) {
            int top = connections.getLast().outputSize();
            double bound = 1 / Math.sqrt(top);
            readoutWeight = gen.uniform(dtype, -bound, bound, classes, top).requiresGrad(true);
            readoutBias = gen.uniform(dtype, -bound, bound, classes).requiresGrad(true);
            params.add(readoutWeight);
            paramNames.add("readout.weight");
            params.add(readoutBias);
            paramNames.add("readout.bias");
        } else {
            readoutWeight = null;
            readoutBias = null;
        }
        parameters = Collections.unmodifiableList(params);
        names = Collections.unmodifiableList(paramNames);
    }

    private static int fanIn(Connection c) {
        int[] w = c.weightShape();
        int fan = 1;
        for (int i = 1; i < w.length; i++) {
            fan *= w[i];
        }
        return fan;
    }

    /** A builder for a network over inputs of the given shape ({@code [features]} or {@code [C, H, W]}). */
    public static Builder builder(int... inputShape) {
        return new Builder(inputShape);
    }

    /**
     * A fully connected network {@code sizes[0] -> ... -> sizes[L]} with the MSE loss on the top layer
     * (which needs {@code sizes[L]} classes) or a softmax readout onto {@code classes} classes.
     */
    public static EpNetwork mlp(int[] sizes, Activation activation, EpLoss loss, int classes, boolean tied,
                                double feedbackAngleDegrees, DType dtype, Generator gen) {
        if (sizes.length < 2) {
            throw new IllegalArgumentException("EpNetwork.mlp: need an input size and at least one layer, got "
                    + Arrays.toString(sizes));
        }
        Builder b = builder(sizes[0]);
        for (int i = 1; i < sizes.length; i++) {
            b.dense(sizes[i]);
        }
        return b.activation(activation).loss(loss, classes).tied(tied).feedbackAngle(feedbackAngleDegrees).dtype(dtype).build(gen);
    }

    /** Builds an {@link EpNetwork}: {@code builder(64).dense(128).dense(10).loss(EpLoss.MSE, 10).build(gen)}. */
    public static final class Builder {
        private final int[] inputShape;
        private int[] shape;
        private final List<Connection> connections = new ArrayList<>();
        private Activation activation = Activation.SIGMOID;
        private EpLoss loss = EpLoss.MSE;
        private int classes = -1;
        private boolean tied;
        private double feedbackAngleDegrees;
        private DType dtype = DType.FLOAT32;

        private Builder(int[] inputShape) {
            if (inputShape.length != 1 && inputShape.length != 3 || Arrays.stream(inputShape).anyMatch(d -> d <= 0)) {
                throw new IllegalArgumentException("EpNetwork.builder: the input shape must be [features] or [C, H, W] "
                        + "with positive sizes, got " + Arrays.toString(inputShape));
            }
            this.inputShape = inputShape.clone();
            this.shape = inputShape.clone();
        }

        /** Adds a fully connected layer of {@code units} units (flattening an image below it). */
        public Builder dense(int units) {
            connections.add(new Connection.Dense(Arrays.stream(shape).reduce(1, (a, c) -> a * c), units));
            shape = new int[] {units};
            return this;
        }

        /** Adds a 3x3 convolution with {@code channels} channels and 2x2 softmax pooling above an image layer. */
        public Builder convPool(int channels) {
            if (shape.length != 3) {
                throw new IllegalArgumentException("EpNetwork.Builder.convPool: the layer below is not an image (shape "
                        + Arrays.toString(shape) + ")");
            }
            connections.add(new Connection.ConvPool(shape[0], channels, shape[1], shape[2]));
            shape = new int[] {channels, shape[1] / 2, shape[2] / 2};
            return this;
        }

        /** The activation of every layer (default {@link Activation#SIGMOID}). */
        public Builder activation(Activation activation) {
            this.activation = Objects.requireNonNull(activation, "activation");
            return this;
        }

        /** The loss and the number of classes (default MSE on as many classes as top units). */
        public Builder loss(EpLoss loss, int classes) {
            this.loss = Objects.requireNonNull(loss, "loss");
            this.classes = classes;
            return this;
        }

        /** Whether the feedback weights are the feedforward weights themselves (default false). */
        public Builder tied(boolean tied) {
            this.tied = tied;
            return this;
        }

        /**
         * The asymmetry knob of untied networks: feedback initialised as {@code sin(a) B0 + cos(a) W}
         * (a in degrees; default 0, equal to W but trained independently).
         */
        public Builder feedbackAngle(double degrees) {
            this.feedbackAngleDegrees = degrees;
            return this;
        }

        /** The real dtype of parameters and free states (default float32). */
        public Builder dtype(DType dtype) {
            if (!dtype.isFloatingPoint()) {
                throw new IllegalArgumentException("EpNetwork.Builder.dtype: need a real floating dtype, got " + dtype);
            }
            this.dtype = dtype;
            return this;
        }

        /**
         * Initialises the weights (uniform in {@code +-1/sqrt(fan in)}, as torch's Linear) from {@code gen}.
         *
         * @throws IllegalArgumentException when there is no layer, or MSE's class count differs from the top size
         */
        public EpNetwork build(Generator gen) {
            if (connections.isEmpty()) {
                throw new IllegalArgumentException("EpNetwork.Builder.build: no layer above the input");
            }
            int top = connections.getLast().outputSize();
            if (classes < 0) {
                classes = top;
            }
            if (loss == EpLoss.MSE && classes != top) {
                throw new IllegalArgumentException("EpNetwork.Builder.build: the MSE loss needs one top unit per class, got "
                        + top + " units for " + classes + " classes");
            }
            if (tied && feedbackAngleDegrees != 0) {
                throw new IllegalArgumentException("EpNetwork.Builder.build: a tied network has no feedback angle, got "
                        + feedbackAngleDegrees);
            }
            return new EpNetwork(this, gen);
        }
    }

    // ---------------------------------------------------------------- structure

    /** Number of layers above the input. */
    public int layerCount() {
        return connections.size();
    }

    /** The connection into layer {@code l} (1-based, as the layers). */
    public Connection connection(int l) {
        return connections.get(l - 1);
    }

    /** Units of layer l (0 is the input). */
    public int layerSize(int l) {
        return l == 0 ? connections.getFirst().inputSize() : connections.get(l - 1).outputSize();
    }

    /** Offset of layer l (1..L) in the flat state. */
    public int layerOffset(int l) {
        return offsets[l - 1];
    }

    /** Size of the flat state: all units of layers 1..L. */
    public int stateSize() {
        return stateSize;
    }

    /** Units of the input. */
    public int inputSize() {
        return layerSize(0);
    }

    /** The input shape given to the builder. */
    public int[] inputShape() {
        return inputShape.clone();
    }

    /** The activation. */
    public Activation activation() {
        return activation;
    }

    /** The loss. */
    public EpLoss loss() {
        return loss;
    }

    /** Number of classes. */
    public int classes() {
        return classes;
    }

    /** Whether feedback weights are the feedforward weights. */
    public boolean tied() {
        return tied;
    }

    /** The real dtype of the parameters. */
    public DType dtype() {
        return dtype;
    }

    /** True when every connection is {@link Connection.Dense}. */
    public boolean isDense() {
        return connections.stream().allMatch(c -> c instanceof Connection.Dense);
    }

    /** Every trainable tensor, in a fixed order (see {@link #parameterNames()}). */
    public List<Tensor> parameters() {
        return parameters;
    }

    /** Names of {@link #parameters()}: {@code layers.<l-1>.weight|bias|feedback}, {@code readout.weight|bias}. */
    public List<String> parameterNames() {
        return names;
    }

    /** The feedforward weight into layer l (1-based). */
    public Tensor weight(int l) {
        return weights[l - 1];
    }

    /** The bias of layer l. */
    public Tensor bias(int l) {
        return biases[l - 1];
    }

    /** The feedback weight of the connection into layer l (l &ge; 2), in W's layout; W itself when tied. */
    public Tensor feedback(int l) {
        if (l < 2) {
            throw new IllegalArgumentException("EpNetwork.feedback: layer 1 gets no feedback from the input side, asked for " + l);
        }
        return feedbacks[l - 1];
    }

    /** The readout weight {@code [classes, topSize]}, or null for MSE. */
    public Tensor readoutWeight() {
        return readoutWeight;
    }

    /** The readout bias, or null for MSE. */
    public Tensor readoutBias() {
        return readoutBias;
    }

    /**
     * The angle in degrees between each connection's W and its feedback B (same layout):
     * {@code arccos(<W, B> / (|W| |B|))}, for layers 2..L (index 0 is layer 2).
     */
    public double[] feedbackAngles() {
        double[] angles = new double[Math.max(0, layerCount() - 1)];
        try (GradMode g = Autograd.noGrad(); Scope scope = Scope.open()) {
            for (int l = 2; l <= layerCount(); l++) {
                Tensor w = weight(l).to(DType.FLOAT64);
                Tensor b = feedback(l).to(DType.FLOAT64);
                double cos = w.mul(b).sum().item() / Math.sqrt(w.square().sum().item() * b.square().sum().item());
                angles[l - 2] = Math.toDegrees(Math.acos(Math.max(-1, Math.min(1, cos))));
            }
        }
        return angles;
    }

    // ---------------------------------------------------------------- the dynamics

    /** Layer l of a flat state (a view). */
    public Tensor layer(Tensor state, int l) {
        return state.slice(1, offsets[l - 1], offsets[l]);
    }

    /**
     * The total synaptic input {@code Psi(s, x)}: {@code [batch, stateSize]}, real or complex as s.
     *
     * @throws IllegalArgumentException when the shapes do not fit the network
     */
    public Tensor psi(Tensor s, Tensor x) {
        checkState("EpNetwork.psi", s, x);
        int layers = layerCount();
        List<Tensor> parts = new ArrayList<>(layers);
        for (int l = 1; l <= layers; l++) {
            Tensor below = l == 1 ? x : layer(s, l - 1);
            Tensor in = connection(l).forward(below, weights[l - 1], biases[l - 1]);
            if (l < layers) {
                in = in.add(connection(l + 1).feedback(layer(s, l), layer(s, l + 1), feedbacks[l]));
            }
            parts.add(in);
        }
        return parts.size() == 1 ? parts.getFirst() : Tensor.concat(parts, 1);
    }

    /** The top layer's logits: {@code R s_out + c} with a readout, {@code s_out} itself with MSE. */
    public Tensor logits(Tensor s) {
        Tensor top = layer(s, layerCount());
        return loss == EpLoss.MSE ? top : top.matmul(readoutWeight.mT()).add(readoutBias);
    }

    /**
     * The nudge direction {@code e(s) = dl/ds}: zero on hidden layers, {@code [batch, stateSize]}
     * (per example, not divided by the batch size).
     */
    public Tensor nudge(Tensor s, Tensor labels) {
        Tensor y = oneHot(labels);
        Tensor top = layer(s, layerCount());
        Tensor e = switch (loss) {
            case MSE -> top.sub(y);
            case SOFTMAX_READOUT -> softmax(logits(s)).sub(y).matmul(readoutWeight);
        };
        if (layerCount() == 1) {
            return e;
        }
        Tensor hidden = Tensor.zeros(e.dtype(), s.size(0), offsets[layerCount() - 1]);
        return Tensor.concat(List.of(hidden, e), 1);
    }

    /** Softmax along dim 1 that also works on complex logits (shifted by the constant largest real part). */
    private static Tensor softmax(Tensor z) {
        Tensor shift = (z.dtype().isComplex() ? z.real() : z).detach().max(new int[] {1}, true);
        Tensor w = z.sub(shift).exp();
        return w.div(w.sum(new int[] {1}, true));
    }

    /** The loss {@code l(s_out, y)} averaged over the batch (a real scalar; s must be real). */
    public Tensor loss(Tensor s, Tensor labels) {
        Tensor y = oneHot(labels);
        return switch (loss) {
            case MSE -> layer(s, layerCount()).sub(y).square().sum(new int[] {1}, false).mean().mul(0.5);
            case SOFTMAX_READOUT -> logits(s).logSoftmax(1).mul(y).sum(new int[] {1}, false).mean().neg();
        };
    }

    /** One-hot rows {@code [batch, classes]} of int32 labels, in the network's dtype. */
    public Tensor oneHot(Tensor labels) {
        if (labels.rank() != 1 || labels.dtype() != DType.INT32) {
            throw new IllegalArgumentException("EpNetwork.oneHot: labels must be int32 [batch], got " + labels.dtype()
                    + Arrays.toString(labels.shape()));
        }
        int[] idx = labels.toIntArray();
        Tensor y = Tensor.zeros(dtype, idx.length, classes);
        for (int i = 0; i < idx.length; i++) {
            if (idx[i] < 0 || idx[i] >= classes) {
                throw new IndexOutOfBoundsException("EpNetwork.oneHot: label " + idx[i] + " at " + i + " is outside [0, " + classes + ")");
            }
            y.set(1, i, idx[i]);
        }
        return y;
    }

    /** {@code sigma(Psi(s, x) + beta e(s))}: one step on the rates; beta may be null (0), real or complex 0-d. */
    public Tensor step(Tensor s, Tensor x, Tensor labels, Tensor beta) {
        Tensor u = psi(s, x);
        if (beta != null) {
            u = u.add(nudge(s, labels).mul(beta));
        }
        return activation.apply(u);
    }

    /** The rates at {@code u = 0}, where every relaxation starts: {@code [batch, stateSize]}. */
    public Tensor initialRates(int batch) {
        try (GradMode g = Autograd.noGrad()) {
            return activation.apply(Tensor.zeros(dtype, batch, stateSize));
        }
    }

    /** The input as a flat tensor of the network's dtype. */
    Tensor flatInput(Tensor x) {
        Tensor flat = x.rank() == 2 ? x : x.reshape(x.size(0), -1);
        return flat.dtype() == dtype ? flat : flat.to(dtype);
    }

    /** A 0-d tensor holding beta: real dtype when beta is real, else the complex one. */
    Tensor betaTensor(Complex beta) {
        if (beta.isReal()) {
            return Tensor.scalar(dtype, beta.re());
        }
        return Tensor.complex(new double[] {beta.re()}, new double[] {beta.im()}).to(dtype.toComplex());
    }

    private void checkState(String op, Tensor s, Tensor x) {
        if (s.rank() != 2 || s.size(1) != stateSize || x.rank() != 2 || x.size(1) != inputSize() || x.size(0) != s.size(0)) {
            throw new IllegalArgumentException(op + ": expected a state [batch, " + stateSize + "] and an input [batch, "
                    + inputSize() + "], got " + Arrays.toString(s.shape()) + " and " + Arrays.toString(x.shape()));
        }
    }

    /**
     * Relaxes with tensor ops and records the graph when something requires grad (for backprop through
     * the relaxation); {@code beta} may be a real 0-d tensor with a tangent (forward-mode d s / d beta).
     */
    public Tensor relaxRecorded(Tensor start, Tensor x, Tensor labels, Tensor beta, int steps) {
        Tensor s = start;
        Tensor flat = flatInput(x);
        for (int t = 0; t < steps; t++) {
            s = step(s, flat, labels, beta);
        }
        return s;
    }

    /** The relaxation by tensor ops: works for every network and dtype (complex when beta or the start is). */
    public Relaxer tensorRelaxer() {
        return (start, x, labels, beta, steps, observer) -> {
            if (steps < 0) {
                throw new IllegalArgumentException("Relaxer.relax: negative step count " + steps);
            }
            Tensor flat = flatInput(x);
            boolean complex = !beta.isReal() || !start.isReal();
            try (GradMode g = Autograd.noGrad()) {
                Tensor s = complex ? Tensor.complex(start.re(), start.im() != null ? start.im() : Tensor.zerosLike(start.re()))
                        .to(dtype.toComplex()) : start.re().copy();
                Tensor b = beta.re() == 0 && beta.im() == 0 ? null : betaTensor(beta);
                for (int t = 0; t < steps; t++) {
                    try (Scope scope = Scope.open()) {
                        Tensor next = step(s, flat, labels, b);
                        s.copyFrom(next);
                        if (observer != null) {
                            observer.afterStep(Planes.of(s), beta);
                        }
                    }
                }
                return Planes.of(s);
            }
        };
    }
}
