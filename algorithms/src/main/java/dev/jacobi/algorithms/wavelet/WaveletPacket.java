package dev.jacobi.algorithms.wavelet;

import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Tensor;

import java.util.ArrayList;
import java.util.List;

/**
 * The full 1-D wavelet packet tree along the last axis (PyWavelets' {@code WaveletPacket}: every node is
 * split again). Paths have one letter per level, a (approximation) or d (detail). Level J of an input
 * [..., N] is the tensor [..., 2^J, n_J], nodes in {@link PacketOrder#NATURAL} order (path read as a
 * binary number, a = 0, first level most significant) unless asked otherwise. Differentiable.
 */
public final class WaveletPacket {
    private WaveletPacket() {
    }

    /** Level {@code levels} of the packet tree of x [..., N], natural order: [..., 2^J, n_J]. */
    public static Tensor forward(Tensor x, Wavelet w, String mode, int levels) {
        return forward(x, w, Mode.named(mode), levels, PacketOrder.NATURAL);
    }

    /**
     * Level {@code levels} of the packet tree ({@code WaveletPacket(x, w, mode).get_level(J, order)}).
     *
     * @throws IllegalArgumentException for rank 0, a non-float dtype or negative levels
     */
    public static Tensor forward(Tensor x, Wavelet w, Mode mode, int levels, PacketOrder order) {
        WaveletPacket2D.check("WaveletPacket.forward", x, 1, levels);
        Dwt.checkAxis("WaveletPacket.forward", x, -1);
        Tensor t = x.unsqueeze(x.rank() - 1);                 // [..., 1, N]
        for (int j = 0; j < levels; j++) {
            Tensor y = Dwt.analyzeLast(t, w, mode);           // [..., K, 2, n]
            int r = y.rank();
            int[] shape = t.shape().clone();
            shape[shape.length - 2] *= 2;
            shape[shape.length - 1] = y.size(r - 1);
            t = y.reshape(shape);
        }
        return reorder(t, levels, order, true);
    }

    /**
     * Reconstructs a signal of {@code length} samples from its level {@code levels} [..., 2^J, n_J]
     * (PyWavelets' {@code reconstruct()}: every node trimmed to its decomposed size); length -1 trims
     * nothing.
     *
     * @throws IllegalArgumentException when the node axis is not 2^levels long or the node length does
     *                                  not come from {@code length}
     */
    public static Tensor inverse(Tensor nodes, Wavelet w, Mode mode, int levels, PacketOrder order, int length) {
        String op = "WaveletPacket.inverse";
        WaveletPacket2D.check(op, nodes, 2, levels);
        int r = nodes.rank();
        if (nodes.size(r - 2) != 1 << levels) {
            throw new IllegalArgumentException(op + ": expected 2^" + levels + " nodes along axis -2, got shape "
                    + Shapes.format(nodes.shape()));
        }
        int[] sizes = WaveletPacket2D.sizes(length, w.length(), mode, levels);
        if (length >= 0 && sizes[levels] != nodes.size(r - 1)) {
            throw new IllegalArgumentException(op + ": nodes of shape " + Shapes.format(nodes.shape()) + " do not come from "
                    + length + " samples at level " + levels + " (expected " + sizes[levels] + " per node)");
        }
        Tensor t = reorder(nodes, levels, order, false);
        for (int j = levels; j > 0; j--) {
            int[] pairs = t.shape().clone();
            int[] split = new int[r + 1];
            System.arraycopy(pairs, 0, split, 0, r - 2);
            split[r - 2] = pairs[r - 2] / 2;
            split[r - 1] = 2;
            split[r] = pairs[r - 1];
            Tensor y = Dwt.synthesizeLast(t.reshape(split), w, mode, op);  // [..., K/2, samples]
            if (length >= 0 && y.size(r - 1) > sizes[j - 1]) {
                y = y.slice(r - 1, 0, sizes[j - 1]).contiguous();
            }
            t = y;
        }
        return t.squeeze(r - 2);
    }

    /** The node paths of one level in the given order; frequency order is PyWavelets' Gray code. */
    public static List<String> paths(int levels, PacketOrder order) {
        if (levels < 0) {
            throw new IllegalArgumentException("WaveletPacket.paths: negative level " + levels);
        }
        List<String> p = new ArrayList<>(List.of(""));
        for (int j = 0; j < levels; j++) {
            List<String> next = new ArrayList<>();
            if (order == PacketOrder.NATURAL) {
                for (String s : p) {
                    next.add(s + "a");
                    next.add(s + "d");
                }
            } else {
                // Gray code: the low half in order, then the high half mirrored.
                for (String s : p) {
                    next.add("a" + s);
                }
                for (int i = p.size() - 1; i >= 0; i--) {
                    next.add("d" + p.get(i));
                }
            }
            p = next;
        }
        return List.copyOf(p);
    }

    private static Tensor reorder(Tensor t, int levels, PacketOrder order, boolean fromNatural) {
        if (order == PacketOrder.NATURAL || levels == 0) {
            return t;
        }
        return PacketOrder.reorder(t, t.rank() - 2, paths(levels, PacketOrder.NATURAL), paths(levels, order), fromNatural);
    }
}
