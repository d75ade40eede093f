package dev.jacobi.tensor.autograd;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Shapes;
import dev.jacobi.tensor.Storage;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.ops.Derivatives;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Checks derivatives against central finite differences in float64: the gradient that reverse mode
 * gives for a random seed, element by element, and (optionally) the forward-mode tangent along a
 * random direction. Inputs are copied to float64 (complex128) first, so a float32 function is checked
 * at double precision; both the real and the imaginary part of complex inputs are perturbed.
 *
 * <p>The loss is L = sum(Re(conj(seed) * f(x))), whose gradient is what {@code backward(seed)} gives.
 * With step h, the central difference has error O(h^2 f''') + O(eps / h); h = 1e-6 keeps both near
 * 1e-10 for smooth functions of order-one values, so the default tolerances (1e-6 absolute plus 1e-5
 * relative) separate a wrong rule from rounding by several orders of magnitude.
 */
public final class GradCheck {
    private GradCheck() {
    }

    /** Settings of a check. */
    public record Options(double step, double absTolerance, double relTolerance, long seed, boolean checkJvp) {
        /** h = 1e-6, tolerance 1e-6 + 1e-5 |numeric|, seed 0, with the jvp check. */
        public static Options defaults() {
            return new Options(1e-6, 1e-6, 1e-5, 0, true);
        }

        /** These options with another random seed (for the output seed and the tangents). */
        public Options withSeed(long newSeed) {
            return new Options(step, absTolerance, relTolerance, newSeed, checkJvp);
        }

        /** These options with other tolerances. */
        public Options withTolerance(double abs, double rel) {
            return new Options(step, abs, rel, seed, checkJvp);
        }

        /** These options with or without the forward-mode check. */
        public Options withJvp(boolean check) {
            return new Options(step, absTolerance, relTolerance, seed, check);
        }
    }

    /**
     * The outcome of a check.
     *
     * @param worstAbsError largest |analytic - numeric| over every compared number
     * @param worstRelError largest |analytic - numeric| / max(|numeric|, 1e-12)
     * @param worst         where the largest violation of the tolerance (or the largest error) is, with both values
     * @param compared      how many numbers were compared
     * @param passed        whether every number is within absTolerance + relTolerance * |numeric|
     */
    public record Report(double worstAbsError, double worstRelError, String worst, long compared, boolean passed) {
        /** Throws an {@link AssertionError} with the details when the check failed. */
        public Report assertPassed() {
            if (!passed) {
                throw new AssertionError("gradient check failed: " + this);
            }
            return this;
        }

        @Override
        public String toString() {
            return (passed ? "passed" : "FAILED") + ": worst absolute error " + worstAbsError + ", worst relative error "
                    + worstRelError + " over " + compared + " numbers; worst at " + worst;
        }
    }

    /** Checks a function of one tensor with the default options. */
    public static Report check(Function<Tensor, Tensor> f, Tensor x) {
        return check(xs -> f.apply(xs.get(0)), List.of(x), Options.defaults());
    }

    /** Checks a function of several tensors with the default options. */
    public static Report check(Function<List<Tensor>, Tensor> f, List<Tensor> inputs) {
        return check(f, inputs, Options.defaults());
    }

    /**
     * Checks {@code f}'s reverse-mode gradient (and forward-mode tangent) with respect to every floating or
     * complex input; integer inputs (indices) are passed through unchanged.
     */
    public static Report check(Function<List<Tensor>, Tensor> f, List<Tensor> inputs, Options options) {
        List<Tensor> xs = new ArrayList<>();
        List<Tensor> diff = new ArrayList<>();
        for (Tensor t : inputs) {
            if (t.dtype().isInexact()) {
                DType wide = t.dtype().isComplex() ? DType.COMPLEX128 : DType.FLOAT64;
                Tensor x = Tensor.zeros(wide, t.shape());
                try (GradMode g = Autograd.noGrad()) {
                    x.copyFrom(t.detach());
                }
                x.requiresGrad(true);
                xs.add(x);
                diff.add(x);
            } else {
                xs.add(t);
            }
        }
        Generator gen = Generator.seeded(options.seed());
        Tensor y;
        try (GradMode g = Autograd.enableGrad()) {
            y = f.apply(xs);
        }
        if (!y.dtype().isInexact()) {
            throw new IllegalArgumentException("GradCheck: the function returns " + y.dtype() + "; it must return a floating or complex tensor");
        }
        Tensor seed = randomLike(gen, y);
        List<Tensor> analytic = y.requiresGrad() ? Autograd.grad(y, diff, seed, false)
                : diff.stream().map(Tensor::zerosLike).toList();
        Tally tally = new Tally(options);
        double h = options.step();
        for (int i = 0; i < diff.size(); i++) {
            Tensor x = diff.get(i);
            Tensor a = analytic.get(i).contiguous();
            Storage s = x.storage();
            boolean complex = x.dtype().isComplex();
            for (long j = 0; j < x.numel(); j++) {
                double orig = s.getDouble(j);
                s.setDouble(j, orig + h);
                double plus = loss(f, xs, seed);
                s.setDouble(j, orig - h);
                double minus = loss(f, xs, seed);
                s.setDouble(j, orig);
                tally.compare(a.storage().getDouble(a.offset() + j), (plus - minus) / (2 * h),
                        "gradient of input " + i + " (shape " + Shapes.format(x.shape()) + "), element " + j + (complex ? ", real part" : ""));
                if (complex) {
                    double im = s.getImag(j);
                    s.setImag(j, im + h);
                    plus = loss(f, xs, seed);
                    s.setImag(j, im - h);
                    minus = loss(f, xs, seed);
                    s.setImag(j, im);
                    tally.compare(a.storage().getImag(a.offset() + j), (plus - minus) / (2 * h),
                            "gradient of input " + i + ", element " + j + ", imaginary part");
                }
            }
        }
        if (options.checkJvp() && !diff.isEmpty()) {
            checkJvp(f, xs, diff, gen, tally, h);
        }
        return tally.report();
    }

    /**
     * Checks second derivatives: the gradient (with {@code createGraph}) of {@code <seed, f(x)>} for a fixed
     * random seed is itself checked as a function of the inputs.
     */
    public static Report checkSecondOrder(Function<List<Tensor>, Tensor> f, List<Tensor> inputs, Options options) {
        Generator gen = Generator.seeded(options.seed() + 1);
        Tensor[] outerSeed = new Tensor[1];
        Function<List<Tensor>, Tensor> gradient = xs -> {
            // The finite differences evaluate this under noGrad; the inner gradient still needs a graph.
            try (GradMode g = Autograd.enableGrad()) {
                Tensor y = f.apply(xs);
                if (outerSeed[0] == null) {
                    outerSeed[0] = randomLike(gen, y);
                }
                List<Tensor> diff = xs.stream().filter(t -> t.dtype().isInexact()).toList();
                List<Tensor> grads = Autograd.grad(y, diff, outerSeed[0], true);
                return Tensor.concat(grads.stream().map(t -> t.reshape(-1)).toList(), 0);
            }
        };
        return check(gradient, inputs, options.withJvp(false));
    }

    private static void checkJvp(Function<List<Tensor>, Tensor> f, List<Tensor> xs, List<Tensor> diff, Generator gen,
                                 Tally tally, double h) {
        List<Tensor> tangents = new ArrayList<>();
        List<Tensor> plus = new ArrayList<>();
        List<Tensor> minus = new ArrayList<>();
        List<Tensor> detached = xs.stream().map(Tensor::detach).toList();
        try (GradMode g = Autograd.noGrad()) {
            for (Tensor x : xs) {
                if (diff.contains(x)) {
                    Tensor v = randomLike(gen, x);
                    tangents.add(v);
                    plus.add(x.detach().add(v.mul(h)));
                    minus.add(x.detach().sub(v.mul(h)));
                } else {
                    plus.add(x);
                    minus.add(x);
                }
            }
        }
        List<Tensor> diffDetached = new ArrayList<>();
        for (int i = 0; i < xs.size(); i++) {
            if (diff.contains(xs.get(i))) {
                diffDetached.add(detached.get(i));
            }
        }
        Autograd.Dual dual;
        try (GradMode g = Autograd.noGrad()) {
            dual = Autograd.jvp(ds -> f.apply(merge(detached, diffDetached, ds)), diffDetached, tangents);
        }
        Tensor numeric;
        try (GradMode g = Autograd.noGrad()) {
            numeric = f.apply(plus).sub(f.apply(minus)).div(2 * h).contiguous();
        }
        Tensor analytic = dual.tangent().to(numeric.dtype()).contiguous();
        for (long j = 0; j < numeric.numel(); j++) {
            tally.compare(analytic.storage().getDouble(analytic.offset() + j), numeric.storage().getDouble(numeric.offset() + j),
                    "jvp tangent, output element " + j);
            if (numeric.dtype().isComplex()) {
                tally.compare(analytic.storage().getImag(analytic.offset() + j), numeric.storage().getImag(numeric.offset() + j),
                        "jvp tangent, output element " + j + ", imaginary part");
            }
        }
    }

    /** All inputs, with the differentiable ones replaced (in order) by {@code replacements}. */
    private static List<Tensor> merge(List<Tensor> all, List<Tensor> diff, List<Tensor> replacements) {
        List<Tensor> r = new ArrayList<>(all);
        for (int i = 0; i < diff.size(); i++) {
            r.set(all.indexOf(diff.get(i)), replacements.get(i));
        }
        return r;
    }

    private static double loss(Function<List<Tensor>, Tensor> f, List<Tensor> xs, Tensor seed) {
        try (GradMode g = Autograd.noGrad()) {
            Tensor y = f.apply(xs);
            return Derivatives.realDot(seed, y.to(seed.dtype())).sum().item();
        }
    }

    private static Tensor randomLike(Generator gen, Tensor t) {
        if (t.dtype().isComplex()) {
            return Tensor.complex(gen.normal(DType.FLOAT64, 0, 1, t.shape()), gen.normal(DType.FLOAT64, 0, 1, t.shape()));
        }
        return gen.normal(DType.FLOAT64, 0, 1, t.shape());
    }

    /** Running worst errors. */
    private static final class Tally {
        private final Options options;
        private double worstAbs;
        private double worstRel;
        private double worstExcess = Double.NEGATIVE_INFINITY;
        private String where = "nowhere (nothing compared)";
        private long compared;
        private boolean passed = true;

        Tally(Options options) {
            this.options = options;
        }

        void compare(double analytic, double numeric, String what) {
            compared++;
            double err = Math.abs(analytic - numeric);
            if (Double.isNaN(err) && Double.isNaN(analytic) == Double.isNaN(numeric) && Double.isNaN(analytic)) {
                err = 0; // both undefined at this point
            } else if (Double.isNaN(err)) {
                err = Double.POSITIVE_INFINITY;
            }
            worstAbs = Math.max(worstAbs, err);
            worstRel = Math.max(worstRel, err / Math.max(Math.abs(numeric), 1e-12));
            double allowed = options.absTolerance() + options.relTolerance() * Math.abs(numeric);
            double excess = err - allowed;
            if (excess > 0) {
                passed = false;
            }
            if (excess > worstExcess) {
                worstExcess = excess;
                where = what + ": analytic " + analytic + ", numeric " + numeric;
            }
        }

        Report report() {
            return new Report(worstAbs, worstRel, where, compared, passed);
        }
    }
}
