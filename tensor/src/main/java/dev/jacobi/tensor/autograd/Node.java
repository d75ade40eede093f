package dev.jacobi.tensor.autograd;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * One recorded application of a differentiable op: its name, where the gradient of each input goes
 * (another node, a leaf tensor, or nowhere), and the op's {@link Vjp}. Backward releases the vjp and the
 * tensors it holds unless the graph is retained, so a graph can be walked once by default.
 */
public final class Node {
    /** Where one input's gradient goes: the input's own node, or the input itself when it is a leaf. */
    record Edge(Node node, Tensor leaf, DType dtype, int[] shape) {
    }

    private final String name;
    final Edge[] edges;
    private Vjp vjp;
    private Tensor output;
    private Tensor[] saved;
    private int[] versions;

    Node(String name, Edge[] edges, Vjp vjp, Tensor output, Tensor[] saved) {
        this.name = name;
        this.edges = edges;
        this.vjp = vjp;
        this.output = output;
        this.saved = saved;
        this.versions = new int[saved.length];
        for (int i = 0; i < saved.length; i++) {
            versions[i] = saved[i].storage().version();
        }
    }

    /** The op's name, as in error messages. */
    public String name() {
        return name;
    }

    /** The nodes that produced this op's inputs (leaves and constants have none). */
    public List<Node> next() {
        List<Node> r = new ArrayList<>();
        for (Edge e : edges) {
            if (e != null && e.node() != null) {
                r.add(e.node());
            }
        }
        return r;
    }

    /** True once backward has freed what this node kept for its gradient. */
    public boolean isReleased() {
        return vjp == null;
    }

    /** Runs the vjp after checking that nothing it needs was freed or changed in place. */
    Tensor[] backward(Tensor grad) {
        if (vjp == null) {
            throw new IllegalStateException("backward through '" + name + "' a second time: the graph was freed by an "
                    + "earlier backward; pass retainGraph = true to the first backward to walk it again");
        }
        for (int i = 0; i < saved.length; i++) {
            int now = saved[i].storage().version();
            if (now != versions[i]) {
                throw new IllegalStateException("backward of '" + name + "': a tensor of shape "
                        + Shapes.format(saved[i].shape()) + " (" + saved[i].dtype() + ") that it needs was changed in place "
                        + "after the op ran (version " + now + ", recorded at " + versions[i] + "); "
                        + "change a copy instead, or change it after backward");
            }
        }
        boolean[] needed = new boolean[edges.length];
        for (int i = 0; i < edges.length; i++) {
            needed[i] = edges[i] != null;
        }
        return vjp.apply(grad, output, needed);
    }

    /** Drops the vjp and the tensors it holds. */
    void release() {
        vjp = null;
        output = null;
        saved = new Tensor[0];
        versions = new int[0];
    }

    @Override
    public String toString() {
        return "Node(" + name + ")";
    }
}
