package dev.jacobi.nn.loss;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.GradCheck;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * The gradients of every loss, for every option, against central finite differences (GradCheck, in
 * float64, with its default tolerance 1e-6 + 1e-5 |numeric|: the losses are smooth, so rounding and
 * truncation errors of the differences stay near 1e-10). Random shapes, targets and options come from
 * one seed, which QuickTheories prints on failure. Gradients with respect to every floating input are
 * checked: logits, class weights, probability targets, float targets and positive weights.
 */
class LossGradientProperties {
    private static final int EXAMPLES = 12;

    @Test
    void crossEntropyWithClassIndicesSmoothingIgnoreIndexAndWeights() {
        qt().withExamples(EXAMPLES).forAll(longs().all()).checkAssert(seed -> {
            LossCases c = LossCases.draw(seed, DType.FLOAT64);
            boolean weighted = new Random(seed).nextBoolean();
            CrossEntropyOptions o = new CrossEntropyOptions(c.reduction(), c.ignoreIndex(), c.smoothing(), null);
            List<Tensor> inputs = weighted ? List.of(c.logits(), c.targetTensor(), c.weight()) : List.of(c.logits(), c.targetTensor());
            GradCheck.check(xs -> Losses.crossEntropy(xs.get(0), xs.get(1), o.withWeight(weighted ? xs.get(2) : null)),
                    inputs, GradCheck.Options.defaults().withSeed(seed)).assertPassed();
        });
    }

    @Test
    void crossEntropyWithProbabilityTargets() {
        qt().withExamples(EXAMPLES).forAll(longs().all()).checkAssert(seed -> {
            LossCases c = LossCases.draw(seed, DType.FLOAT64);
            CrossEntropyOptions o = new CrossEntropyOptions(c.reduction(), -100, c.smoothing(), null);
            GradCheck.check(xs -> Losses.crossEntropy(xs.get(0), xs.get(1), o.withWeight(xs.get(2))),
                    List.of(c.logits(), c.probabilities(), c.weight()), GradCheck.Options.defaults().withSeed(seed)).assertPassed();
        });
    }

    @Test
    void nllWithIgnoreIndexAndWeights() {
        qt().withExamples(EXAMPLES).forAll(longs().all()).checkAssert(seed -> {
            LossCases c = LossCases.draw(seed, DType.FLOAT64);
            Tensor logp = c.logits().logSoftmax(1);
            GradCheck.check(xs -> Losses.nll(xs.get(0), xs.get(1), c.reduction(), c.ignoreIndex(), xs.get(2)),
                    List.of(logp, c.targetTensor(), c.weight()), GradCheck.Options.defaults().withSeed(seed)).assertPassed();
        });
    }

    @Test
    void bceWithLogitsWithWeightAndPosWeight() {
        qt().withExamples(EXAMPLES).forAll(longs().all()).checkAssert(seed -> {
            LossCases c = LossCases.draw(seed, DType.FLOAT64);
            Generator gen = Generator.seeded(seed + 1);
            int[] shape = c.logitShape();
            Tensor x = c.logits().mul(3); // also the saturated region, where the naive formula overflows
            Tensor y = gen.uniform(DType.FLOAT64, 0, 1, shape);
            Tensor w = gen.uniform(DType.FLOAT64, 0.5, 1.5, shape[shape.length - 1]);
            Tensor pw = gen.uniform(DType.FLOAT64, 0, 3, shape[shape.length - 1]);
            GradCheck.check(xs -> Losses.bceWithLogits(xs.get(0), xs.get(1), c.reduction(), xs.get(2), xs.get(3)),
                    List.of(x, y, w, pw), GradCheck.Options.defaults().withSeed(seed)).assertPassed();
        });
    }

    @Test
    void mseInBothArguments() {
        qt().withExamples(EXAMPLES).forAll(longs().all()).checkAssert(seed -> {
            LossCases c = LossCases.draw(seed, DType.FLOAT64);
            GradCheck.check(xs -> Losses.mse(xs.get(0), xs.get(1), c.reduction()),
                    List.of(c.logits(), c.probabilities()), GradCheck.Options.defaults().withSeed(seed)).assertPassed();
        });
    }

    /** Second derivatives (the gradient's own gradient), which loss-of-gradient methods need. */
    @Test
    void secondOrderOfCrossEntropyBceAndMse() {
        qt().withExamples(4).forAll(longs().all()).checkAssert(seed -> {
            LossCases c = LossCases.draw(seed, DType.FLOAT64);
            GradCheck.Options opts = GradCheck.Options.defaults().withSeed(seed);
            CrossEntropyOptions o = new CrossEntropyOptions(c.reduction(), c.ignoreIndex(), c.smoothing(), null);
            GradCheck.checkSecondOrder(xs -> Losses.crossEntropy(xs.get(0), xs.get(1), o.withWeight(xs.get(2))),
                    List.of(c.logits(), c.targetTensor(), c.weight()), opts).assertPassed();
            Tensor pw = Generator.seeded(seed).uniform(DType.FLOAT64, 0, 3, c.classes());
            Tensor x2 = c.logits().transpose(1, c.logitShape().length - 1).contiguous();
            Tensor y2 = c.probabilities().transpose(1, c.logitShape().length - 1).contiguous();
            GradCheck.checkSecondOrder(xs -> Losses.bceWithLogits(xs.get(0), xs.get(1), c.reduction(), null, xs.get(2)),
                    List.of(x2, y2, pw), opts).assertPassed();
            GradCheck.checkSecondOrder(xs -> Losses.mse(xs.get(0), xs.get(1), c.reduction()),
                    List.of(c.logits(), c.probabilities()), opts).assertPassed();
        });
    }
}
