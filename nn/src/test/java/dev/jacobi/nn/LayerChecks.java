package dev.jacobi.nn;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.GradCheck;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** Test helpers shared by the layer tests. */
public final class LayerChecks {
    private LayerChecks() {
    }

    /**
     * Checks the gradients of {@code layer} with respect to its input and every parameter by central
     * differences in float64 ({@link GradCheck}'s default tolerances, 1e-6 + 1e-5 relative: the layer is
     * converted to float64 first, so the difference quotient's rounding is near 1e-10).
     */
    public static GradCheck.Report gradCheck(Layer layer, Tensor input) {
        return gradCheck(layer, input, GradCheck.Options.defaults());
    }

    /** As {@link #gradCheck(Layer, Tensor)} with other options. */
    public static GradCheck.Report gradCheck(Layer layer, Tensor input, GradCheck.Options options) {
        return gradCheck(layer, layer::forward, input, options);
    }

    /** As {@link #gradCheck(Layer, Tensor)} for any function of the input that uses the module's parameters. */
    public static GradCheck.Report gradCheck(Module module, Function<Tensor, Tensor> f, Tensor input, GradCheck.Options options) {
        module.to(DType.FLOAT64);
        List<String> names = new ArrayList<>(module.namedParameters().keySet());
        List<Tensor> inputs = new ArrayList<>();
        inputs.add(input.dtype().isInexact() ? input.to(DType.FLOAT64) : input);
        inputs.addAll(module.namedParameters().values());
        return GradCheck.check(xs -> {
            Map<String, Tensor> replace = new LinkedHashMap<>();
            for (int i = 0; i < names.size(); i++) {
                replace.put(names.get(i), xs.get(i + 1));
            }
            return module.withParameters(replace, () -> f.apply(xs.get(0)));
        }, inputs, options);
    }

    /** The largest |a - b| over all elements (same shapes required). */
    public static double maxAbsDiff(Tensor a, Tensor b) {
        double[] x = a.toDoubleArray();
        double[] y = b.toDoubleArray();
        if (x.length != y.length) {
            throw new AssertionError("sizes differ: " + x.length + " vs " + y.length);
        }
        double worst = 0;
        for (int i = 0; i < x.length; i++) {
            worst = Math.max(worst, Math.abs(x[i] - y[i]));
        }
        return worst;
    }
}
