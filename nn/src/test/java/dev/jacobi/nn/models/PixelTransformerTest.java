package dev.jacobi.nn.models;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The pixel transformer has the parameter names, shapes and order of the PyTorch model in
 * bench/scripts/torch_training_step.py, maps [batch, tokens] to [batch, classes], and does not depend on
 * the order of the examples in a batch.
 */
class PixelTransformerTest {
    @Test
    void parametersFollowTheTorchModel() {
        int d = 8;
        PixelTransformer model = PixelTransformer.of(new PixelTransformer.Config(6, d, 2, 2, 3), Generator.seeded(1));
        // model.state_dict() of the script's Transformer(d=8, heads=2, layers=2, tokens=6, classes=3): own
        // parameters first, then the submodules in registration order.
        Map<String, int[]> expected = new LinkedHashMap<>();
        expected.put("pos", new int[] {6, d});
        expected.put("embed.weight", new int[] {d, 1});
        expected.put("embed.bias", new int[] {d});
        for (int b = 0; b < 2; b++) {
            String p = "blocks." + b + ".";
            expected.put(p + "ln1.weight", new int[] {d});
            expected.put(p + "ln1.bias", new int[] {d});
            expected.put(p + "attn.in_proj_weight", new int[] {3 * d, d});
            expected.put(p + "attn.in_proj_bias", new int[] {3 * d});
            expected.put(p + "attn.out_proj.weight", new int[] {d, d});
            expected.put(p + "attn.out_proj.bias", new int[] {d});
            expected.put(p + "ln2.weight", new int[] {d});
            expected.put(p + "ln2.bias", new int[] {d});
            expected.put(p + "mlp.0.weight", new int[] {4 * d, d});
            expected.put(p + "mlp.0.bias", new int[] {4 * d});
            expected.put(p + "mlp.2.weight", new int[] {d, 4 * d});
            expected.put(p + "mlp.2.bias", new int[] {d});
        }
        expected.put("ln.weight", new int[] {d});
        expected.put("ln.bias", new int[] {d});
        expected.put("head.weight", new int[] {3, d});
        expected.put("head.bias", new int[] {3});
        Map<String, Tensor> state = model.stateDict();
        assertThat(state.keySet()).containsExactlyElementsOf(expected.keySet());
        expected.forEach((name, shape) -> assertThat(state.get(name).shape()).as(name).containsExactly(shape));
    }

    @Test
    void classifiesEachExampleOnItsOwn() {
        PixelTransformer model = PixelTransformer.of(new PixelTransformer.Config(5, 8, 2, 1, 3), Generator.seeded(2));
        Tensor x = Generator.seeded(3).uniform(DType.FLOAT32, 0, 1, 4, 5);
        Tensor logits = model.forward(x);
        assertThat(logits.shape()).containsExactly(4, 3);
        // Example 2 alone gives the same logits as inside the batch: nothing mixes examples. Tolerance: the
        // same float32 arithmetic on other row counts may block GEMMs differently (a few ulps of values ~1).
        float[] alone = model.forward(x.slice(0, 2, 3)).toFloatArray();
        float[] inBatch = logits.slice(0, 2, 3).toFloatArray();
        for (int c = 0; c < 3; c++) {
            assertThat(alone[c]).as("class %d of %s vs %s", c, Arrays.toString(alone), Arrays.toString(inBatch))
                    .isCloseTo(inBatch[c], org.assertj.core.data.Offset.offset(1e-5f));
        }
        assertThatThrownBy(() -> model.forward(Tensor.zeros(DType.FLOAT32, 4, 6)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("PixelTransformer: input must be [batch, 5], shape is [4, 6]");
    }
}
