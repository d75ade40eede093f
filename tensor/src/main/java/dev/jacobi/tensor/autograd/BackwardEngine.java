package dev.jacobi.tensor.autograd;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Storage;
import dev.jacobi.tensor.Tensor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Walks a recorded graph from an output back to leaves or to chosen inputs. */
final class BackwardEngine {
    private BackwardEngine() {
    }

    /**
     * Propagates {@code seed} from {@code output}. With {@code targets} null, gradients accumulate into the
     * leaves' {@code grad}; otherwise they are returned, one per target, and leaves are left alone.
     */
    static Tensor[] run(String op, Tensor output, Tensor seed, List<Tensor> targets, boolean retain, boolean create) {
        Tensor[] captured = targets == null ? null : new Tensor[targets.size()];
        Map<Node, List<Integer>> targetNodes = new IdentityHashMap<>();
        Map<Tensor, List<Integer>> targetLeaves = new IdentityHashMap<>();
        if (targets != null) {
            for (int i = 0; i < targets.size(); i++) {
                Tensor t = targets.get(i);
                Node n = t.gradState().gradFn();
                if (n != null) {
                    targetNodes.computeIfAbsent(n, k -> new ArrayList<>()).add(i);
                } else {
                    targetLeaves.computeIfAbsent(t, k -> new ArrayList<>()).add(i);
                }
            }
        }
        Map<Tensor, Tensor> leafGrads = new LinkedHashMap<>();
        Node root = output.gradState().gradFn();
        try (GradMode mode = new GradMode(create)) {
            if (root == null) { // the output is a leaf
                deliverToLeaf(output, seed, targets, targetLeaves, captured, leafGrads);
            } else {
                List<Node> order = topologicalOrder(root);
                Map<Node, Boolean> useful = targets == null ? null : usefulNodes(order, targetNodes, targetLeaves);
                Map<Node, Tensor> pending = new IdentityHashMap<>();
                pending.put(root, seed);
                for (int k = order.size() - 1; k >= 0; k--) {
                    Node node = order.get(k);
                    Tensor g = pending.remove(node);
                    if (g == null || (useful != null && !useful.get(node))) {
                        if (g == null && useful == null && !retain) {
                            node.release(); // no gradient reaches it (zero rules upstream), but the walk frees it all
                        }
                        continue;
                    }
                    List<Integer> slots = targetNodes.get(node);
                    if (slots != null) {
                        for (int i : slots) {
                            captured[i] = g;
                        }
                    }
                    if (useful != null && !anyUsefulEdge(node, useful, targetLeaves)) {
                        if (!retain) {
                            node.release();
                        }
                        continue;
                    }
                    Tensor[] inputGrads = node.backward(g);
                    if (inputGrads.length != node.edges.length) {
                        throw new IllegalStateException(node.name() + ": vjp returned " + inputGrads.length
                                + " gradients for " + node.edges.length + " inputs");
                    }
                    for (int i = 0; i < inputGrads.length; i++) {
                        Node.Edge e = node.edges[i];
                        if (e == null || inputGrads[i] == null) {
                            continue;
                        }
                        Tensor gi = fit(node.name(), inputGrads[i], e.dtype(), e.shape());
                        if (e.node() != null) {
                            if (useful == null || useful.get(e.node())) {
                                pending.merge(e.node(), gi, Tensor::add);
                            }
                        } else {
                            deliverToLeaf(e.leaf(), gi, targets, targetLeaves, captured, leafGrads);
                        }
                    }
                    if (!retain) {
                        node.release();
                    }
                }
            }
            // A rule may pass one tensor to several inputs (add gives g to both), or views of one buffer (split
            // after concat), or the seed itself; a stored gradient must not share memory with another one or with
            // the seed, or an in-place change of one (an optimizer clipping gradients) would change the others.
            Set<Storage> handedOut = Collections.newSetFromMap(new IdentityHashMap<>());
            handedOut.add(seed.storage());
            for (Map.Entry<Tensor, Tensor> e : leafGrads.entrySet()) {
                GradState s = e.getKey().gradState();
                Tensor g = e.getValue();
                if (s.grad != null) {
                    s.grad = s.grad.add(g);
                } else if (create) {
                    s.grad = g;
                } else {
                    g = g.contiguous();
                    s.grad = handedOut.add(g.storage()) ? g : g.copy();
                }
            }
        }
        return captured;
    }

