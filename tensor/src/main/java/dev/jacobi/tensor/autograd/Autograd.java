package dev.jacobi.tensor.autograd;

import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Tensor;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Entry points of automatic differentiation: switching recording off and on, gradients of an output
 * with respect to chosen inputs ({@link #grad}), Jacobian-vector products ({@link #jvp}), and
 * {@link #op}, through which every differentiable operation, built-in or user-defined, records itself.
 *
 * <p>Recording happens per thread. Ops run inside {@code try (var g = Autograd.noGrad()) {...}} record
 * nothing, as do ops none of whose inputs requires a gradient.
 */
public final class Autograd {
    private static final AtomicLong LEVELS = new AtomicLong();

    private Autograd() {
    }

    /** Switches recording off on this thread until the returned region is closed. */
    public static GradMode noGrad() {
        return new GradMode(false);
    }

    /** Switches recording on on this thread until the returned region is closed (inside a {@link #noGrad()}). */
    public static GradMode enableGrad() {
        return new GradMode(true);
    }

    /** Whether ops on this thread record for reverse mode. */
    public static boolean isGradEnabled() {
        return GradContext.current().gradEnabled;
    }

    // ---------------------------------------------------------------- recording

    /**
     * Runs a differentiable op: computes {@code forward} and, when some input requires a gradient or
     * carries a tangent, records {@code vjp} for reverse mode and applies {@code jvp} for forward mode.
     * Ops that {@code forward} calls internally record nothing. This is how every built-in op records
     * itself, and how a user adds a custom op (as {@code torch.autograd.Function}).
     *
     * @param name    the op's name, for error messages and {@link Node#name()}
     * @param forward computes the output (a new tensor or a view; never one of the inputs itself)
     * @param vjp     the op's vector-Jacobian product, written with tensor ops so that it can itself be
     *                differentiated
     * @param jvp     the op's Jacobian-vector product, likewise
     * @param inputs  the op's tensor inputs, in the order the rules use; null entries are allowed
     * @return the output
     */
    public static Tensor op(String name, Supplier<Tensor> forward, Vjp vjp, Jvp jvp, Tensor... inputs) {
        boolean tracked = false;
        for (Tensor t : inputs) {
            if (t != null && t.gradState().tracked()) {
                tracked = true;
                break;
            }
        }
        if (!tracked) {
            return forward.get();
        }
        GradContext c = GradContext.current();
        if (c.inForward) {
            return forward.get();
        }
        boolean recordGrad = c.gradEnabled && anyRequiresGrad(inputs);
        boolean pushTangent = c.forwardLevel != 0 && !c.inJvpRule && anyTangent(inputs, c.forwardLevel);
        if (!recordGrad && !pushTangent) {
            return forward.get();
        }
        Tensor out;
        c.inForward = true;
        try {
            out = forward.get();
        } finally {
            c.inForward = false;
        }
        if (!out.dtype().isInexact()) {
            return out; // integer and bool results carry no gradient
        }
        for (Tensor t : inputs) {
            if (t == out) {
                throw new IllegalStateException(name + ": the forward of a recorded op returned its input itself; "
                        + "return a view or a copy");
            }
        }
        // Record first: a jvp rule that uses the output must see it as part of the graph, so that the tangent
        // is differentiable through the output too (reverse over forward).
        if (recordGrad) {
            Node.Edge[] edges = new Node.Edge[inputs.length];
            Tensor[] saved = new Tensor[inputs.length + 1];
            int kept = 0;
            for (int i = 0; i < inputs.length; i++) {
                Tensor t = inputs[i];
                if (t == null) {
                    continue;
                }
                saved[kept++] = t;
                GradState s = t.gradState();
                if (s.gradFn != null) {
                    edges[i] = new Node.Edge(s.gradFn, null, t.dtype(), t.shape());
                } else if (s.leafRequiresGrad) {
                    edges[i] = new Node.Edge(null, t, t.dtype(), t.shape());
                }
            }
            saved[kept++] = out;
            out.gradState().gradFn = new Node(name, edges, vjp, out, kept == saved.length ? saved : Arrays.copyOf(saved, kept));
        }
        if (pushTangent) {
            Tensor[] tangents = new Tensor[inputs.length];
            for (int i = 0; i < inputs.length; i++) {
                tangents[i] = inputs[i] == null ? null : tangentOf(inputs[i], c.forwardLevel);
            }
            Tensor tangent;
            c.inJvpRule = true;
            try {
                tangent = jvp.apply(tangents, out);
            } finally {
                c.inJvpRule = false;
            }
            if (tangent != null) {
                setTangent(out, fitTangent(name, tangent, out), c.forwardLevel);
            }
        }
        return out;
    }

    private static boolean anyRequiresGrad(Tensor[] inputs) {
        for (Tensor t : inputs) {
            if (t != null && t.gradState().requiresGrad()) {
                return true;
            }
        }
        return false;
    }

    private static boolean anyTangent(Tensor[] inputs, long level) {
        for (Tensor t : inputs) {
            if (t != null && tangentOf(t, level) != null) {
                return true;
            }
        }
        return false;
    }

    static Tensor tangentOf(Tensor t, long level) {
        GradState s = t.gradState();
        return s.tangent != null && s.tangentLevel == level ? s.tangent : null;
    }

    private static void setTangent(Tensor t, Tensor tangent, long level) {
        GradState s = t.gradState();
        s.tangent = tangent;
        s.tangentLevel = level;
    }

    /** Brings a rule's tangent to the output's shape and dtype (a rule may return a broadcastable one). */
    private static Tensor fitTangent(String name, Tensor tangent, Tensor out) {
        Tensor t = tangent;
        if (!Arrays.equals(t.shape(), out.shape())) {
            try {
                t = t.expand(out.shape());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(name + ": jvp rule gave a tangent of shape " + Shapes.format(t.shape())
                        + " for an output of shape " + Shapes.format(out.shape()), e);
            }
        }
        if (t.dtype() != out.dtype()) {
            t = t.to(out.dtype());
        }
        return t;
    }

    // ---------------------------------------------------------------- reverse mode

    /**
     * Gradients of {@code output} with respect to {@code inputs}, which may be leaves or intermediate
     * tensors of the graph; nothing is accumulated into {@link Tensor#grad()}.
     *
     * @param output      the tensor to differentiate
     * @param inputs      tensors that require grad and that {@code output} may depend on
     * @param seed        the gradient with respect to {@code output} (its shape), or null for a scalar output
     * @param createGraph record the backward pass itself, so the gradients can be differentiated again
     *                    (this also keeps the graph, as PyTorch does)
     * @return one gradient per input, in input order, with the input's shape and dtype; zeros for an
     *         input that {@code output} does not depend on
     * @throws IllegalArgumentException when an input does not require grad, or the seed does not fit
     * @throws IllegalStateException    when the graph was freed by an earlier backward or a tensor it needs
     *                                  was changed in place
     */
    public static List<Tensor> grad(Tensor output, List<Tensor> inputs, Tensor seed, boolean createGraph) {
        return grad(output, inputs, seed, createGraph, createGraph);
    }

    /** {@link #grad(Tensor, List, Tensor, boolean)} that also says whether to keep the graph for another pass. */
    public static List<Tensor> grad(Tensor output, List<Tensor> inputs, Tensor seed, boolean createGraph, boolean retainGraph) {
        for (int i = 0; i < inputs.size(); i++) {
            Tensor t = inputs.get(i);
            if (!t.gradState().requiresGrad()) {
                throw new IllegalArgumentException("grad: input " + i + " (shape " + Shapes.format(t.shape()) + ", "
                        + t.dtype() + ") does not require grad; call requiresGrad(true) on it before computing the output");
            }
        }
        Tensor[] grads = BackwardEngine.run("grad", output, seedFor("grad", output, seed), inputs, retainGraph, createGraph);
        List<Tensor> result = new ArrayList<>(inputs.size());
        for (int i = 0; i < inputs.size(); i++) {
            Tensor t = inputs.get(i);
            result.add(grads[i] != null ? grads[i] : Tensor.zeros(t.dtype(), t.shape()).to(t.device()));
        }
        return result;
    }

    /** The gradient of a scalar {@code output} with respect to {@code inputs} (no graph of the backward pass). */
    public static List<Tensor> grad(Tensor output, List<Tensor> inputs) {
        return grad(output, inputs, null, false);
    }

    /**
     * Accumulates the gradient of {@code output} into {@link Tensor#grad()} of every leaf that requires
     * grad (what {@link Tensor#backward(Tensor)} does).
     *
     * @param seed the gradient with respect to {@code output}, or null for a scalar output
     */
    public static void backward(Tensor output, Tensor seed, boolean retainGraph, boolean createGraph) {
        BackwardEngine.run("backward", output, seedFor("backward", output, seed), null, retainGraph, createGraph);
    }

    private static Tensor seedFor(String op, Tensor output, Tensor seed) {
        if (!output.gradState().requiresGrad()) {
            throw new IllegalArgumentException(op + ": the output (shape " + Shapes.format(output.shape())
                    + ") does not require grad: none of the tensors it was computed from requires grad, or it was "
                    + "computed inside Autograd.noGrad()");
        }
        if (seed == null) {
            if (output.numel() != 1) {
                throw new IllegalArgumentException(op + ": the output has shape " + Shapes.format(output.shape())
                        + ", not one element; pass a seed of that shape (the gradient with respect to the output)");
            }
            return Tensor.ones(output.dtype(), output.shape()).to(output.device());
        }
        if (!Arrays.equals(seed.shape(), output.shape())) {
            throw new IllegalArgumentException(op + ": seed of shape " + Shapes.format(seed.shape())
                    + " does not match the output's shape " + Shapes.format(output.shape()));
        }
        if (!seed.dtype().isInexact()) {
            throw new IllegalArgumentException(op + ": seed of dtype " + seed.dtype() + " must be floating or complex");
        }
        return seed.dtype() == output.dtype() ? seed : seed.to(output.dtype());
    }

    // ---------------------------------------------------------------- forward mode

    /** An output and its tangent: the result of {@link #jvp}. */
    public record Dual(Tensor output, Tensor tangent) {
    }

    /**
     * The Jacobian-vector product of {@code f} at {@code x} along {@code v}, computed in forward mode in
     * one evaluation of {@code f}. The result stays differentiable in reverse mode with respect to
     * anything that requires grad (parameters inside {@code f}, or {@code x}).
     *
     * @throws IllegalArgumentException when {@code v}'s shape differs from {@code x}'s
     * @throws IllegalStateException    when called inside another jvp (nest jvp inside grad instead)
     */
    public static Dual jvp(Function<Tensor, Tensor> f, Tensor x, Tensor v) {
        return jvp(xs -> f.apply(xs.get(0)), List.of(x), List.of(v));
    }

    /** {@link #jvp(Function, Tensor, Tensor)} for a function of several tensors, one tangent per input. */
    public static Dual jvp(Function<List<Tensor>, Tensor> f, List<Tensor> xs, List<Tensor> vs) {
        if (xs.size() != vs.size()) {
            throw new IllegalArgumentException("jvp: " + xs.size() + " inputs but " + vs.size() + " tangents");
        }
        GradContext c = GradContext.current();
        if (c.forwardLevel != 0) {
            throw new IllegalStateException("jvp: nested jvp (forward over forward) is not supported; "
                    + "for second derivatives take a jvp of Autograd.grad, or Autograd.grad of a jvp");
        }
        List<Tensor> duals = new ArrayList<>(xs.size());
        for (int i = 0; i < xs.size(); i++) {
            Tensor x = xs.get(i);
            Tensor v = vs.get(i);
            if (!Arrays.equals(x.shape(), v.shape())) {
                throw new IllegalArgumentException("jvp: tangent " + i + " of shape " + Shapes.format(v.shape())
                        + " does not match its input's shape " + Shapes.format(x.shape()));
            }
            if (!x.dtype().isInexact()) {
                throw new IllegalArgumentException("jvp: input " + i + " has dtype " + x.dtype()
                        + "; only floating and complex inputs have tangents");
            }
            duals.add(alias(x));
        }
        long level = LEVELS.incrementAndGet();
        c.forwardLevel = level;
        try {
            for (int i = 0; i < xs.size(); i++) {
                Tensor v = vs.get(i);
                setTangent(duals.get(i), v.dtype() == xs.get(i).dtype() ? v : v.to(xs.get(i).dtype()), level);
            }
            Tensor y = f.apply(duals);
            Tensor t = tangentOf(y, level);
            y.gradState().tangent = null; // handed back here; the output itself forgets it
            return new Dual(y, t != null ? t : Tensor.zeros(y.dtype(), y.shape()).to(y.device()));
        } finally {
            c.forwardLevel = 0;
        }
    }

    /** A new tensor object over x's memory that passes gradients back to x (a fresh place for a tangent). */
    private static Tensor alias(Tensor x) {
        return op("alias", x::detach, (g, out, needed) -> new Tensor[] {g}, (t, out) -> t[0], x);
    }

    /**
     * The vector-Jacobian product of {@code f} at {@code x} with {@code seed}: {@code f(x)} and
     * {@code seed^T J} (the gradient of {@code <seed, f(x)>}).
     */
    public static Dual vjp(Function<Tensor, Tensor> f, Tensor x, Tensor seed) {
        Tensor xr = x.detach().requiresGrad(true);
        Tensor y;
        try (GradMode g = enableGrad()) {
            y = f.apply(xr);
        }
        if (!y.requiresGrad()) {
            return new Dual(y, Tensor.zeros(x.dtype(), x.shape()).to(x.device()));
        }
        return new Dual(y.detach(), grad(y, List.of(xr), seed, false).get(0));
    }
}
