package dev.jacobi.nn.train;

import dev.jacobi.nn.data.Batches;
import dev.jacobi.nn.data.Dataset;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Scope;
import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;
import dev.jacobi.tensor.autograd.GradMode;

import java.util.function.UnaryOperator;

/** Evaluation metrics of classifiers. */
public final class Metrics {
    private Metrics() {
    }

    /**
     * The fraction of rows of {@code logits} {@code [n, classes]} whose largest entry is at the index
     * {@code labels} {@code [n]} (integer) gives; a tie counts the first largest entry, as {@code argmax}.
     * NaN when {@code n = 0}.
     *
     * @throws IllegalArgumentException when the shapes do not fit or the labels are not integers
     */
    public static double accuracy(Tensor logits, Tensor labels) {
        return (double) correct(logits, labels) / logits.size(0);
    }

    /**
     * The number of rows of {@code logits} {@code [n, classes]} whose argmax equals the label.
     *
     * @throws IllegalArgumentException when the shapes do not fit or the labels are not integers
     */
    public static long correct(Tensor logits, Tensor labels) {
        if (logits.rank() != 2 || labels.rank() != 1 || labels.size(0) != logits.size(0)) {
            throw new IllegalArgumentException("Metrics.accuracy: logits must be [n, classes] and labels [n], got "
                    + Shapes.format(logits.shape()) + " and " + Shapes.format(labels.shape()));
        }
        if (!labels.dtype().isInteger()) {
            throw new IllegalArgumentException("Metrics.accuracy: labels must be integer class indices, got " + labels.dtype());
        }
        if (logits.size(0) == 0) {
            return 0;
        }
        int[] predicted = logits.detach().argmax(1, false).to(DType.INT32).toIntArray();
        int[] expected = labels.to(DType.INT32).toIntArray();
        long hits = 0;
        for (int i = 0; i < predicted.length; i++) {
            if (predicted[i] == expected[i]) {
                hits++;
            }
        }
        return hits;
    }

    /**
     * The accuracy of {@code model} on {@code data}, computed in batches of {@code batchSize} with
     * gradients off, each batch in its own {@link Scope}. The caller puts the model in evaluation mode
     * (the {@link Trainer} does so around its {@link EpochEvaluator}).
     *
     * @throws IllegalArgumentException when {@code batchSize < 1} or the model's output does not fit the labels
     */
    public static double accuracy(UnaryOperator<Tensor> model, Dataset data, int batchSize) {
        long hits = 0;
        try (GradMode g = Autograd.noGrad()) {
            Batches batches = Batches.inOrder(data, batchSize);
            for (int b = 0; b < batches.count(); b++) {
                try (Scope scope = Scope.open()) {
                    Dataset batch = data.batch(batches.indices(b));
                    hits += correct(model.apply(batch.features()), batch.labels());
                }
            }
        }
        return (double) hits / data.size();
    }
}