    private static void deliverToLeaf(Tensor leaf, Tensor g, List<Tensor> targets, Map<Tensor, List<Integer>> targetLeaves,
                                      Tensor[] captured, Map<Tensor, Tensor> leafGrads) {
        if (targets == null) {
            if (leaf.gradState().leafRequiresGrad) {
                leafGrads.merge(leaf, g, Tensor::add);
            }
            return;
        }
        List<Integer> slots = targetLeaves.get(leaf);
        if (slots != null) {
            for (int i : slots) {
                captured[i] = captured[i] == null ? g : captured[i].add(g);
            }
        }
    }

    /** Nodes reachable from {@code root}, each after every node it feeds (reverse it to go backwards). */
    private static List<Node> topologicalOrder(Node root) {
        List<Node> post = new ArrayList<>();
        Map<Node, Boolean> seen = new IdentityHashMap<>();
        ArrayDeque<Object[]> stack = new ArrayDeque<>(); // {node, next edge index}
        stack.push(new Object[] {root, 0});
        seen.put(root, Boolean.TRUE);
        while (!stack.isEmpty()) {
            Object[] top = stack.peek();
            Node n = (Node) top[0];
            int i = (Integer) top[1];
            if (i < n.edges.length) {
                top[1] = i + 1;
                Node.Edge e = n.edges[i];
                if (e != null && e.node() != null && seen.put(e.node(), Boolean.TRUE) == null) {
                    stack.push(new Object[] {e.node(), 0});
                }
            } else {
                stack.pop();
                post.add(n);
            }
        }
        return post;
    }

    /** Which nodes lie on a path to a target: the rest need not run. */
    private static Map<Node, Boolean> usefulNodes(List<Node> postOrder, Map<Node, List<Integer>> targetNodes,
                                                  Map<Tensor, List<Integer>> targetLeaves) {
        Map<Node, Boolean> useful = new IdentityHashMap<>();
        for (Node n : postOrder) {
            useful.put(n, targetNodes.containsKey(n) || anyUsefulEdge(n, useful, targetLeaves));
        }
        return useful;
    }

    private static boolean anyUsefulEdge(Node n, Map<Node, Boolean> useful, Map<Tensor, List<Integer>> targetLeaves) {
        for (Node.Edge e : n.edges) {
            if (e == null) {
                continue;
            }
            if (e.node() != null ? Boolean.TRUE.equals(useful.get(e.node())) : targetLeaves.containsKey(e.leaf())) {
                return true;
            }
        }
        return false;
    }

    /**
     * Brings an input's gradient to the input's shape and dtype: sums over broadcast dimensions, keeps the
     * real part for a real input, casts.
     */
    static Tensor fit(String op, Tensor g, DType dtype, int[] shape) {
        Tensor r = g;
        if (r.dtype().isComplex() && !dtype.isComplex()) {
            r = r.real();
        }
        if (!Arrays.equals(r.shape(), shape)) {
            r = sumTo(op, r, shape);
        }
        if (r.dtype() != dtype) {
            r = r.to(dtype);
        }
        return r;
    }

    /** Sums {@code g} over the dimensions along which {@code shape} was broadcast to g's shape. */
    static Tensor sumTo(String op, Tensor g, int[] shape) {
        int[] gs = g.shape();
        if (Shapes.numel(gs) == Shapes.numel(shape) && gs.length != shape.length) {
            boolean sameSizes = Arrays.equals(Arrays.stream(gs).filter(d -> d != 1).toArray(),
                    Arrays.stream(shape).filter(d -> d != 1).toArray());
            if (sameSizes) {
                return g.reshape(shape);
            }
        }
        int lead = gs.length - shape.length;
        if (lead < 0) {
            throw new IllegalStateException(op + ": gradient of shape " + Shapes.format(gs)
                    + " does not broadcast to the input's shape " + Shapes.format(shape));
        }
        List<Integer> axes = new ArrayList<>();
        for (int i = 0; i < gs.length; i++) {
            if (i < lead) {
                axes.add(i);
            } else if (shape[i - lead] == 1 && gs[i] != 1) {
                axes.add(i);
            } else if (shape[i - lead] != gs[i]) {
                throw new IllegalStateException(op + ": gradient of shape " + Shapes.format(gs)
                        + " does not broadcast to the input's shape " + Shapes.format(shape));
            }
        }
        Tensor s = axes.isEmpty() ? g : g.sum(axes.stream().mapToInt(Integer::intValue).toArray(), true);
        return s.reshape(shape);
    }
}
