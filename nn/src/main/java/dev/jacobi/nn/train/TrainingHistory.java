package dev.jacobi.nn.train;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a {@link Trainer#fit} run recorded. When it resumed from a checkpoint, the losses and epochs
 * from before the checkpoint are included (read back from it), so a resumed run's history equals an
 * uninterrupted one's except for the timings.
 *
 * @param stepLosses      the loss of every optimizer step, step 0 first (unmodifiable)
 * @param epochs          one summary per completed epoch, epoch 0 first (unmodifiable)
 * @param resumedFromStep the step of the checkpoint the run resumed from, 0 when it started afresh
 * @param stepsRun        optimizer steps taken by this run (not counting those before the checkpoint)
 * @param wallSeconds     wall-clock seconds of this run, evaluation and checkpoints included
 */
public record TrainingHistory(List<Double> stepLosses, List<EpochSummary> epochs, long resumedFromStep, long stepsRun,
                              double wallSeconds) {
    /** Copies the lists. */
    public TrainingHistory {
        stepLosses = List.copyOf(stepLosses);
        epochs = List.copyOf(epochs);
    }

    /**
     * One epoch's record.
     *
     * @param epoch    the epoch, 0-based
     * @param meanLoss the mean of the epoch's step losses
     * @param metrics  what the {@link EpochEvaluator} returned, in its order (unmodifiable; empty without one)
     * @param seconds  wall-clock seconds of the epoch's training steps, evaluation left out
     */
    public record EpochSummary(int epoch, double meanLoss, Map<String, Double> metrics, double seconds) {
        /** Copies the metrics, keeping their order. */
        public EpochSummary {
            metrics = Collections.unmodifiableMap(new LinkedHashMap<>(metrics));
        }
    }

    /** The total number of optimizer steps recorded, before and after any resume. */
    public long steps() {
        return stepLosses.size();
    }

    /** The loss of the last step, NaN when there was none. */
    public double finalLoss() {
        return stepLosses.isEmpty() ? Double.NaN : stepLosses.getLast();
    }

    /** Optimizer steps per wall-clock second of this run (NaN when it took no steps). */
    public double stepsPerSecond() {
        return stepsRun == 0 ? Double.NaN : stepsRun / wallSeconds;
    }

    /** The metric {@code name} of every epoch, in order (empty when the evaluator never gave it). */
    public List<Double> metric(String name) {
        List<Double> out = new ArrayList<>();
        for (EpochSummary e : epochs) {
            Double v = e.metrics().get(name);
            if (v != null) {
                out.add(v);
            }
        }
        return out;
    }

    /** The metrics of the last epoch (empty when no epoch ran or there is no evaluator). */
    public Map<String, Double> finalMetrics() {
        return epochs.isEmpty() ? Map.of() : epochs.getLast().metrics();
    }
}
