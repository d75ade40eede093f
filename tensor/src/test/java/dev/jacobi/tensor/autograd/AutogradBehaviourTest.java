package dev.jacobi.tensor.autograd;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Scope;
import dev.jacobi.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.lang.ref.WeakReference;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The engine's contract beyond the derivative rules: its error messages, what is and is not recorded,
 * accumulation, gradients with respect to intermediates, custom ops, forward-mode corner cases, and memory
 * (graphs are released after backward; a long training loop keeps memory flat). Expected values are worked
 * out by hand in each test.
 */
class AutogradBehaviourTest {
    private static Tensor vector(double... v) {
        return Tensor.of(v, v.length);
    }

    // ------------------------------------------------------------ errors

    @Test
    void backwardOnANonScalarWithoutSeedNamesTheShape() {
        Tensor x = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3).requiresGrad(true);
        Tensor y = x.mul(2);
        assertThatThrownBy(y::backward).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("backward: the output has shape [2, 3], not one element; pass a seed");
        assertThatThrownBy(() -> y.backward(Tensor.zeros(DType.FLOAT64, 3, 2))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("seed of shape [3, 2] does not match the output's shape [2, 3]");
        assertThatThrownBy(() -> Autograd.grad(y, List.of(x))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("grad: the output has shape [2, 3]");
    }

    @Test
    void secondBackwardThroughAFreedGraphMentionsRetainGraph() {
        Tensor x = vector(1, 2).requiresGrad(true);
        Tensor loss = x.exp().sum();
        loss.backward();
        assertThatThrownBy(loss::backward).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("a second time").hasMessageContaining("retainGraph");
    }

    @Test
    void inPlaceChangeOfASavedTensorNamesTheOpAndTheShape() {
        Tensor x = vector(1, 2, 3).requiresGrad(true);
        Tensor c = Tensor.of(new double[] {2, 2, 2}, 1, 3); // a constant: in-place changes are allowed
        Tensor loss = x.mul(c).sum();
        c.fill(5);
        assertThatThrownBy(loss::backward).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("backward of 'mul'").hasMessageContaining("shape [1, 3]")
                .hasMessageContaining("changed in place");
        // An intermediate changed inside noGrad (as an optimizer would) is caught the same way.
        Tensor h = x.exp();
        Tensor loss2 = h.square().sum();
        try (var g = Autograd.noGrad()) {
            h.mulInPlace(2);
        }
        assertThatThrownBy(loss2::backward).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("backward of 'square'").hasMessageContaining("shape [3]");
        // A view shares the storage and its version: changing the base invalidates what used the view.
        Tensor base = Tensor.of(new double[] {1, 2, 3, 4}, 2, 2);
        Tensor loss3 = x.slice(0, 0, 2).mul(base.select(0, 1)).sum();
        base.set(7, 0, 0);
        assertThatThrownBy(loss3::backward).hasMessageContaining("backward of 'mul'").hasMessageContaining("shape [2]");
    }

    @Test
    void requiresGradOnAnIntegerTensorIsRefused() {
        Tensor i = Tensor.ofInts(new int[] {1, 2}, 2);
        assertThatThrownBy(() -> i.requiresGrad(true)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("requiresGrad").hasMessageContaining("int32").hasMessageContaining("[2]");
        assertThat(i.requiresGrad(false).requiresGrad()).isFalse();
        assertThatThrownBy(() -> Tensor.ofBooleans(new boolean[] {true}, 1).requiresGrad(true))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bool");
    }

    @Test
    void inPlaceChangeOfALeafThatRequiresGradOnlyInsideNoGrad() {
        Tensor w = vector(1, 2).requiresGrad(true);
        assertThatThrownBy(() -> w.fill(0)).isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("fill: in-place change of a tensor that requires grad (shape [2])");
        assertThatThrownBy(() -> w.addInPlace(vector(1, 1))).hasMessageStartingWith("copyFrom: in-place change");
        assertThatThrownBy(() -> w.set(3, 0)).hasMessageStartingWith("Tensor.set: in-place change");
        int before = w.storage().version();
        try (var g = Autograd.noGrad()) {
            w.addInPlace(vector(1, 1));
            w.mulInPlace(2);
        }
        assertThat(w.toDoubleArray()).containsExactly(4, 6);
        assertThat(w.storage().version()).isGreaterThan(before);
        assertThat(w.requiresGrad()).isTrue();
    }

    @Test
    void gradWithRespectToATensorThatDoesNotRequireGradIsRefused() {
        Tensor x = vector(1, 2).requiresGrad(true);
        Tensor c = vector(3, 4);
        Tensor y = x.mul(c).sum();
        assertThatThrownBy(() -> Autograd.grad(y, List.of(c))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("input 0 (shape [2], float64) does not require grad");
        assertThatThrownBy(() -> c.sum().backward()).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("does not require grad");
    }

    // ------------------------------------------------------------ what is recorded

    @Test
    void noGradRecordsNothingAndEnableGradRestoresRecording() {
        Tensor x = vector(1, 2).requiresGrad(true);
        Tensor y;
        Tensor z;
        try (var g = Autograd.noGrad()) {
            y = x.exp().mul(x);
            assertThat(Autograd.isGradEnabled()).isFalse();
            try (var e = Autograd.enableGrad()) {
                z = x.exp();
            }
            assertThat(Autograd.isGradEnabled()).isFalse();
        }
        assertThat(Autograd.isGradEnabled()).isTrue();
        assertThat(y.requiresGrad()).isFalse();
        assertThat(y.gradFn()).isNull();
        assertThat(y.isLeaf()).isTrue();
        assertThat(z.gradFn()).isNotNull();
        assertThat(z.gradFn().name()).isEqualTo("exp");
    }

    @Test
    void opsOnTensorsThatNeedNoGradRecordNothing() {
        Tensor y = vector(1, 2).exp().mul(vector(3, 4));
        assertThat(y.requiresGrad()).isFalse();
        assertThat(y.gradFn()).isNull();
    }

    @Test
    void detachCutsTheGraph() {
        // y = detach(x) * x: only the second factor is seen, dy/dx = detach(x)
        Tensor x = vector(2, 3).requiresGrad(true);
        Tensor d = x.detach();
        assertThat(d.requiresGrad()).isFalse();
        assertThat(d.storage()).isSameAs(x.storage());
        x.detach().mul(x).sum().backward();
        assertThat(x.grad().toDoubleArray()).containsExactly(2, 3);
    }

    @Test
    void gradientsAccumulateAcrossBackwardCallsUntilCleared() {
        Tensor w = vector(1, 2, 3).requiresGrad(true);
        w.mul(w).sum().backward();
        assertThat(w.grad().toDoubleArray()).containsExactly(2, 4, 6);
        w.mul(w).sum().backward();
        assertThat(w.grad().toDoubleArray()).containsExactly(4, 8, 12);
        w.setGrad(null);
        w.sum().backward();
        assertThat(w.grad().toDoubleArray()).containsExactly(1, 1, 1);
        assertThat(w.grad().dtype()).isEqualTo(DType.FLOAT64);
        assertThat(w.grad().requiresGrad()).isFalse();
        assertThatThrownBy(() -> w.setGrad(Tensor.zeros(DType.FLOAT32, 3))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("setGrad");
    }

    @Test
    void storedGradientsShareNoMemoryWithEachOtherOrTheSeed() {
        // add passes one gradient tensor to both inputs; split after concat gives views of one buffer; a leaf
        // that is the output receives the seed. Changing one stored gradient in place must not change another.
        Tensor a = vector(1, 2, 3).requiresGrad(true);
        Tensor b = vector(4, 5, 6).requiresGrad(true);
        a.add(b).mul(vector(7, 8, 9)).sum().backward();
        assertThat(a.grad().storage()).isNotSameAs(b.grad().storage());
        a.grad().mulInPlace(0.5);
        assertThat(b.grad().toDoubleArray()).containsExactly(7, 8, 9);
        Tensor p = vector(1, 2).requiresGrad(true);
        Tensor q = vector(3).requiresGrad(true);
        Tensor.concat(List.of(p, q), 0).mul(2).sum().backward();
        assertThat(p.grad().storage()).isNotSameAs(q.grad().storage());
        Tensor seed = vector(5, 5);
        Tensor leaf = vector(1, 2).requiresGrad(true);
        leaf.backward(seed);
        seed.fill(0);
        assertThat(leaf.grad().toDoubleArray()).containsExactly(5, 5);
    }

    @Test
    void gradWithRespectToIntermediatesAndLeavesTogether() {
        // y = sum(3 h), h = exp(x): dy/dh = 3, dy/dx = 3 exp(x); grad() leaves x.grad() alone
        Tensor x = vector(0, 1).requiresGrad(true);
        Tensor h = x.exp();
        Tensor y = h.mul(3).sum();
        List<Tensor> g = Autograd.grad(y, List.of(h, x));
        assertThat(g.get(0).toDoubleArray()).containsExactly(3, 3);
        assertThat(g.get(1).toDoubleArray()).containsExactly(new double[] {3, 3 * Math.E}, within(1e-15));
        assertThat(x.grad()).isNull();
        // the same tensor twice: both slots get the gradient
        Tensor y2 = x.square().sum();
        List<Tensor> twice = Autograd.grad(y2, List.of(x, x));
        assertThat(twice.get(0).toDoubleArray()).containsExactly(0, 2);
        assertThat(twice.get(1).toDoubleArray()).containsExactly(0, 2);
    }

    @Test
    void gradOfTheOutputItselfIsTheSeed() {
        Tensor x = vector(1, 2).requiresGrad(true);
        Tensor y = x.exp();
        Tensor seed = vector(5, 7);
        assertThat(Autograd.grad(y, List.of(y), seed, false).get(0).toDoubleArray()).containsExactly(5, 7);
        assertThat(Autograd.grad(x, List.of(x), seed, false).get(0).toDoubleArray()).containsExactly(5, 7);
    }

    @Test
    void unusedInputsGetZerosOfTheirShapeAndDtype() {
        Tensor x = vector(1, 2).requiresGrad(true);
        Tensor unused = Tensor.zeros(DType.FLOAT32, 2, 2).requiresGrad(true);
        List<Tensor> g = Autograd.grad(x.square().sum(), List.of(x, unused));
        assertThat(g.get(0).toDoubleArray()).containsExactly(2, 4);
        assertThat(g.get(1).shape()).containsExactly(2, 2);
        assertThat(g.get(1).dtype()).isEqualTo(DType.FLOAT32);
        assertThat(g.get(1).toDoubleArray()).containsOnly(0);
    }

    @Test
    void retainGraphAllowsASecondPassAndReleasesOnlyAfterTheLast() {
        Tensor x = vector(1, 2).requiresGrad(true);
        Tensor loss = x.square().sum();
        loss.backward(null, true);
        assertThat(loss.gradFn().isReleased()).isFalse();
        loss.backward();
        assertThat(x.grad().toDoubleArray()).containsExactly(4, 8);
        assertThat(loss.gradFn().isReleased()).isTrue();
        assertThat(allNodes(loss.gradFn())).allMatch(Node::isReleased);
    }

    @Test
    void createGraphGivesDifferentiableGradients() {
        // d/dx sum(x^3) = 3 x^2; d/dx sum(3 x^2) = 6 x
        Tensor x = vector(1, 2).requiresGrad(true);
        Tensor g = Autograd.grad(x.pow(3).sum(), List.of(x), null, true).get(0);
        assertThat(g.requiresGrad()).isTrue();
        assertThat(g.toDoubleArray()).containsExactly(new double[] {3, 12}, within(1e-12));
        g.sum().backward();
        assertThat(x.grad().toDoubleArray()).containsExactly(new double[] {6, 12}, within(1e-12));
        Tensor g2 = Autograd.grad(x.pow(3).sum(), List.of(x)).get(0);
        assertThat(g2.requiresGrad()).isFalse();
    }

    @Test
    void integerAndBoolOutputsCarryNoGradient() {
        Tensor x = vector(-1, 2, 0.5).requiresGrad(true);
        assertThat(x.argmax(0, false).requiresGrad()).isFalse();
        assertThat(x.gt(0).requiresGrad()).isFalse();
        assertThat(x.to(DType.INT32).requiresGrad()).isFalse();
        assertThat(x.gt(0).logicalNot().requiresGrad()).isFalse();
        // floor is floating with a zero derivative: it stays in the graph and passes back zeros
        Tensor f = x.floor();
        assertThat(f.requiresGrad()).isTrue();
        assertThat(Autograd.grad(f.sum(), List.of(x)).get(0).toDoubleArray()).containsExactly(0, 0, 0);
    }

    @Test
    void broadcastGradientsAreSummedBackToTheInputShape() {
        // y = a [2, 1] * b [3]: dy/da = rows sums of b, dy/db = column sums of a
        Tensor a = Tensor.of(new double[] {1, 2}, 2, 1).requiresGrad(true);
        Tensor b = Tensor.of(new float[] {3, 4, 5}, 3).requiresGrad(true);
        a.mul(b).sum().backward();
        assertThat(a.grad().shape()).containsExactly(2, 1);
        assertThat(a.grad().toDoubleArray()).containsExactly(12, 12);
        assertThat(b.grad().dtype()).isEqualTo(DType.FLOAT32);
        assertThat(b.grad().toDoubleArray()).containsExactly(3, 3, 3);
    }

    // ------------------------------------------------------------ custom ops

    /** A user-defined cube, written with tensor ops in its rules (so it can be differentiated twice). */
    private static Tensor cube(Tensor x) {
        return Autograd.op("cube", () -> {
            try (var g = Autograd.noGrad()) {
                return x.mul(x).mul(x);
            }
        }, (g, out, needed) -> new Tensor[] {g.mul(x.square().mul(3))}, (t, out) -> t[0].mul(x.square().mul(3)), x);
    }

    @Test
    void aCustomOpWorksAndComposes() {
        Tensor x = vector(1, -2).requiresGrad(true);
        Tensor y = cube(x.sin()).sum();
        assertThat(y.gradFn().name()).isEqualTo("sum");
        assertThat(y.gradFn().next()).extracting(Node::name).containsExactly("cube");
        y.backward();
        // d/dx sin(x)^3 = 3 sin(x)^2 cos(x)
        for (int i = 0; i < 2; i++) {
            double v = x.getDouble(i);
            assertThat(x.grad().getDouble(i)).isCloseTo(3 * Math.pow(Math.sin(v), 2) * Math.cos(v), within(1e-14));
        }
        GradCheck.check(xs -> cube(xs.get(0).tanh()).mul(xs.get(0)), List.of(vector(0.3, -0.7, 1.1))).assertPassed();
        GradCheck.checkSecondOrder(xs -> cube(xs.get(0)).exp(), List.of(vector(0.3, -0.7)), GradCheck.Options.defaults())
                .assertPassed();
        // without inputs that need grad, a custom op is just its forward
        Tensor plain = cube(vector(2));
        assertThat(plain.requiresGrad()).isFalse();
        assertThat(plain.toDoubleArray()).containsExactly(8);
    }

    @Test
    void aCustomOpThatReturnsItsInputIsRefused() {
        Tensor x = vector(1).requiresGrad(true);
        assertThatThrownBy(() -> Autograd.op("identity", () -> x, (g, o, n) -> new Tensor[] {g}, (t, o) -> t[0], x))
                .isInstanceOf(IllegalStateException.class).hasMessageStartingWith("identity: the forward of a recorded op returned its input");
    }

    @Test
    void aCustomVjpWithTheWrongNumberOfGradientsIsReported() {
        Tensor x = vector(1).requiresGrad(true);
        Tensor y = Autograd.op("broken", () -> x.detach().mul(2), (g, o, n) -> new Tensor[] {g, g}, (t, o) -> t[0], x);
        assertThatThrownBy(() -> y.sum().backward()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("broken: vjp returned 2 gradients for 1 inputs");
    }

    // ------------------------------------------------------------ forward mode

    @Test
    void jvpOfAFunctionIndependentOfXGivesZeros() {
        Tensor x = vector(1, 2);
        Tensor c = Tensor.of(new double[] {1, 2, 3, 4, 5, 6}, 2, 3);
        Autograd.Dual d = Autograd.jvp(t -> c.exp(), x, vector(1, 1));
        assertThat(d.tangent().shape()).containsExactly(2, 3);
        assertThat(d.tangent().toDoubleArray()).containsOnly(0);
        assertThat(d.output().toDoubleArray()).containsExactly(c.exp().toDoubleArray());
    }

    @Test
    void jvpOfALinearMapIsTheMapOfTheTangent() {
        // f(x) = A x: J v = A v exactly
        Tensor a = Tensor.of(new double[] {1, 2, 3, 4}, 2, 2);
        Autograd.Dual d = Autograd.jvp(x -> a.matmul(x), vector(5, 6), vector(1, -1));
        assertThat(d.output().toDoubleArray()).containsExactly(17, 39);
        assertThat(d.tangent().toDoubleArray()).containsExactly(-1, -1);
        assertThat(d.output().gradState().tangent).isNull();
    }

    @Test
    void jvpOfTheIdentityIsTheTangentAndOfADetachedResultZero() {
        Tensor x = vector(1, 2);
        assertThat(Autograd.jvp(t -> t, x, vector(3, 4)).tangent().toDoubleArray()).containsExactly(3, 4);
        assertThat(Autograd.jvp(t -> t.exp().detach(), x, vector(3, 4)).tangent().toDoubleArray()).containsExactly(0, 0);
        // a float32 tangent for a float64 input is cast to the input's dtype
        Autograd.Dual d = Autograd.jvp(t -> t.mul(2), x, Tensor.of(new float[] {1, 1}, 2));
        assertThat(d.tangent().dtype()).isEqualTo(DType.FLOAT64);
        assertThat(d.tangent().toDoubleArray()).containsExactly(2, 2);
    }

    @Test
    void nestedJvpIsRefusedWithAHint() {
        Tensor x = vector(1, 2);
        assertThatThrownBy(() -> Autograd.jvp(y -> Autograd.jvp(Tensor::exp, y, y).tangent(), x, x))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("nested jvp")
                .hasMessageContaining("Autograd.grad");
        // the failed call left no forward level behind: a plain jvp works afterwards
        assertThat(Autograd.jvp(Tensor::exp, vector(0), vector(2)).tangent().toDoubleArray()).containsExactly(2);
    }

    @Test
    void jvpArgumentsAreChecked() {
        assertThatThrownBy(() -> Autograd.jvp(Tensor::exp, vector(1, 2), vector(1))).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("tangent 0 of shape [1] does not match its input's shape [2]");
        assertThatThrownBy(() -> Autograd.jvp(t -> t.to(DType.FLOAT64), Tensor.ofInts(new int[] {1}, 1), Tensor.ofInts(new int[] {1}, 1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("input 0 has dtype int32");
    }

    @Test
    void vjpGivesTheOutputAndTheSeedTimesTheJacobian() {
        // f(x) = x^2: seed^T J = 2 x seed
        Autograd.Dual d = Autograd.vjp(Tensor::square, vector(1, 3), vector(1, 2));
        assertThat(d.output().toDoubleArray()).containsExactly(1, 9);
        assertThat(d.tangent().toDoubleArray()).containsExactly(2, 12);
        assertThat(d.output().requiresGrad()).isFalse();
    }

    // ------------------------------------------------------------ memory

    private static Set<Node> allNodes(Node root) {
        Set<Node> seen = Collections.newSetFromMap(new IdentityHashMap<>());
        ArrayDeque<Node> todo = new ArrayDeque<>(List.of(root));
        while (!todo.isEmpty()) {
            Node n = todo.pop();
            if (seen.add(n)) {
                todo.addAll(n.next());
            }
        }
        return seen;
    }

    @Test
    void backwardReleasesEveryNodeOfTheGraph() {
        Tensor w = Tensor.randn(Generator.seeded(1), 4, 3).requiresGrad(true);
        Tensor x = Tensor.randn(Generator.seeded(2), 5, 4);
        Tensor loss = x.matmul(w).tanh().softmax(-1).layerNorm(null, null, 1e-5).square().mean();
        Set<Node> nodes = allNodes(loss.gradFn());
        assertThat(nodes).hasSizeGreaterThanOrEqualTo(6).noneMatch(Node::isReleased);
        loss.backward();
        assertThat(nodes).allMatch(Node::isReleased);
    }

    @Test
    void backwardReleasesNodesThatReceiveNoGradient() {
        // floor passes back nothing (zero): the exp before it is never run backwards, yet it must not keep its tensors
        Tensor x = vector(0.5, 1.5).requiresGrad(true);
        Tensor loss = x.exp().floor().sum().add(x.sum());
        Set<Node> nodes = allNodes(loss.gradFn());
        assertThat(nodes).extracting(Node::name).contains("exp", "floor");
        loss.backward();
        assertThat(nodes).allMatch(Node::isReleased);
        assertThat(x.grad().toDoubleArray()).containsExactly(1, 1);
    }

    /**
     * Off-heap bytes held by native memory segments (the JDK's "direct" buffer pool counts them), after letting
     * the GC free what it can. Read reflectively: the tests compile inside the module, which does not read
     * java.management, and run on the class path, where it is available.
     */
    private static long nativeBytesAfterGc() throws ReflectiveOperationException, InterruptedException {
        Class<?> pool = Class.forName("java.lang.management.BufferPoolMXBean");
        Object direct = null;
        for (Object bean : (List<?>) Class.forName("java.lang.management.ManagementFactory")
                .getMethod("getPlatformMXBeans", Class.class).invoke(null, pool)) {
            if ("direct".equals(pool.getMethod("getName").invoke(bean))) {
                direct = bean;
            }
        }
        assertThat(direct).as("the direct buffer pool bean").isNotNull();
        long last = -1;
        for (int i = 0; i < 20; i++) { // the cleaner frees automatic arenas asynchronously: wait until it settles
            System.gc();
            Thread.sleep(20);
            long now = (Long) pool.getMethod("getMemoryUsed").invoke(direct);
            if (now == last) {
                return now;
            }
            last = now;
        }
        return last;
    }

    @Test
    void aLongTrainingLoopKeepsMemoryFlat() throws ReflectiveOperationException, InterruptedException {
        Generator gen = Generator.seeded(7);
        Tensor w1 = Tensor.randn(gen, DType.FLOAT32, 8, 16).mul(0.3f).requiresGrad(true);
        Tensor b1 = Tensor.zeros(DType.FLOAT32, 16).requiresGrad(true);
        Tensor w2 = Tensor.randn(gen, DType.FLOAT32, 16, 4).mul(0.3f).requiresGrad(true);
        Tensor x = Tensor.randn(gen, DType.FLOAT32, 32, 8);
        Tensor target = Tensor.randn(gen, DType.FLOAT32, 32, 4);
        List<Tensor> params = List.of(w1, b1, w2);
        long at100 = 0;
        double firstLoss = 0;
        double lastLoss = 0;
        List<WeakReference<Tensor>> earlyIntermediates = new ArrayList<>();
        for (int step = 1; step <= 2000; step++) {
            Tensor hidden = x.matmul(w1).add(b1).tanh();
            Tensor loss = hidden.matmul(w2).sub(target).square().mean();
            if (step <= 3) {
                earlyIntermediates.add(new WeakReference<>(hidden));
                earlyIntermediates.add(new WeakReference<>(loss));
            }
            loss.backward();
            assertThat(loss.gradFn().isReleased()).isTrue();
            try (var g = Autograd.noGrad()) {
                for (Tensor p : params) {
                    p.addInPlace(p.grad().mul(-0.05));
                }
            }
            for (Tensor p : params) {
                p.setGrad(null);
            }
            if (step == 1) {
                firstLoss = loss.item();
            }
            lastLoss = loss.item();
            if (step == 100) {
                at100 = nativeBytesAfterGc();
            }
        }
        long at2000 = nativeBytesAfterGc();
        assertThat(lastLoss).as("the loop trains").isLessThan(firstLoss);
        // Everything a step allocates (~20 tensors of at most 512 floats) is garbage once the step ends; a leak of
        // one graph per step would add well over 1 MiB by step 2000. 64 KiB allows for other threads' noise.
        assertThat(at2000).as("native bytes at step 100: %d, at step 2000: %d", at100, at2000).isLessThanOrEqualTo(at100 + 64 * 1024);
        // and the graphs of the first steps are unreachable (parameters do not hold on to them)
        assertThat(earlyIntermediates).allMatch(r -> r.get() == null);
    }

    @Test
    void aTrainingLoopInScopesReturnsEveryByte() {
        Generator gen = Generator.seeded(8);
        Tensor w = Tensor.randn(gen, DType.FLOAT32, 8, 4).requiresGrad(true);
        Tensor x = Tensor.randn(gen, DType.FLOAT32, 16, 8);
        long before = Scope.liveBytes();
        for (int step = 0; step < 2000; step++) {
            try (Scope s = Scope.open()) {
                Tensor loss = x.matmul(w).sigmoid().sum();
                loss.backward();
                try (var g = Autograd.noGrad()) {
                    w.addInPlace(w.grad().mul(-0.01));
                }
                w.setGrad(null);
                assertThat(s.bytesAllocated()).isPositive();
            }
            assertThat(Scope.liveBytes()).isEqualTo(before);
        }
        assertThat(w.isAlive()).isTrue();
        assertThat(w.sum().item()).isFinite();
    }
}
