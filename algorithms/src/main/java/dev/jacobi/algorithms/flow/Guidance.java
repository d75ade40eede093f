package dev.jacobi.algorithms.flow;

/**
 * Classifier-free guidance for sampling (TarFlow §2.5): every (a, b) is extrapolated from an
 * unconditional branch, {@code a ← a_c + w_i (a_c − a_u)} and likewise b. The unconditional branch uses
 * the mean class embedding and divides attention logits by {@code temperature} (for unconditional
 * models, whose branches would otherwise coincide, the temperature is what differs).
 *
 * @param weight      w
 * @param temperature τ of the unconditional branch (1 for class-conditional models in the paper)
 * @param annealed    when true, the step that produces token i+1 uses {@code w_i = (i+1)/(T−1) · w}
 *                    (as the reference's evaluation always does); else {@code w_i = w}
 */
public record Guidance(double weight, double temperature, boolean annealed) {
    /** Checks the numbers. */
    public Guidance {
        if (!Double.isFinite(weight) || !(temperature > 0) || !Double.isFinite(temperature)) {
            throw new IllegalArgumentException("Guidance: need a finite weight and a finite temperature > 0, got weight="
                    + weight + ", temperature=" + temperature);
        }
    }

    /** Annealed guidance of weight w with temperature 1 (class-conditional models). */
    public static Guidance annealed(double weight) {
        return new Guidance(weight, 1, true);
    }

    /**
     * The weight of the step whose input is token {@code i} (it produces token i+1) of a
     * {@code tokens}-token sequence.
     */
    public double weightAt(int i, int tokens) {
        return annealed ? weight * (i + 1) / (tokens - 1) : weight;
    }
}
