package dev.jacobi.algorithms.wavelet;

import dev.jacobi.tensor.Tensor;

import java.util.List;

/** The order of the nodes of one wavelet packet level (PyWavelets' {@code get_level(order=...)}). */
public enum PacketOrder {
    /** Paths in lexicographic order of their letters (a < d in 1-D, a < h < v < d in 2-D). */
    NATURAL,
    /**
     * Paths by increasing frequency band (Gray-code order); in 2-D the row-major flattening of
     * PyWavelets' grid (rows: vertical frequency, columns: horizontal frequency).
     */
    FREQUENCY;

    /**
     * {@code t} with its node axis {@code axis} rearranged between natural order and the order whose
     * paths are {@code wanted} ({@code natural} lists the natural paths): from natural when
     * {@code fromNatural}, back to natural otherwise.
     */
    static Tensor reorder(Tensor t, int axis, List<String> natural, List<String> wanted, boolean fromNatural) {
        int[] index = new int[natural.size()];
        for (int i = 0; i < index.length; i++) {
            index[i] = fromNatural ? natural.indexOf(wanted.get(i)) : wanted.indexOf(natural.get(i));
        }
        return t.indexSelect(axis, Tensor.ofInts(index, index.length));
    }
}
