package dev.jacobi.algorithms.ep;

/**
 * The cost {@code l(s_out, y)} whose gradient {@code e = dl/ds_out} nudges the output layer.
 */
public enum EpLoss {
    /** {@code 1/2 |s_out - y|^2} with a one-hot y; the output layer has one unit per class. */
    MSE,
    /**
     * Cross-entropy of {@code softmax(R s_out + c)}: a linear readout whose weights R, c are learned
     * with their ordinary (local) gradient at the free fixed point; {@code e = R^T (softmax - y)}.
     */
    SOFTMAX_READOUT
}
