package dev.jacobi.algorithms.wavelet;

import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Tensor;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The full 2-D wavelet packet tree over the last two axes (PyWavelets' {@code WaveletPacket2D}: every
 * node, not only the approximation, is split again), and WaLLoC's channel layout of it.
 *
 * <p>Node paths have one letter per level: a (approximation), h (detail along the height, cH), v (detail
 * along the width, cV), d (diagonal). Level J of an input [..., H, W] is the tensor [..., 4^J, h_J, w_J]
 * whose node axis is in {@link PacketOrder#NATURAL} order (path index in base 4 with a=0, h=1, v=2, d=3,
 * first level most significant) unless asked otherwise. All transforms are differentiable; their
 * gradients are the true transposes.
 */
public final class WaveletPacket2D {
    private static final String LETTERS = "ahvd";

    private WaveletPacket2D() {
    }

    /**
     * Level {@code levels} of the packet tree of x [..., H, W] ({@code [n.data for n in
     * WaveletPacket2D(x, w, mode).get_level(levels)]}), nodes in natural order.
     *
     * @return [..., 4^levels, h_J, w_J] with h_J, w_J as {@link Mode#coefficients} applied J times
     */
    public static Tensor forward(Tensor x, Wavelet w, String mode, int levels) {
        return forward(x, w, Mode.named(mode), levels, PacketOrder.NATURAL);
    }

    /**
     * Level {@code levels} of the packet tree, nodes in the given order.
     *
     * @throws IllegalArgumentException for rank below 2, a non-float dtype or negative levels
     */
    public static Tensor forward(Tensor x, Wavelet w, Mode mode, int levels, PacketOrder order) {
        check("WaveletPacket2D.forward", x, 2, levels);
        int r = x.rank();
        int height = x.size(r - 2);
        int width = x.size(r - 1);
        Tensor t;
        if (PacketMap.applies(x, mode, levels, height, width)) {
            t = LinearMap.apply(new PacketMap(true, w.lo(true), w.hi(true), levels, height, width), x);
        } else {
            t = x.unsqueeze(r - 2);
            for (int j = 0; j < levels; j++) {
                t = level(t, w, mode);
            }
        }
        return reorder(t, levels, order, true);
    }

    /**
     * Reconstructs the input from level {@code levels} [..., 4^J, h_J, w_J] (natural order) without
     * trimming: each level has {@code 2n} (periodization) or {@code 2n - L + 2} samples per axis.
     */
    public static Tensor inverse(Tensor nodes, Wavelet w, String mode, int levels) {
        return inverse(nodes, w, Mode.named(mode), levels, PacketOrder.NATURAL, -1, -1);
    }

    /**
     * Reconstructs an input of height x width from its level {@code levels} (PyWavelets' {@code
     * reconstruct()} of a tree decomposed from such data: every node trimmed to its decomposed size).
     * Pass -1, -1 for no trimming.
     *
     * @throws IllegalArgumentException when the node axis is not 4^levels long, or the node size does
     *                                  not match height x width
     */
    public static Tensor inverse(Tensor nodes, Wavelet w, Mode mode, int levels, PacketOrder order, int height, int width) {
        String op = "WaveletPacket2D.inverse";
        check(op, nodes, 3, levels);
        int r = nodes.rank();
        int count = 1 << (2 * levels);
        if (nodes.size(r - 3) != count) {
            throw new IllegalArgumentException(op + ": expected 4^" + levels + " = " + count + " nodes along axis -3, got shape "
                    + Shapes.format(nodes.shape()));
        }
        int[] hs = sizes(height, w.length(), mode, levels);
        int[] ws = sizes(width, w.length(), mode, levels);
        if (height >= 0 && (hs[levels] != nodes.size(r - 2) || ws[levels] != nodes.size(r - 1))) {
            throw new IllegalArgumentException(op + ": nodes of shape " + Shapes.format(nodes.shape()) + " do not come from a "
                    + height + " x " + width + " input at level " + levels + " (expected " + hs[levels] + " x " + ws[levels] + ")");
        }
        Tensor t = reorder(nodes, levels, order, false);
        int fullH = nodes.size(r - 2) << levels;
        int fullW = nodes.size(r - 1) << levels;
        if ((height < 0 || height == fullH) && (width < 0 || width == fullW)
                && PacketMap.applies(nodes, mode, levels, fullH, fullW)) {
            return LinearMap.apply(new PacketMap(false, w.lo(false), w.hi(false), levels, fullH, fullW), t);
        }
        for (int j = levels; j > 0; j--) {
            t = inverseLevel(t, w, mode, height >= 0 ? hs[j - 1] : -1, width >= 0 ? ws[j - 1] : -1, op);
        }
        return t.squeeze(t.rank() - 3);
    }

