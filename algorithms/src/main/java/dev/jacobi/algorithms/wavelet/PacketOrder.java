package dev.jacobi.algorithms.wavelet;

/** The order of the nodes of one wavelet packet level (PyWavelets' {@code get_level(order=...)}). */
public enum PacketOrder {
    /** Paths in lexicographic order of their letters (a < d in 1-D, a < h < v < d in 2-D). */
    NATURAL,
    /**
     * Paths by increasing frequency band (Gray-code order); in 2-D the row-major flattening of
     * PyWavelets' grid (rows: vertical frequency, columns: horizontal frequency).
     */
    FREQUENCY
}
