package dev.jacobi.nn;

import dev.jacobi.nn.layers.Linear;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The Module contract: PyTorch's state-dict names and order, train/eval propagation, parameter lists,
 * strict and non-strict loading that reports every problem and changes nothing on failure, and a
 * safetensors save/load round trip that restores every value exactly.
 */
class ModuleTest {

    /** A two-level model shaped like a small encoder: names as PyTorch would give them. */
    static final class Encoder extends Module {
        final ModuleList<Block> layers;
        final Linear head;

        Encoder(Generator gen) {
            registerParameter("scale", Tensor.ones(DType.FLOAT32, 3));
            registerBuffer("steps", Tensor.zeros(DType.INT32, 1));
            registerBuffer("cache", Tensor.zeros(DType.FLOAT32, 2), false);
            layers = registerModule("layers", new ModuleList<Block>().add(new Block(gen)).add(new Block(gen)));
            head = registerModule("head", Linear.of(3, 2, gen));
        }
    }

    static final class Block extends Module {
        Block(Generator gen) {
            registerModule("proj", Linear.of(3, 3, gen));
            registerBuffer("running", Tensor.zeros(DType.FLOAT32, 3));
            registerModule("out", Linear.of(3, 3, false, gen));
        }
    }

    @Test
    void stateDictUsesDottedPathsInPyTorchOrder() {
        Encoder m = new Encoder(Generator.seeded(1));
        // Own parameters, then own persistent buffers, then submodules in registration order (a block's
        // buffer "running" comes before its submodules' parameters even though it was registered between them).
        assertThat(m.stateDict().keySet()).containsExactly("scale", "steps",
                "layers.0.running", "layers.0.proj.weight", "layers.0.proj.bias", "layers.0.out.weight",
                "layers.1.running", "layers.1.proj.weight", "layers.1.proj.bias", "layers.1.out.weight",
                "head.weight", "head.bias");
        assertThat(m.namedParameters().keySet()).containsExactly("scale",
                "layers.0.proj.weight", "layers.0.proj.bias", "layers.0.out.weight",
                "layers.1.proj.weight", "layers.1.proj.bias", "layers.1.out.weight", "head.weight", "head.bias");
        assertThat(m.namedBuffers().keySet()).containsExactly("steps", "cache", "layers.0.running", "layers.1.running");
        assertThat(m.numParameters()).isEqualTo(3 + 2 * (9 + 3 + 9) + 6 + 2);
        assertThat(m.parameters()).allMatch(Tensor::requiresGrad).allMatch(Tensor::isLeaf);
    }

    @Test
    void sharedParametersAreListedOnce() {
        Generator gen = Generator.seeded(2);
        Linear shared = Linear.of(2, 2, gen);
        Module m = new Module() {
            {
                registerModule("a", shared);
                registerModule("b", shared);
            }
        };
        assertThat(m.namedParameters().keySet()).containsExactly("a.weight", "a.bias");
        assertThat(m.stateDict().keySet()).containsExactly("a.weight", "a.bias", "b.weight", "b.bias");
        assertThat(m.numParameters()).isEqualTo(6);
    }

    @Test
    void trainAndEvalReachEverySubmodule() {
        Encoder m = new Encoder(Generator.seeded(3));
        assertThat(m.namedModules().values()).allMatch(Module::isTraining);
        m.eval();
        assertThat(m.namedModules().values()).noneMatch(Module::isTraining);
        m.layers.get(1).train();
        assertThat(m.layers.get(1).isTraining()).isTrue();
        assertThat(m.isTraining()).isFalse();
        m.train();
        assertThat(m.namedModules().values()).allMatch(Module::isTraining);
    }

    @Test
    void loadStateDictCopiesEveryValue() {
        Encoder a = new Encoder(Generator.seeded(4));
        Encoder b = new Encoder(Generator.seeded(5));
        assertThat(b.head.weight().toFloatArray()).isNotEqualTo(a.head.weight().toFloatArray());
        Module.LoadResult r = b.loadStateDict(a.stateDict(), true);
        assertThat(r.missing()).isEmpty();
        assertThat(r.unexpected()).isEmpty();
        a.stateDict().forEach((name, t) -> assertThat(b.stateDict().get(name).toDoubleArray()).as(name)
                .containsExactly(t.toDoubleArray()));
        // Parameters stay leaves that require grad (values were copied in, not replaced).
        assertThat(b.parameters()).allMatch(Tensor::requiresGrad).allMatch(Tensor::isLeaf);
    }

