package dev.jacobi.nn.optim;

import java.util.Map;

/**
 * What every optimizer's hyperparameter record offers: the learning rate, a copy with another one,
 * and its values by PyTorch's names (booleans as 0 and 1) for the state dict.
 *
 * @param <O> the record type itself
 */
public interface OptimizerOptions<O extends OptimizerOptions<O>> {
    /** The learning rate. */
    double lr();

    /** These options with another learning rate. */
    O withLr(double lr);

    /** The hyperparameters by PyTorch's names ({@code lr}, {@code momentum}, ...), in a fixed order. */
    Map<String, Double> asMap();

    /**
     * Options with the values of {@code values} (a map as {@link #asMap()} gives).
     *
     * @throws IllegalArgumentException when a value is missing or out of range
     */
    O fromMap(Map<String, Double> values);

    /** Rejects a learning rate that is negative, NaN or infinite. */
    static void checkLr(String op, double lr) {
        if (!(lr >= 0) || Double.isInfinite(lr)) {
            throw new IllegalArgumentException(op + ": learning rate " + lr + " must be finite and >= 0");
        }
    }

    /** Reads one value of a map made by {@link #asMap()}. */
    static double get(String op, Map<String, Double> values, String key) {
        Double v = values.get(key);
        if (v == null) {
            throw new IllegalArgumentException(op + ": hyperparameter " + key + " is missing");
        }
        return v;
    }
}
