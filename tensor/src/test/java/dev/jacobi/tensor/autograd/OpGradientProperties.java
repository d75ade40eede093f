package dev.jacobi.tensor.autograd;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.ops.BinaryOp;
import dev.jacobi.tensor.ops.UnaryOp;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.UnaryOperator;

import static dev.jacobi.tensor.autograd.GradSamples.Layout;
import static dev.jacobi.tensor.autograd.GradSamples.awayFromZero;
import static dev.jacobi.tensor.autograd.GradSamples.broadcastPair;
import static dev.jacobi.tensor.autograd.GradSamples.check;
import static dev.jacobi.tensor.autograd.GradSamples.complex;
import static dev.jacobi.tensor.autograd.GradSamples.distinct;
import static dev.jacobi.tensor.autograd.GradSamples.fmt;
import static dev.jacobi.tensor.autograd.GradSamples.indices;
import static dev.jacobi.tensor.autograd.GradSamples.layout;
import static dev.jacobi.tensor.autograd.GradSamples.shape;
import static dev.jacobi.tensor.autograd.GradSamples.uniform;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * Reverse-mode gradients and forward-mode tangents of every differentiable tensor op against central finite
 * differences in float64 ({@link GradCheck}, default options: it checks both modes). Shapes are small and
 * random; inputs stay inside each op's smooth domain (no kinks, poles or branch cuts within 0.1), where the
 * central difference with h = 1e-6 is accurate to about 1e-9, so the default tolerance
 * 1e-6 + 1e-5 |numeric| separates a wrong rule (errors of order one) from rounding. Non-contiguous inputs
 * come from {@link GradSamples#layout}: the checked tensor is transposed, strided or flipped inside the
 * function. A failure prints the case and the QuickTheories seed.
 */
class OpGradientProperties {
    private static final int EXAMPLES = 20;

    // ------------------------------------------------------------ elementwise

    /** Values in the smooth part of op's domain. */
    private static Tensor unaryDomain(UnaryOp op, Random rnd, int[] shape) {
        return switch (op) {
            case LOG, SQRT, RSQRT, LOG1P -> uniform(rnd, shape, 0.2, 3);
            case ABS, RELU, SIGN, ANGLE -> awayFromZero(rnd, shape, 0.1, 2);
            case RECIPROCAL -> awayFromZero(rnd, shape, 0.3, 2);
            // integers and half-integers (floor, ceil, round jump there) stay at least 0.1 away
            case FLOOR, CEIL, ROUND -> uniform(rnd, shape, -3, 3).floor().add(uniform(rnd, shape, 0.1, 0.4))
                    .add(Tensor.of(new double[] {rnd.nextBoolean() ? 0 : 0.5}));
            default -> uniform(rnd, shape, -2, 2);
        };
    }

    @Test
    void everyUnaryOpOnRealInput() {
        for (UnaryOp op : UnaryOp.values()) {
            if (op == UnaryOp.LOGICAL_NOT) {
                continue; // bool result: no gradient (see AutogradBehaviourTest)
            }
            qt().withShrinkCycles(0).withExamples(EXAMPLES).forAll(longs().all()).checkAssert(seed -> {
                Random rnd = new Random(seed);
                int[] s = shape(rnd, rnd.nextInt(4), 3);
                Layout l = layout(rnd, s);
                Tensor x = l.sample(st -> unaryDomain(op, rnd, st));
                check(op + " on " + fmt(s) + " " + l.name(), seed, xs -> l.present().apply(xs.get(0)).apply(op), x);
            });
        }
    }

    @Test
    void unaryOpsGiveFloat32GradientsEqualToFloat64Ones() {
        // GradCheck works in float64; this covers the float32 path of the rules. Tolerance 1e-4 relative:
        // float32 rounding (6e-8) amplified by at most a few ops in each rule.
        for (UnaryOp op : UnaryOp.values()) {
            if (op == UnaryOp.LOGICAL_NOT) {
                continue;
            }
            qt().withShrinkCycles(0).withExamples(3).forAll(longs().all()).checkAssert(seed -> {
                Random rnd = new Random(seed);
                int[] s = shape(rnd, 2, 4);
                Tensor x64 = unaryDomain(op, rnd, s).to(DType.FLOAT32).to(DType.FLOAT64).requiresGrad(true);
                Tensor x32 = x64.detach().to(DType.FLOAT32).requiresGrad(true);
                Tensor seedT = uniform(rnd, s, -1, 1);
                Tensor g64 = Autograd.grad(x64.apply(op), List.of(x64), seedT, false).get(0);
                Tensor g32 = Autograd.grad(x32.apply(op), List.of(x32), seedT.to(DType.FLOAT32), false).get(0);
                assertThat(g32.dtype()).isEqualTo(DType.FLOAT32);
                assertClose(op + " seed " + seed, g32, g64, 1e-4);
            });
        }
    }

    private static final BinaryOp[] DIFFERENTIABLE_BINARY = Arrays.stream(BinaryOp.values())
            .filter(op -> op.derivative() != null).toArray(BinaryOp[]::new);

    /** a and b inside op's smooth domain. */
    private static Tensor[] binaryDomain(BinaryOp op, Random rnd, int[] sa, int[] sb) {
        return switch (op) {
            case DIV -> new Tensor[] {uniform(rnd, sa, -2, 2), awayFromZero(rnd, sb, 0.3, 2)};
            case POW -> new Tensor[] {uniform(rnd, sa, 0.3, 2), uniform(rnd, sb, -2, 2)};
            case ATAN2 -> new Tensor[] {uniform(rnd, sa, -2, 2), awayFromZero(rnd, sb, 0.2, 2)};
            // a on the grid 0.5 k, b on 0.5 k + 0.25, each with noise below 0.05: never within 0.15 of each other
            case MAXIMUM, MINIMUM -> new Tensor[] {
                    uniform(rnd, sa, -4, 4).floor().mul(0.5).add(uniform(rnd, sa, -0.05, 0.05)),
                    uniform(rnd, sb, -4, 4).floor().mul(0.5).add(uniform(rnd, sb, 0.20, 0.30))};
            default -> new Tensor[] {uniform(rnd, sa, -2, 2), uniform(rnd, sb, -2, 2)};
        };
    }

    @Test
    void everyDifferentiableBinaryOpWithBroadcasting() {
        assertThat(DIFFERENTIABLE_BINARY).contains(BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.DIV, BinaryOp.POW,
                BinaryOp.MAXIMUM, BinaryOp.MINIMUM, BinaryOp.ATAN2);
        for (BinaryOp op : DIFFERENTIABLE_BINARY) {
            qt().withShrinkCycles(0).withExamples(2 * EXAMPLES).forAll(longs().all()).checkAssert(seed -> {
                Random rnd = new Random(seed);
                int[][] shapes = broadcastPair(rnd);
                Layout la = layout(rnd, shapes[0]);
                Layout lb = layout(rnd, shapes[1]);
                Tensor[] ab = binaryDomain(op, rnd, la.stored(), lb.stored());
                check(op + " " + fmt(shapes[0]) + " " + la.name() + " with " + fmt(shapes[1]) + " " + lb.name(), seed,
                        xs -> Tensor.binary(op, la.present().apply(xs.get(0)), lb.present().apply(xs.get(1))), ab);
            });
        }
    }

    @Test
    void sameTensorOnBothSidesOfABinaryOp() {
        // x * x, x / x, x ^ x: both edges lead to one leaf, whose gradient is the sum of the two
        qt().withShrinkCycles(0).withExamples(EXAMPLES).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            Tensor x = uniform(rnd, shape(rnd, 2, 3), 0.3, 2);
            check("x*x", seed, xs -> xs.get(0).mul(xs.get(0)), x);
            check("x/x + x", seed, xs -> xs.get(0).div(xs.get(0)).add(xs.get(0)), x);
            check("x^x", seed, xs -> xs.get(0).pow(xs.get(0)), x);
        });
    }

    @Test
    void powWithScalarExponents() {
        qt().withShrinkCycles(0).withExamples(EXAMPLES).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            int[] s = shape(rnd, 2, 3);
            for (double p : new double[] {0, 1, 2, 3, 0.5, -1, -2.5}) {
                Tensor x = uniform(rnd, s, 0.3, 2);
                check("x^" + p, seed, xs -> xs.get(0).pow(p), x);
            }
            // integer powers of negative numbers are smooth too
            Tensor y = awayFromZero(rnd, s, 0.3, 2);
            check("y^3", seed, xs -> xs.get(0).pow(3), y);
        });
    }

    @Test
    void binaryOpsMixingFloat32AndFloat64() {
        // Gradients come back in each input's own dtype and shape; the float32 one equals the float64 gradient
        // (computed with the float32 values widened) to float32 rounding: 1e-5 relative (float32 epsilon 6e-8
        // times the few operations of a rule, plus the final rounding to float32).
        for (BinaryOp op : DIFFERENTIABLE_BINARY) {
            qt().withShrinkCycles(0).withExamples(EXAMPLES).forAll(longs().all()).checkAssert(seed -> {
                Random rnd = new Random(seed);
                int[][] shapes = broadcastPair(rnd);
                Tensor[] ab = binaryDomain(op, rnd, shapes[0], shapes[1]);
                boolean aIs32 = rnd.nextBoolean();
                Tensor a = aIs32 ? ab[0].to(DType.FLOAT32) : ab[0];
                Tensor b = aIs32 ? ab[1] : ab[1].to(DType.FLOAT32);
                a.requiresGrad(true);
                b.requiresGrad(true);
                Tensor out = Tensor.binary(op, a, b);
                assertThat(out.dtype()).isEqualTo(DType.FLOAT64);
                Tensor seedT = uniform(rnd, out.shape(), -1, 1);
                List<Tensor> g = Autograd.grad(out, List.of(a, b), seedT, false);
                Tensor a64 = a.detach().to(DType.FLOAT64).requiresGrad(true);
                Tensor b64 = b.detach().to(DType.FLOAT64).requiresGrad(true);
                List<Tensor> ref = Autograd.grad(Tensor.binary(op, a64, b64), List.of(a64, b64), seedT, false);
                for (int i = 0; i < 2; i++) {
                    Tensor in = i == 0 ? a : b;
                    assertThat(g.get(i).dtype()).as("dtype of gradient %d", i).isEqualTo(in.dtype());
                    assertThat(g.get(i).shape()).as("shape of gradient %d", i).containsExactly(in.shape());
                    assertClose(op + " input " + i + " seed " + seed, g.get(i), ref.get(i), 1e-5);
                }
                // forward mode: tangents of mixed dtypes give an output tangent of the output's dtype
                Autograd.Dual d = Autograd.jvp(xs -> Tensor.binary(op, xs.get(0), xs.get(1)),
                        List.of(a.detach(), b.detach()), List.of(Tensor.ones(a.dtype(), a.shape()), Tensor.ones(b.dtype(), b.shape())));
                assertThat(d.tangent().dtype()).isEqualTo(DType.FLOAT64);
                Autograd.Dual d64 = Autograd.jvp(xs -> Tensor.binary(op, xs.get(0), xs.get(1)),
                        List.of(a64.detach(), b64.detach()), List.of(Tensor.ones(a64.dtype(), a64.shape()), Tensor.ones(b64.dtype(), b64.shape())));
                assertClose(op + " tangent seed " + seed, d.tangent(), d64.tangent(), 1e-5);
            });
        }
    }

    @Test
    void whereClampCastsAndCopies() {
        qt().withShrinkCycles(0).withExamples(2 * EXAMPLES).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            int[][] shapes = broadcastPair(rnd);
            int[] sc = rnd.nextBoolean() ? shapes[0] : shapes[1];
            Tensor cond = uniform(rnd, sc, -1, 1).gt(0);
            check("where " + fmt(sc) + " " + fmt(shapes[0]) + " " + fmt(shapes[1]), seed,
                    xs -> Tensor.where(xs.get(0), xs.get(1), xs.get(2)),
                    cond, uniform(rnd, shapes[0], -2, 2), uniform(rnd, shapes[1], -2, 2));
            int[] s = shape(rnd, rnd.nextInt(4), 3);
            Layout l = layout(rnd, s);
            // values at least 0.1 from the bounds -0.5 and 0.7
            Tensor x = l.sample(st -> uniform(rnd, st, -4, 4).floor().mul(0.3).add(0.05));
            check("clamp " + l.name(), seed, xs -> l.present().apply(xs.get(0)).clamp(-0.5, 0.7), x);
            check("clamp one-sided", seed, xs -> l.present().apply(xs.get(0)).clamp(-0.5, Double.POSITIVE_INFINITY), x);
            Tensor y = l.sample(st -> uniform(rnd, st, -2, 2));
            check("copy " + l.name(), seed, xs -> l.present().apply(xs.get(0)).copy().mul(xs.get(0).sum()), y);
            check("contiguous " + l.name(), seed, xs -> l.present().apply(xs.get(0)).contiguous().exp(), y);
            check("to complex128", seed, xs -> l.present().apply(xs.get(0)).to(DType.COMPLEX128).exp(), y);
            check("to float64 (no-op)", seed, xs -> l.present().apply(xs.get(0)).to(DType.FLOAT64), y);
        });
    }

    @Test
    void castToFloat32PassesTheGradientBackCastToTheInputDtype() {
        // Finite differences cannot see through float32 rounding; the gradient of to() is the identity cast,
        // exact for float32-representable seeds.
        qt().withShrinkCycles(0).withExamples(EXAMPLES).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            int[] s = shape(rnd, rnd.nextInt(3), 3);
            Tensor x = uniform(rnd, s, -2, 2).requiresGrad(true);
            Tensor seedT = uniform(rnd, s, -2, 2).to(DType.FLOAT32);
            Tensor g = Autograd.grad(x.to(DType.FLOAT32), List.of(x), seedT, false).get(0);
            assertThat(g.dtype()).isEqualTo(DType.FLOAT64);
            assertThat(g.toDoubleArray()).containsExactly(seedT.toDoubleArray());
            Autograd.Dual d = Autograd.jvp(t -> t.to(DType.FLOAT32), x.detach(), seedT.to(DType.FLOAT64));
            assertThat(d.tangent().dtype()).isEqualTo(DType.FLOAT32);
            assertThat(d.tangent().toDoubleArray()).containsExactly(seedT.toDoubleArray());
        });
    }

    // ------------------------------------------------------------ views

    /**
     * A random chain of one to four views, built against a probe tensor laid out as the input will be, so that
     * each step fits the shape (and {@code view} is used only where the layout allows it).
     */
    private static List<UnaryOperator<Tensor>> randomViews(Random rnd, Tensor input, List<String> names) {
        List<UnaryOperator<Tensor>> chain = new ArrayList<>();
        Tensor probe = input;
        int steps = 1 + rnd.nextInt(4);
        for (int attempt = 0; attempt < 100 && chain.size() < steps; attempt++) {
            int[] s = probe.shape();
            int r = s.length;
            UnaryOperator<Tensor> step = null;
            String name = null;
            switch (rnd.nextInt(13)) {
                case 0 -> { // reshape to the sizes in another order (a copy when the layout needs one)
                    List<Integer> sizes = new ArrayList<>(Arrays.stream(s).boxed().toList());
                    Collections.shuffle(sizes, rnd);
                    int[] target = sizes.stream().mapToInt(Integer::intValue).toArray();
                    if (target.length > 0 && rnd.nextBoolean()) {
                        target[rnd.nextInt(target.length)] = -1;
                    }
                    int[] t = target;
                    step = x -> x.reshape(t);
                    name = "reshape" + fmt(t);
                }
                case 1 -> {
                    step = x -> x.reshape(-1);
                    name = "flatten";
                }
                case 2 -> {
                    if (probe.isContiguous()) {
                        int[] rev = new int[r];
                        for (int i = 0; i < r; i++) {
                            rev[i] = s[r - 1 - i];
                        }
                        step = x -> x.view(rev);
                        name = "view" + fmt(rev);
                    }
                }
                case 3 -> {
                    List<Integer> order = new ArrayList<>();
                    for (int i = 0; i < r; i++) {
                        order.add(i);
                    }
                    Collections.shuffle(order, rnd);
                    int[] o = order.stream().mapToInt(Integer::intValue).toArray();
                    step = x -> x.permute(o);
                    name = "permute" + fmt(o);
                }
                case 4 -> {
                    if (r >= 1) {
                        int a = rnd.nextInt(r) - (rnd.nextBoolean() ? r : 0);
                        int b = rnd.nextInt(r);
                        step = x -> x.transpose(a, b);
                        name = "transpose(" + a + "," + b + ")";
                    }
                }
                case 5 -> {
                    if (r >= 2) {
                        step = Tensor::mT;
                        name = "mT";
                    }
                }
                case 6 -> {
                    if (r >= 1) {
                        int d = rnd.nextInt(r);
                        int start = rnd.nextInt(s[d]);
                        int end = start + 1 + rnd.nextInt(s[d] - start);
                        int by = 1 + rnd.nextInt(3);
                        step = x -> x.slice(d, start, end, by);
                        name = "slice(" + d + "," + start + "," + end + "," + by + ")";
                    }
                }
                case 7 -> {
                    if (r >= 1) {
                        int d = rnd.nextInt(r);
                        int i = rnd.nextInt(s[d]) - (rnd.nextBoolean() ? s[d] : 0);
                        step = x -> x.select(d, i);
                        name = "select(" + d + "," + i + ")";
                    }
                }
                case 8 -> { // broadcast a size-1 dimension, or a new leading one
                    int[] target = new int[r + 1];
                    target[0] = 2;
                    for (int i = 0; i < r; i++) {
                        target[i + 1] = s[i] == 1 ? 3 : (rnd.nextBoolean() ? -1 : s[i]);
                    }
                    step = x -> x.expand(target);
                    name = "expand" + fmt(target);
                }
                case 9 -> {
                    int at = rnd.nextInt(r + 1);
                    step = x -> x.unsqueeze(at);
                    name = "unsqueeze(" + at + ")";
                }
                case 10 -> {
                    int ones = -1;
                    for (int i = 0; i < r; i++) {
                        ones = s[i] == 1 ? i : ones;
                    }
                    int d = ones;
                    step = d >= 0 && rnd.nextBoolean() ? x -> x.squeeze(d) : Tensor::squeeze;
                    name = "squeeze";
                }
                case 11 -> {
                    if (r >= 1) {
                        int[] dims = rnd.nextBoolean() ? new int[] {rnd.nextInt(r)} : rangeTo(r);
                        step = x -> x.flip(dims);
                        name = "flip" + fmt(dims);
                    }
                }
                default -> {
                    if (r >= 1) {
                        int d = rnd.nextInt(r);
                        int size = 1 + rnd.nextInt(s[d]);
                        int by = 1 + rnd.nextInt(3); // by < size: overlapping windows
                        step = x -> x.unfold(d, size, by);
                        name = "unfold(" + d + "," + size + "," + by + (by < size ? ", overlapping)" : ")");
                    }
                }
            }
            if (step != null && probe.numel() < 100) {
                probe = step.apply(probe);
                chain.add(step);
                names.add(name);
            }
        }
        return chain;
    }

    private static int[] rangeTo(int n) {
        int[] r = new int[n];
        for (int i = 0; i < n; i++) {
            r[i] = i;
        }
        return r;
    }

    @Test
    void chainsOfViews() {
        qt().withShrinkCycles(0).withExamples(200).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            int[] s = shape(rnd, rnd.nextInt(4), 3);
            Layout l = layout(rnd, s);
            List<String> names = new ArrayList<>();
            List<UnaryOperator<Tensor>> chain = randomViews(rnd, l.present().apply(Tensor.zeros(DType.FLOAT64, l.stored())), names);
            Tensor x = l.sample(st -> uniform(rnd, st, -2, 2));
            check("views " + names + " of " + fmt(s) + " " + l.name(), seed, xs -> {
                Tensor t = l.present().apply(xs.get(0));
                for (UnaryOperator<Tensor> v : chain) {
                    t = v.apply(t);
                }
                return t;
            }, x);
        });
    }

    @Test
    void viewsOfIntermediatesFeedingNonlinearOps() {
        // A view of a computed tensor, then a nonlinear op on it: gradients flow through the view into the graph.
        qt().withShrinkCycles(0).withExamples(EXAMPLES).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            Tensor x = uniform(rnd, new int[] {3, 4}, -1, 1);
            check("reshape of non-contiguous", seed, xs -> xs.get(0).exp().mT().reshape(2, 6).tanh(), x);
            check("overlapping unfold", seed, xs -> xs.get(0).sin().unfold(1, 3, 1).square(), x);
            check("disjoint unfold", seed, xs -> xs.get(0).sin().unfold(1, 2, 2).square(), x);
            check("gapped unfold", seed, xs -> xs.get(0).sin().unfold(1, 1, 3).square(), x);
            check("expand", seed, xs -> xs.get(0).select(0, 1).unsqueeze(0).expand(5, 4).mul(xs.get(0).sum(0)).exp(), x);
            check("view", seed, xs -> xs.get(0).square().view(4, 3).flip(1).slice(0, 0, 4, 3).cos(), x);
        });
    }

    // ------------------------------------------------------------ reductions

    /** A random subset of the axes (empty: all axes), some numbered from the end. */
    private static int[] axes(Random rnd, int rank) {
        List<Integer> a = new ArrayList<>();
        for (int i = 0; i < rank; i++) {
            if (rnd.nextBoolean()) {
                a.add(rnd.nextBoolean() ? i : i - rank);
            }
        }
        Collections.shuffle(a, rnd);
        return a.stream().mapToInt(Integer::intValue).toArray();
    }

    @Test
    void reductionsOverAxisSubsets() {
        qt().withShrinkCycles(0).withExamples(4 * EXAMPLES).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            int rank = 1 + rnd.nextInt(3);
            int[] s = shape(rnd, rank, 3);
            int[] ax = axes(rnd, rank);
            boolean keep = rnd.nextBoolean();
            Layout l = layout(rnd, s);
            String c = fmt(s) + " " + l.name() + " axes " + fmt(ax) + (keep ? " keepDim" : "");
            UnaryOperator<Tensor> p = l.present();
            Tensor x = l.sample(st -> uniform(rnd, st, -2, 2));
            check("sum " + c, seed, xs -> p.apply(xs.get(0)).sum(ax, keep), x);
            check("mean " + c, seed, xs -> p.apply(xs.get(0)).mean(ax, keep), x);
            check("var(0) " + c, seed, xs -> p.apply(xs.get(0)).var(ax, 0, keep), x);
            if (reduced(s, ax) >= 2) {
                check("var(1) " + c, seed, xs -> p.apply(xs.get(0)).var(ax, 1, keep), x);
            }
            check("logsumexp " + c, seed, xs -> p.apply(xs.get(0)).logsumexp(ax, keep), x);
            Tensor d = l.sample(st -> distinct(rnd, st, 0.3, -2));
            check("max " + c, seed, xs -> p.apply(xs.get(0)).max(ax, keep), d);
            check("min " + c, seed, xs -> p.apply(xs.get(0)).min(ax, keep), d);
            Tensor nz = l.sample(st -> awayFromZero(rnd, st, 0.1, 2));
            for (double norm : new double[] {1, 2, 3}) {
                check("norm " + norm + " " + c, seed, xs -> p.apply(xs.get(0)).norm(norm, ax, keep), nz);
            }
            // distinct magnitudes: no ties for the infinity norm
            Tensor mags = l.sample(st -> distinct(rnd, st, 0.3, 0.2).mul(awayFromZero(rnd, st, 1, 1.0000001).sign()));
            check("norm inf " + c, seed, xs -> p.apply(xs.get(0)).norm(Double.POSITIVE_INFINITY, ax, keep), mags);
        });
    }

    private static long reduced(int[] s, int[] ax) {
        if (ax.length == 0) {
            return GradSamples.numel(s);
        }
        long n = 1;
        for (int a : ax) {
            n *= s[a < 0 ? a + s.length : a];
        }
        return n;
    }

    @Test
    void reductionsOfZeroDimensionalTensors() {
        qt().withShrinkCycles(0).withExamples(3).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            Tensor x = awayFromZero(rnd, new int[0], 0.2, 2);
            check("sum 0-d", seed, xs -> xs.get(0).sum(), x);
            check("mean 0-d", seed, xs -> xs.get(0).mean(), x);
            check("max 0-d", seed, xs -> xs.get(0).max(), x);
            check("logsumexp 0-d", seed, xs -> xs.get(0).logsumexp(new int[0], false), x);
            check("norm 0-d", seed, xs -> xs.get(0).norm(2, new int[0], false), x);
        });
    }

    @Test
    void maxAndMinShareTheGradientAmongTies() {
        // Exact reference: with k tied extremes in a group, each receives seed / k; the others nothing. Values
        // are small integers, so ties are common; all results are exact in binary (k <= 4 after rounding to 1/k).
        qt().withShrinkCycles(0).withExamples(30).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            int rows = 1 + rnd.nextInt(3);
            int cols = 1 + rnd.nextInt(4);
            double[] v = new double[rows * cols];
            for (int i = 0; i < v.length; i++) {
                v[i] = rnd.nextInt(3);
            }
            boolean isMax = rnd.nextBoolean();
            Tensor x = Tensor.of(v, rows, cols).requiresGrad(true);
            Tensor seedT = uniform(rnd, new int[] {rows}, -1, 1);
            Tensor y = isMax ? x.max(new int[] {1}, false) : x.min(new int[] {1}, false);
            double[] g = Autograd.grad(y, List.of(x), seedT, false).get(0).toDoubleArray();
            for (int r = 0; r < rows; r++) {
                double best = isMax ? Double.NEGATIVE_INFINITY : Double.POSITIVE_INFINITY;
                for (int c = 0; c < cols; c++) {
                    best = isMax ? Math.max(best, v[r * cols + c]) : Math.min(best, v[r * cols + c]);
                }
                int k = 0;
                for (int c = 0; c < cols; c++) {
                    k += v[r * cols + c] == best ? 1 : 0;
                }
                for (int c = 0; c < cols; c++) {
                    double expected = v[r * cols + c] == best ? seedT.getDouble(r) / k : 0;
                    assertThat(g[r * cols + c]).as("row %d col %d, seed %d", r, c, seed).isCloseTo(expected, within(1e-15));
                }
            }
            // over all axes: the whole tensor's ties share the seed
            Tensor all = isMax ? x.max() : x.min();
            double[] ga = Autograd.grad(all, List.of(x)).get(0).toDoubleArray();
            assertThat(Arrays.stream(ga).sum()).isCloseTo(1.0, within(1e-12));
        });
    }

    // ------------------------------------------------------------ normalization and matmul

    @Test
    void softmaxAndLogSoftmaxOnEachAxis() {
        qt().withShrinkCycles(0).withExamples(EXAMPLES).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            int rank = 1 + rnd.nextInt(3);
            int[] s = shape(rnd, rank, 4);
            Layout l = layout(rnd, s);
            Tensor x = l.sample(st -> uniform(rnd, st, -3, 3));
            for (int axis = -rank; axis < rank; axis++) {
                int a = axis;
                check("softmax axis " + a + " " + fmt(s) + " " + l.name(), seed, xs -> l.present().apply(xs.get(0)).softmax(a), x);
                check("logSoftmax axis " + a + " " + fmt(s) + " " + l.name(), seed, xs -> l.present().apply(xs.get(0)).logSoftmax(a), x);
            }
        });
    }

    @Test
    void layerNormWithAndWithoutWeightAndBias() {
        qt().withShrinkCycles(0).withExamples(3 * EXAMPLES).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            int rank = 1 + rnd.nextInt(3);
            int[] s = shape(rnd, rank, 4);
            s[rank - 1] = 2 + rnd.nextInt(4);
            int d = s[rank - 1];
            Layout l = layout(rnd, s);
            Tensor x = l.sample(st -> uniform(rnd, st, -2, 2));
            boolean hasW = rnd.nextBoolean();
            boolean hasB = rnd.nextBoolean();
            List<Tensor> in = new ArrayList<>(List.of(x));
            if (hasW) {
                in.add(uniform(rnd, new int[] {d}, -2, 2));
            }
            if (hasB) {
                in.add(uniform(rnd, new int[] {d}, -2, 2));
            }
            check("layerNorm " + fmt(s) + " " + l.name() + (hasW ? " weight" : "") + (hasB ? " bias" : ""), seed,
                    xs -> l.present().apply(xs.get(0)).layerNorm(hasW ? xs.get(1) : null, hasB ? xs.get(hasW ? 2 : 1) : null, 1e-5),
                    in.toArray(new Tensor[0]));
        });
    }

    @Test
    void matmulOfEveryRankCombination() {
        qt().withShrinkCycles(0).withExamples(4 * EXAMPLES).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            int m = 1 + rnd.nextInt(3);
            int k = 1 + rnd.nextInt(3);
            int n = 1 + rnd.nextInt(3);
            int[][] batch = broadcastPair(rnd);
            int[] sa = switch (rnd.nextInt(3)) {
                case 0 -> new int[] {k};
                case 1 -> new int[] {m, k};
                default -> concatShape(batch[0], m, k);
            };
            int[] sb = switch (rnd.nextInt(3)) {
                case 0 -> new int[] {k};
                case 1 -> new int[] {k, n};
                default -> concatShape(batch[1], k, n);
            };
            // transposed operands: the matrix is stored transposed and mT()'d in the function
            boolean ta = sa.length >= 2 && rnd.nextBoolean();
            boolean tb = sb.length >= 2 && rnd.nextBoolean();
            Tensor a = uniform(rnd, ta ? swapLast(sa) : sa, -1, 1);
            Tensor b = uniform(rnd, tb ? swapLast(sb) : sb, -1, 1);
            check("matmul " + fmt(sa) + (ta ? "^T" : "") + " x " + fmt(sb) + (tb ? "^T" : ""), seed,
                    xs -> (ta ? xs.get(0).mT() : xs.get(0)).matmul(tb ? xs.get(1).mT() : xs.get(1)), a, b);
        });
    }

    private static int[] concatShape(int[] batch, int r, int c) {
        int[] s = Arrays.copyOf(batch, batch.length + 2);
        s[batch.length] = r;
        s[batch.length + 1] = c;
        return s;
    }

    private static int[] swapLast(int[] s) {
        int[] t = s.clone();
        t[s.length - 1] = s[s.length - 2];
        t[s.length - 2] = s[s.length - 1];
        return t;
    }

    // ------------------------------------------------------------ joining, indexing, windows

    @Test
    void concatStackSplitAndChunk() {
        qt().withShrinkCycles(0).withExamples(3 * EXAMPLES).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            int rank = 1 + rnd.nextInt(3);
            int[] base = shape(rnd, rank, 3);
            int dim = rnd.nextInt(rank) - (rnd.nextBoolean() ? rank : 0);
            int count = 1 + rnd.nextInt(3);
            Tensor[] parts = new Tensor[count];
            Tensor[] same = new Tensor[count];
            for (int i = 0; i < count; i++) {
                int[] s = base.clone();
                s[dim < 0 ? dim + rank : dim] = 1 + rnd.nextInt(3);
                parts[i] = uniform(rnd, s, -2, 2);
                same[i] = uniform(rnd, base, -2, 2);
            }
            check("concat along " + dim + " of " + count, seed, xs -> Tensor.concat(xs, dim), parts);
            int sdim = rnd.nextInt(rank + 1);
            check("stack along " + sdim + " of " + count, seed, xs -> Tensor.stack(xs, sdim), same);
            Tensor x = uniform(rnd, shapeWith(base, dim, 5), -2, 2);
            int cut = rnd.nextInt(6);
            check("split [" + cut + ", " + (5 - cut) + "] along " + dim, seed, xs -> {
                List<Tensor> p = xs.get(0).split(new int[] {cut, 5 - cut}, dim);
                // reversed and weighted: each piece's gradient must land in its own place
                return Tensor.concat(List.of(p.get(1).mul(2), p.get(0).exp()), dim);
            }, x);
            int chunks = 1 + rnd.nextInt(4);
            check("chunk " + chunks + " along " + dim, seed, xs -> {
                List<Tensor> p = new ArrayList<>(xs.get(0).chunk(chunks, dim));
                for (int i = 0; i < p.size(); i++) {
                    p.set(i, p.get(i).mul(i + 1.5));
                }
                Collections.reverse(p);
                return Tensor.concat(p, dim);
            }, x);
        });
    }

    private static int[] shapeWith(int[] s, int dim, int size) {
        int[] t = s.clone();
        t[dim < 0 ? dim + s.length : dim] = size;
        return t;
    }

    @Test
    void gatherScatterAddAndIndexSelectWithRepeatedIndices() {
        qt().withShrinkCycles(0).withExamples(4 * EXAMPLES).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            int rank = 1 + rnd.nextInt(3);
            int[] s = shape(rnd, rank, 3);
            int dim = rnd.nextInt(rank);
            Layout l = layout(rnd, s);
            Tensor x = l.sample(st -> uniform(rnd, st, -2, 2));
            // gather: index no larger than x except along dim, where it may be longer (repeats)
            int[] is = s.clone();
            for (int d = 0; d < rank; d++) {
                is[d] = d == dim ? 1 + rnd.nextInt(4) : 1 + rnd.nextInt(s[d]);
            }
            Tensor gi = indices(rnd, is, s[dim]);
            check("gather dim " + dim + " index " + fmt(is) + " from " + fmt(s) + " " + l.name(), seed,
                    xs -> l.present().apply(xs.get(0)).gather(dim, gi), x);
            // scatterAdd: src at least as large as the index
            int[] ss = is.clone();
            for (int d = 0; d < rank; d++) {
                ss[d] += rnd.nextInt(2);
            }
            Tensor src = uniform(rnd, ss, -2, 2);
            check("scatterAdd dim " + dim + " index " + fmt(is) + " src " + fmt(ss) + " into " + fmt(s), seed,
                    xs -> l.present().apply(xs.get(0)).scatterAdd(dim, gi, xs.get(1)).square(), x, src);
            Tensor ii = indices(rnd, new int[] {1 + rnd.nextInt(5)}, s[dim]);
            check("indexSelect dim " + dim + " " + Arrays.toString(ii.toIntArray()), seed,
                    xs -> l.present().apply(xs.get(0)).indexSelect(dim, ii), x);
        });
    }

    @Test
    void padWithPositiveAndNegativeAmounts() {
        qt().withShrinkCycles(0).withExamples(3 * EXAMPLES).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            int rank = 1 + rnd.nextInt(3);
            int[] s = shape(rnd, rank, 4);
            int pairs = 1 + rnd.nextInt(rank);
            int[] padding = new int[2 * pairs];
            for (int p = 0; p < pairs; p++) {
                int size = s[rank - 1 - p];
                int before = rnd.nextInt(4) - 1;
                int after = rnd.nextInt(4) - 1;
                if (size + before + after < 1) { // keep at least one element
                    before = Math.max(before, 0);
                    after = Math.max(after, 0);
                }
                padding[2 * p] = before;
                padding[2 * p + 1] = after;
            }
            Layout l = layout(rnd, s);
            Tensor x = l.sample(st -> uniform(rnd, st, -2, 2));
            check("pad " + fmt(padding) + " of " + fmt(s) + " " + l.name(), seed,
                    xs -> l.present().apply(xs.get(0)).pad(padding, 0.5).square(), x);
        });
    }

    @Test
    void im2colAndCol2im() {
        qt().withShrinkCycles(0).withExamples(3 * EXAMPLES).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            boolean batched = rnd.nextBoolean();
            int c = 1 + rnd.nextInt(2);
            int h = 2 + rnd.nextInt(3);
            int w = 2 + rnd.nextInt(3);
            int[] kernel = {1 + rnd.nextInt(2), 1 + rnd.nextInt(2)};
            int[] dilation = {1 + rnd.nextInt(2), 1};
            int[] padding = {rnd.nextInt(2), rnd.nextInt(2)};
            int[] stride = {1 + rnd.nextInt(2), 1 + rnd.nextInt(2)};
            int[] s = batched ? new int[] {2, c, h, w} : new int[] {c, h, w};
            int[] window = {dilation[0] * (kernel[0] - 1) + 1, dilation[1] * (kernel[1] - 1) + 1};
            if (h + 2 * padding[0] < window[0] || w + 2 * padding[1] < window[1]) {
                return;
            }
            String g = "kernel " + fmt(kernel) + " dilation " + fmt(dilation) + " padding " + fmt(padding) + " stride "
                    + fmt(stride) + " on " + fmt(s);
            Tensor x = uniform(rnd, s, -2, 2);
            check("im2col " + g, seed, xs -> xs.get(0).im2col(kernel, dilation, padding, stride), x);
            int[] cols;
            try (var none = Autograd.noGrad()) {
                cols = x.im2col(kernel, dilation, padding, stride).shape();
            }
            check("col2im " + g, seed, xs -> xs.get(0).col2im(new int[] {h, w}, kernel, dilation, padding, stride),
                    uniform(rnd, cols, -2, 2));
        });
    }

    // ------------------------------------------------------------ complex

    private static final UnaryOp[] HOLOMORPHIC = {UnaryOp.EXP, UnaryOp.LOG, UnaryOp.SIN, UnaryOp.COS, UnaryOp.TANH,
            UnaryOp.SQUARE, UnaryOp.RECIPROCAL, UnaryOp.SQRT, UnaryOp.NEG};
    private static final UnaryOp[] COMPLEX_TO_REAL_AND_CONJ = {UnaryOp.REAL, UnaryOp.IMAG, UnaryOp.CONJ, UnaryOp.ABS,
            UnaryOp.ANGLE};

    @Test
    void complexUnaryOps() {
        // Real parts in [0.2, 2): away from the branch cut of log and sqrt (the negative real axis), the zero of
        // abs, angle and reciprocal, and the poles of tanh (imaginary parts below 1.2 < pi/2).
        for (UnaryOp op : concat(HOLOMORPHIC, COMPLEX_TO_REAL_AND_CONJ)) {
            qt().withShrinkCycles(0).withExamples(EXAMPLES).forAll(longs().all()).checkAssert(seed -> {
                Random rnd = new Random(seed);
                int[] s = shape(rnd, rnd.nextInt(3), 3);
                Layout l = layout(rnd, s);
                Tensor z = l.sample(st -> complex(rnd, st, 0.2, 2, 1.2));
                check("complex " + op + " " + fmt(s) + " " + l.name(), seed, xs -> l.present().apply(xs.get(0)).apply(op), z);
            });
        }
    }

    private static UnaryOp[] concat(UnaryOp[] a, UnaryOp[] b) {
        UnaryOp[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void complexBinaryOpsMatmulSumAndConstruction() {
        qt().withShrinkCycles(0).withExamples(2 * EXAMPLES).forAll(longs().all()).checkAssert(seed -> {
            Random rnd = new Random(seed);
            int[][] shapes = broadcastPair(rnd);
            Tensor a = complex(rnd, shapes[0], -2, 2, 2);
            Tensor b = complex(rnd, shapes[1], 0.3, 2, 2);
            Tensor realB = awayFromZero(rnd, shapes[1], 0.3, 2);
            String c = fmt(shapes[0]) + " with " + fmt(shapes[1]);
            for (BinaryOp op : new BinaryOp[] {BinaryOp.ADD, BinaryOp.SUB, BinaryOp.MUL, BinaryOp.DIV}) {
                check("complex " + op + " " + c, seed, xs -> Tensor.binary(op, xs.get(0), xs.get(1)), a, b);
                // a real operand receives the real part of the complex gradient
                check("complex " + op + " real " + c, seed, xs -> Tensor.binary(op, xs.get(0), xs.get(1)), a, realB);
                check("real " + op + " complex " + c, seed, xs -> Tensor.binary(op, xs.get(1), xs.get(0)), a, realB);
            }
            check("complex pow " + c, seed, xs -> xs.get(1).pow(xs.get(0).mul(0.5)), a, b);
            int rank = shapes[0].length;
            int[] ax = axes(rnd, rank);
            check("complex sum " + fmt(shapes[0]) + " axes " + fmt(ax), seed, xs -> xs.get(0).sum(ax, false), a);
            check("complex mean " + fmt(shapes[0]), seed, xs -> xs.get(0).mean(ax, true), a);
            int m = 1 + rnd.nextInt(3);
            int k = 1 + rnd.nextInt(3);
            int n = 1 + rnd.nextInt(3);
            check("complex matmul", seed, xs -> xs.get(0).matmul(xs.get(1)),
                    complex(rnd, new int[] {m, k}, -1, 1, 1), complex(rnd, new int[] {k, n}, -1, 1, 1));
            check("complex x real matmul", seed, xs -> xs.get(0).matmul(xs.get(1)),
                    complex(rnd, new int[] {2, m, k}, -1, 1, 1), uniform(rnd, new int[] {k}, -1, 1));
            check("Tensor.complex(re, im) " + c, seed, xs -> Tensor.complex(xs.get(0), xs.get(1)).exp(),
                    uniform(rnd, shapes[0], -1, 1), uniform(rnd, shapes[1], -1, 1));
            check("complex abs of a sum", seed, xs -> xs.get(0).mul(xs.get(1)).abs().sum(), a, b);
            // real-valued reductions of complex input; b keeps away from 0, where |z| has a kink
            check("complex var " + fmt(shapes[1]), seed, xs -> xs.get(0).var(new int[0], 0, false), b);
            for (double p : new double[] {1, 2, 3, Double.POSITIVE_INFINITY}) {
                Tensor mags = Tensor.complex(distinct(rnd, shapes[1], 0.3, 0.3), uniform(rnd, shapes[1], -0.1, 0.1));
                check("complex norm " + p + " " + fmt(shapes[1]), seed, xs -> xs.get(0).norm(p, new int[0], false), mags);
            }
        });
    }

    // ------------------------------------------------------------ helpers

    private static void assertClose(String what, Tensor actual, Tensor expected, double rel) {
        assertThat(actual.shape()).as(what + " shape").containsExactly(expected.shape());
        double[] a = actual.toDoubleArray();
        double[] e = expected.toDoubleArray();
        for (int i = 0; i < a.length; i++) {
            assertThat(a[i]).as("%s element %d", what, i).isCloseTo(e[i], within(rel * (1 + Math.abs(e[i]))));
        }
    }
}