    /**
     * WaLLoC's analysis layout: x [..., C, H, W] -> [..., C * 4^J, H / 2^J, W / 2^J], periodization,
     * channel {@code c * 4^J + f1 * 4^(J-1) + ... + fJ} (f = 0 LL, 1 H, 2 V, 3 D; f1 the first level).
     *
     * @throws IllegalArgumentException when H or W is not divisible by 2^J, for rank below 3, a non-float
     *                                  dtype or negative levels
     */
    public static Tensor toChannels(Tensor x, Wavelet w, int levels) {
        String op = "WaveletPacket2D.toChannels";
        check(op, x, 3, levels);
        int r = x.rank();
        checkDivisible(op, x, levels);
        Tensor t = forward(x, w, Mode.PERIODIZATION, levels, PacketOrder.NATURAL);
        int[] shape = x.shape().clone();
        shape[r - 3] = x.size(r - 3) << (2 * levels);
        shape[r - 2] = x.size(r - 2) >> levels;
        shape[r - 1] = x.size(r - 1) >> levels;
        return t.reshape(shape);
    }

    /**
     * The inverse of {@link #toChannels}: [..., C * 4^J, h, w] -> [..., C, h * 2^J, w * 2^J].
     *
     * @throws IllegalArgumentException when the channel count is not a multiple of 4^J
     */
    public static Tensor fromChannels(Tensor channels, Wavelet w, int levels) {
        String op = "WaveletPacket2D.fromChannels";
        check(op, channels, 3, levels);
        int r = channels.rank();
        int per = 1 << (2 * levels);
        int c = channels.size(r - 3);
        if (c % per != 0) {
            throw new IllegalArgumentException(op + ": " + c + " channels in shape " + Shapes.format(channels.shape())
                    + " are not a multiple of 4^" + levels + " = " + per);
        }
        int[] shape = new int[r + 1];
        System.arraycopy(channels.shape(), 0, shape, 0, r - 3);
        shape[r - 3] = c / per;
        shape[r - 2] = per;
        shape[r - 1] = channels.size(r - 2);
        shape[r] = channels.size(r - 1);
        Tensor nodes = channels.reshape(shape);
        return inverse(nodes, w, Mode.PERIODIZATION, levels, PacketOrder.NATURAL,
                channels.size(r - 2) << levels, channels.size(r - 1) << levels);
    }

    /** The node paths of one level in the given order, e.g. level 1: a, h, v, d. */
    public static List<String> paths(int levels, PacketOrder order) {
        if (levels < 0) {
            throw new IllegalArgumentException("WaveletPacket2D.paths: negative level " + levels);
        }
        List<String> natural = new ArrayList<>(List.of(""));
        for (int j = 0; j < levels; j++) {
            List<String> next = new ArrayList<>();
            for (String p : natural) {
                for (char c : LETTERS.toCharArray()) {
                    next.add(p + c);
                }
            }
            natural = next;
        }
        if (order == PacketOrder.NATURAL) {
            return List.copyOf(natural);
        }
        // PyWavelets' grid: each letter is a (row, column) pair of low/high bands; rows and columns
        // each follow the 1-D Gray-code frequency order.
        List<String> gray = WaveletPacket.paths(levels, PacketOrder.FREQUENCY);
        Map<String, Integer> rank = new LinkedHashMap<>();
        for (int i = 0; i < gray.size(); i++) {
            rank.put(gray.get(i), i);
        }
        String[] grid = new String[natural.size()];
        for (String p : natural) {
            StringBuilder row = new StringBuilder();
            StringBuilder col = new StringBuilder();
            for (char c : p.toCharArray()) {
                row.append(c == 'h' || c == 'd' ? 'd' : 'a');
                col.append(c == 'v' || c == 'd' ? 'd' : 'a');
            }
            grid[rank.get(row.toString()) * gray.size() + rank.get(col.toString())] = p;
        }
        return List.of(grid);
    }

    // ---------------------------------------------------------------- one level