    @Test
    void mismatchedDictListsEveryProblemAndChangesNothing() {
        Encoder m = new Encoder(Generator.seeded(6));
        Map<String, List<Double>> before = snapshot(m);
        Map<String, Tensor> state = new LinkedHashMap<>(new Encoder(Generator.seeded(7)).stateDict());
        state.remove("layers.1.proj.bias");
        state.remove("steps");
        state.put("layers.0.proj.weight", Tensor.zeros(DType.FLOAT32, 3, 4));
        state.put("head.bias", Tensor.zeros(DType.FLOAT32, 1, 2));
        state.put("layers.2.proj.weight", Tensor.zeros(DType.FLOAT32, 3, 3));
        state.put("extra", Tensor.zeros(DType.FLOAT32, 1));

        assertThatThrownBy(() -> m.loadStateDict(state, true))
                .isInstanceOfSatisfying(StateDictMismatchException.class, e -> {
                    assertThat(e.missing()).containsExactly("steps", "layers.1.proj.bias");
                    assertThat(e.unexpected()).containsExactly("layers.2.proj.weight", "extra");
                    assertThat(e.misShaped()).containsExactly(
                            "layers.0.proj.weight (expected [3, 3], given [3, 4])",
                            "head.bias (expected [2], given [1, 2])");
                    assertThat(e.getMessage()).startsWith("loadStateDict(Encoder): 6 problems")
                            .contains("steps", "layers.1.proj.bias", "layers.2.proj.weight", "extra",
                                    "layers.0.proj.weight (expected [3, 3], given [3, 4])", "head.bias");
                });
        assertThat(snapshot(m)).isEqualTo(before);

        // Not strict: a shape mismatch is still an error, and still nothing changes.
        assertThatThrownBy(() -> m.loadStateDict(state, false))
                .isInstanceOfSatisfying(StateDictMismatchException.class, e -> {
                    assertThat(e.missing()).isEmpty();
                    assertThat(e.misShaped()).hasSize(2);
                });
        assertThat(snapshot(m)).isEqualTo(before);
    }

    @Test
    void nonStrictLoadReportsMissingAndUnexpectedAndLoadsTheRest() {
        Encoder m = new Encoder(Generator.seeded(8));
        Encoder src = new Encoder(Generator.seeded(9));
        Map<String, Tensor> state = new LinkedHashMap<>(src.stateDict());
        state.remove("head.bias");
        state.put("extra", Tensor.zeros(DType.FLOAT32, 1));
        double[] keptBias = m.head.bias().toDoubleArray();
        Module.LoadResult r = m.loadStateDict(state, false);
        assertThat(r.missing()).containsExactly("head.bias");
        assertThat(r.unexpected()).containsExactly("extra");
        assertThat(m.head.bias().toDoubleArray()).containsExactly(keptBias);
        assertThat(m.head.weight().toDoubleArray()).containsExactly(src.head.weight().toDoubleArray());
    }

    @Test
    void saveAndLoadRoundTripExactly(@TempDir Path dir) {
        Encoder a = new Encoder(Generator.seeded(10));
        Path file = dir.resolve("model.safetensors");
        a.save(file);
        Encoder b = new Encoder(Generator.seeded(11));
        b.load(file);
        assertThat(snapshot(b)).isEqualTo(snapshot(a));
        assertThat(dev.jacobi.tensor.io.SafeTensors.read(file).keySet()).containsExactlyElementsOf(a.stateDict().keySet());
    }

    @Test
    void zeroGradClearsEveryGradient() {
        Linear l = Linear.of(3, 2, Generator.seeded(12));
        l.forward(Tensor.ones(DType.FLOAT32, 4, 3)).sum().backward();
        assertThat(l.parameters()).allMatch(p -> p.grad() != null);
        l.zeroGrad();
        assertThat(l.parameters()).allMatch(p -> p.grad() == null);
    }

    @Test
    void withParametersSubstitutesAndRestores() {
        Linear l = Linear.of(2, 1, Generator.seeded(13));
        Tensor w = Tensor.of(new float[] {2, 3}, 1, 2);
        Tensor y = l.withParameters(Map.of("weight", w, "bias", Tensor.of(new float[] {1}, 1)),
                () -> l.forward(Tensor.of(new float[] {1, 1}, 1, 2)));
        assertThat(y.toFloatArray()).containsExactly(6f);
        assertThat(l.weight()).isNotSameAs(w);
        assertThatThrownBy(() -> l.withParameters(Map.of("weight", Tensor.zeros(DType.FLOAT32, 2, 2)), () -> null))
                .hasMessageContaining("'weight' has shape [1, 2], replacement has [2, 2]");
        assertThatThrownBy(() -> l.withParameters(Map.of("nope", w), () -> null)).hasMessageContaining("'nope'");
    }

    @Test
    void registrationRejectsBadNames() {
        assertThatThrownBy(() -> new Module() {
            {
                registerParameter("a.b", Tensor.zeros(DType.FLOAT32, 1));
            }
        }).hasMessageContaining("'a.b'");
        assertThatThrownBy(() -> new Module() {
            {
                registerParameter("w", Tensor.zeros(DType.FLOAT32, 1));
                registerBuffer("w", Tensor.zeros(DType.FLOAT32, 1));
            }
        }).hasMessageContaining("already registered");
        assertThatThrownBy(() -> new Module() {
            {
                registerParameter("i", Tensor.zeros(DType.INT32, 1));
            }
        }).hasMessageContaining("must be floating");
    }

    @Test
    void toConvertsParametersAndKeepsThemTrainable() {
        Encoder m = new Encoder(Generator.seeded(14));
        double[] w = m.head.weight().toDoubleArray();
        m.to(DType.FLOAT64);
        assertThat(m.parameters()).allMatch(p -> p.dtype() == DType.FLOAT64).allMatch(Tensor::requiresGrad);
        assertThat(m.namedBuffers().get("steps").dtype()).isEqualTo(DType.INT32);
        assertThat(m.head.weight().toDoubleArray()).containsExactly(w);
        assertThat(m.toString()).contains("(head): Linear(in=3, out=2, bias=true)");
    }

    static Map<String, List<Double>> snapshot(Module m) {
        Map<String, List<Double>> out = new LinkedHashMap<>();
        m.stateDict().forEach((k, v) -> out.put(k, java.util.Arrays.stream(v.toDoubleArray()).boxed().toList()));
        return out;
    }
}
