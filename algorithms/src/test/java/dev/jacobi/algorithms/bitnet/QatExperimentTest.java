package dev.jacobi.algorithms.bitnet;

import dev.jacobi.nn.Layer;
import dev.jacobi.nn.Sequential;
import dev.jacobi.nn.data.Dataset;
import dev.jacobi.nn.data.Digits;
import dev.jacobi.nn.optim.AdamW;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * The reproduction's parts: the bundled corpus and its next-character examples (exact identities with
 * the text), weight decay on latent weights only (one AdamW step with zero gradients, where only the
 * decay moves parameters), and short runs of both tasks that must beat chance by far.
 */
class QatExperimentTest {

    @Test
    void genesisIsBundledAndWindowsAreTheTextShifted() {
        CharCorpus c = CharCorpus.genesis();
        assertThat(c.length()).isEqualTo(196_818);
        assertThat(c.text()).startsWith("In the beginning God created the heaven and the earth.\nAnd the earth was without form");
        assertThat(c.vocabularySize()).isEqualTo(60);
        Dataset d = c.windows(5, 100, 140, 3);
        int[] f = d.features().toIntArray();
        int[] l = d.labels().toIntArray();
        assertThat(l).hasSize(12); // positions 105, 108, ..., 138
        for (int e = 0; e < l.length; e++) {
            int p = 105 + 3 * e;
            for (int k = 0; k < 5; k++) {
                assertThat(c.vocabulary()[f[e * 5 + k]]).isEqualTo(c.text().charAt(p - 5 + k));
            }
            assertThat(c.vocabulary()[l[e]]).isEqualTo(c.text().charAt(p));
        }
        assertThatThrownBy(() -> c.windows(5, 0, 5, 1)).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("[0, 5)");
        assertThatThrownBy(() -> CharCorpus.of("a")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void weightDecayActsOnLinearAndLatentWeightsOnly() {
        Layer model = QatExperiment.charModel(QatExperiment.Precision.ABSMEAN, 7, 3, 2, 5, Generator.seeded(1));
        Map<String, Tensor> before = Map.copyOf(copyAll(model));
        AdamW opt = QatOptimizers.adamW(model, 0.1, 0.5);
        for (Tensor p : model.parameters()) {
            p.setGrad(Tensor.zeros(DType.FLOAT32, p.shape()));
        }
        opt.step();
        // Zero gradients: Adam's step is 0, so p <- p (1 - lr·wd) = 0.95 p where decayed, p elsewhere.
        model.namedParameters().forEach((name, p) -> {
            boolean decayed = name.endsWith("weight") && !name.startsWith("embed");
            double[] was = before.get(name).toDoubleArray();
            double[] now = p.toDoubleArray();
            for (int i = 0; i < was.length; i++) {
                assertThat(now[i]).as(name).isCloseTo(decayed ? 0.95 * was[i] : was[i], within(1e-6));
            }
        });
        assertThat(model.namedParameters().keySet()).containsExactly("embed.weight", "body.0.weight", "body.0.bias", "body.2.weight",
                "body.2.bias", "body.4.weight", "body.4.bias");
    }

    private static Map<String, Tensor> copyAll(Layer model) {
        Map<String, Tensor> out = new java.util.LinkedHashMap<>();
        model.namedParameters().forEach((k, v) -> out.put(k, v.detach().copy()));
        return out;
    }

    @Test
    void shortRunsOfEachTaskLearnBeyondChance() {
        QatExperiment.Settings s = new QatExperiment.Settings(16, 3, 16, 4, 4, 20, 1, 1e-2, 0.01, List.of(QatExperiment.Precision.values()), 7);
        Dataset.Split digits = Digits.load().stratifiedSplit(0.2, 7);
        QatExperiment.Run fp = QatExperiment.digits(QatExperiment.Precision.FP32, 16, digits, s);
        QatExperiment.Run ternary = QatExperiment.digits(QatExperiment.Precision.ABSMEAN, 16, digits, s);
        assertThat(fp.metric()).isGreaterThan(0.5); // chance is 0.1
        assertThat(ternary.metric()).isGreaterThan(0.5);
        assertThat(ternary.parameters()).isEqualTo(fp.parameters()); // latent weights: the same tensors as float
        assertThat(ternary.history().steps()).isEqualTo(3 * 23);
        QatExperiment.Run lm = QatExperiment.charLm(QatExperiment.Precision.ABSMEDIAN, 16, CharCorpus.genesis(), s);
        assertThat(lm.metric()).isLessThan(30); // a uniform guess has perplexity 60
        Sequential mlp = QatExperiment.mlpClassifier(QatExperiment.Precision.ABSMEDIAN, 8, Generator.seeded(0));
        assertThat(mlp.layers().get(0)).isInstanceOf(BitLinear.class);
        assertThat(((BitLinear) mlp.layers().get(0)).config().weightMeasure()).isEqualTo(Ternary.Measure.ABSMEDIAN);
        assertThat(mlp.layers().get(4)).isNotInstanceOf(BitLinear.class); // the head stays float32
    }
}