    /** [..., K, h, w] -> [..., 4K, h', w'], band f = 2 * (detail along width) + (detail along height). */
    static Tensor level(Tensor t, Wavelet w, Mode mode) {
        int r = t.rank();
        Tensor y = Dwt.analyzeLast(t, w, mode);     // [..., K, h, 2(bw), w']
        y = Dwt.moveToEnd(y, r - 2);                 // [..., K, 2(bw), w', h]
        y = Dwt.analyzeLast(y, w, mode);             // [..., K, 2(bw), w', 2(bh), h']
        int[] order = new int[r + 2];
        for (int i = 0; i <= r - 3; i++) {
            order[i] = i;
        }
        order[r - 2] = r - 2; // bw
        order[r - 1] = r;     // bh
        order[r] = r + 1;     // h'
        order[r + 1] = r - 1; // w'
        y = y.permute(order).contiguous();
        int[] shape = t.shape().clone();
        shape[r - 3] *= 4;
        shape[r - 2] = y.size(r);
        shape[r - 1] = y.size(r + 1);
        return y.reshape(shape);
    }

    /** The inverse of {@link #level}, trimming to height x width where they are not -1. */
    static Tensor inverseLevel(Tensor t, Wavelet w, Mode mode, int height, int width, String op) {
        int r = t.rank();
        int k = t.size(r - 3) / 4;
        int[] split = new int[r + 2];
        System.arraycopy(t.shape(), 0, split, 0, r - 3);
        split[r - 3] = k;
        split[r - 2] = 2;                // bw
        split[r - 1] = 2;                // bh
        split[r] = t.size(r - 2);        // h'
        split[r + 1] = t.size(r - 1);    // w'
        Tensor y = t.reshape(split);
        int[] order = new int[r + 2];
        for (int i = 0; i <= r - 3; i++) {
            order[i] = i;
        }
        order[r - 2] = r - 2;  // bw
        order[r - 1] = r + 1;  // w'
        order[r] = r - 1;      // bh
        order[r + 1] = r;      // h'
        y = y.permute(order).contiguous();           // [..., K, 2(bw), w', 2(bh), h']
        y = Dwt.synthesizeLast(y, w, mode, op);      // [..., K, 2(bw), w', h]
        if (height >= 0 && y.size(r) > height) {
            y = y.slice(r, 0, height);
        }
        y = Dwt.moveFromEnd(y, r - 2);               // [..., K, h, 2(bw), w']
        y = Dwt.synthesizeLast(y, w, mode, op);      // [..., K, h, w]
        if (width >= 0 && y.size(r - 1) > width) {
            y = y.slice(r - 1, 0, width);
        }
        return y.contiguous();
    }

    /** Node sizes along one axis at levels 0..J from the input size (-1 stays unknown). */
    static int[] sizes(int n, int filterLength, Mode mode, int levels) {
        int[] s = new int[levels + 1];
        s[0] = n;
        for (int j = 1; j <= levels; j++) {
            s[j] = n < 0 ? -1 : mode.coefficients(s[j - 1], filterLength);
        }
        return s;
    }

    /** Reorders the node axis (-3) between natural and the given order. */
    private static Tensor reorder(Tensor t, int levels, PacketOrder order, boolean fromNatural) {
        if (order == PacketOrder.NATURAL || levels == 0) {
            return t;
        }
        return PacketOrder.reorder(t, t.rank() - 3, paths(levels, PacketOrder.NATURAL), paths(levels, order), fromNatural);
    }

    static void check(String op, Tensor x, int minRank, int levels) {
        if (x.rank() < minRank) {
            throw new IllegalArgumentException(op + ": expected at least " + minRank + " dimensions, got shape "
                    + Shapes.format(x.shape()));
        }
        if (!x.dtype().isFloatingPoint()) {
            throw new IllegalArgumentException(op + ": expected a float32 or float64 tensor, got " + x.dtype());
        }
        if (levels < 0 || levels > 15) {
            throw new IllegalArgumentException(op + ": levels must be in [0, 15], got " + levels);
        }
    }

    private static void checkDivisible(String op, Tensor x, int levels) {
        int r = x.rank();
        int h = x.size(r - 2);
        int wd = x.size(r - 1);
        int m = 1 << levels;
        if (h % m != 0 || wd % m != 0 || h == 0 || wd == 0) {
            throw new IllegalArgumentException(op + ": height " + h + " and width " + wd + " of shape "
                    + Shapes.format(x.shape()) + " must be positive multiples of 2^" + levels + " = " + m
                    + " (pad the image first)");
        }
    }
}
