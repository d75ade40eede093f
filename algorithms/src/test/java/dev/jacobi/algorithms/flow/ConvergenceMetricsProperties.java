package dev.jacobi.algorithms.flow;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.longs;

/**
 * CRM and IGM (spec oracle 7): shares sum to 100, a block made tough ranks first, IGM of the exact
 * solution is 0, IGM equals the residual of one unclamped Jacobi pass of the sampler (an independent
 * path through {@link FlowSampler}), and IGM picks the better start on constructed cases.
 */
class ConvergenceMetricsProperties {

    /** A data batch of the model's shape: Gaussian with std 0.5 around 0.25 (a non-zero batch mean). */
    static Tensor data(TarFlow model, int n, Generator gen) {
        return Tensor.randn(gen, model.config().dtype(), n, model.config().tokens(), model.config().tokenSize())
                .mul(0.5).add(0.25);
    }

    /** Multiplies {@code proj_out} (weight and bias) of block k by {@code factor}. */
    static void scaleHead(TarFlow model, int k, double factor) {
        try (var g = Autograd.noGrad()) {
            for (String name : List.of("proj_out.weight", "proj_out.bias")) {
                Tensor p = model.blocks().get(k).namedParameters().get(name);
                p.copyFrom(p.mul(factor));
            }
        }
    }

    /**
     * Multiplies the shift half {@code W_b} of block k's {@code proj_out.weight} by {@code factor}: CRM grows
     * by at least {@code (factor − 1)‖W_b‖}, while the block's outputs grow only additively (scaling
     * {@code W_a} would grow them exponentially and overflow the blocks after it).
     */
    static void scaleShiftHead(TarFlow model, int k, double factor) {
        try (var g = Autograd.noGrad()) {
            Tensor w = model.blocks().get(k).namedParameters().get("proj_out.weight");
            int d = model.config().tokenSize();
            Tensor rows = w.slice(0, d, 2 * d);
            rows.copyFrom(rows.mul(factor));
        }
    }

    @Test
    void crmSharesSumTo100() {
        qt().withExamples(8).forAll(longs().all(), integers().between(2, 4), integers().between(0, 1))
                .checkAssert((seed, blocks, sideChoice) -> {
            Generator gen = Generator.seeded(seed);
            TarFlow model = TinyFlows.model(4 + 2 * sideChoice, blocks, DType.FLOAT32, gen);
            ConvergenceMetrics.Report report = ConvergenceMetrics.measure(model, data(model, 6, gen));
            double[] shares = report.shares();
            // Oracle 7: the rounded shares (two decimals, as the paper's table) sum to 100 within 0.05.
            double rounded = Arrays.stream(shares).map(s -> Math.round(s * 100) / 100.0).sum();
            assertThat(rounded).isCloseTo(100.0, offset(0.05));
            double total = report.blocks().stream().mapToDouble(ConvergenceMetrics.BlockMetrics::crm).sum();
            for (ConvergenceMetrics.BlockMetrics m : report.blocks()) {
                assertThat(m.crm()).isPositive();
                assertThat(m.share()).isCloseTo(100 * m.crm() / total, offset(1e-9));
            }
        });
    }

    @Test
    void sharesAreEvenForTheIdentityFlow() {
        // A new model has zero output heads: every CRM is 0 and no block is harder than another.
        TarFlow model = TarFlow.create(new TarFlowConfig(1, 4, 2, 32, 3, 1, 16, 4, 0, DType.FLOAT32), Generator.seeded(1));
        ConvergenceMetrics.Report report = ConvergenceMetrics.measure(model, data(model, 2, Generator.seeded(2)));
        assertThat(report.shares()).containsExactly(new double[] {100.0 / 3, 100.0 / 3, 100.0 / 3}, offset(1e-12));
    }

    @Test
    void aBlockWithALargerShiftHeadRanksFirstAndIsTough() {
        qt().withExamples(6).forAll(longs().all(), integers().between(3, 4)).checkAssert((seed, blocks) -> {
            Generator gen = Generator.seeded(seed);
            TarFlow model = TinyFlows.model(6, blocks, DType.FLOAT32, gen);
            // The last block (forward order), so that its larger outputs feed no other block's metrics: with an
            // earlier one the blocks after it see larger inputs, and their CRM grows too.
            int tough = blocks - 1;
            scaleShiftHead(model, tough, 100);
            ConvergenceMetrics.Report report = ConvergenceMetrics.measure(model, data(model, 6, gen));
            assertThat(report.rankByCrm()[0]).isEqualTo(tough);
            assertThat(report.blocks().get(tough).share())
                    .isGreaterThanOrEqualTo(StrategySelector.toughThreshold(blocks, StrategySelector.Options.defaults()));
            List<BlockStrategy> strategies = StrategySelector.choose(report, model.config().tokens(), StrategySelector.Options.defaults());
            // Sampling order: the last block is inverted first. T = 9: the largest divisor of 9 up to 8 is 3.
            assertThat(strategies.get(0).modules()).isEqualTo(3);
            assertThat(strategies.get(0).maxIterations()).isEqualTo(StrategySelector.DEFAULT_TOUGH_ITERATIONS);
            for (int r = 1; r < blocks; r++) {
                assertThat(strategies.get(r).modules()).isEqualTo(1);
                assertThat(strategies.get(r).maxIterations()).isEqualTo(StrategySelector.DEFAULT_OTHER_ITERATIONS);
            }
            for (int r = 0; r < blocks; r++) {
                assertThat(strategies.get(r).initialGuess()).isEqualTo(report.blocks().get(blocks - 1 - r).bestGuess());
                assertThat(strategies.get(r).clamp()).isTrue();
            }
        });
    }

    @Test
    void igmOfTheExactSolutionIsZero() {
        qt().withExamples(6).forAll(longs().all(), integers().between(0, 2)).checkAssert((seed, k) -> {
            Generator gen = Generator.seeded(seed);
            TarFlow model = TinyFlows.model(6, 3, DType.FLOAT64, gen);
            Tensor x = data(model, 4, gen);
            for (int j = 0; j < k; j++) {
                x = model.blocks().get(j).forward(x, null).z();
            }
            FlowBlock block = model.blocks().get(k);
            Tensor z = block.forward(x, null).z();
            // Φ(x) = x exactly in exact arithmetic; float64 rounding of O(1) values over a few ops.
            assertThat(ConvergenceMetrics.igm(block, x, z, x, MatrixNorm.SPECTRAL)).isLessThan(1e-12);
        });
    }

    @Test
    void igmIsTheResidualOfOneUnclampedJacobiPass() {
        qt().withExamples(6).forAll(longs().all(), integers().between(2, 3)).checkAssert((seed, blocks) -> {
            Generator gen = Generator.seeded(seed);
            TarFlow model = TinyFlows.model(6, blocks, DType.FLOAT64, gen);
            Tensor data = data(model, 5, gen);
            for (MatrixNorm norm : MatrixNorm.values()) {
                ConvergenceMetrics.Report report = ConvergenceMetrics.measure(model, data, norm);
                TarFlow.FlowOutput forward;
                try (var g = Autograd.noGrad()) {
                    forward = model.forward(data, null);
                }
                for (int k = 0; k < blocks; k++) {
                    Tensor x = k == 0 ? data : forward.outputs().get(k - 1);
                    Tensor z = forward.outputs().get(k);
                    ConvergenceMetrics.BlockMetrics m = report.blocks().get(k);
                    double[] igm = new double[2];
                    for (InitialGuess guess : InitialGuess.values()) {
                        // One pass of plain Jacobi from the start is exactly ŷ = Φ(Y0) (token 0 = z_0).
                        Tensor yHat = FlowSampler.inverse(model, k, z, BlockStrategy.jacobi(1, 0, guess).withClamp(false), null).x();
                        double[] mean = yHat.sub(x).mean(0).toDoubleArray();
                        igm[guess.ordinal()] = norm.of(mean, model.config().tokens(), model.config().tokenSize());
                    }
                    // Same arithmetic in a different order (float64): 1e-10 relative.
                    assertThat(m.igmZ()).isCloseTo(igm[0], offset(1e-10 * (1 + igm[0])));
                    assertThat(m.igmZero()).isCloseTo(igm[1], offset(1e-10 * (1 + igm[1])));
                    assertThat(m.bestGuess()).isEqualTo(igm[1] < igm[0] ? InitialGuess.ZERO : InitialGuess.Z);
                }
            }
        });
    }

    @Test
    void igmPicksZeroInitWhenTheDataIsZeroAfterTheFirstToken() {
        qt().withExamples(4).forAll(longs().all(), integers().between(0, 1)).checkAssert((seed, k) -> {
            Generator gen = Generator.seeded(seed);
            TarFlow model = TinyFlows.model(6, 2, DType.FLOAT64, gen);
            FlowBlock block = model.blocks().get(k);
            int t = model.config().tokens();
            // In the block's own order x = [x_0, 0, …, 0], so zero-init [z_0, 0, …] (z_0 = x_0) is the solution.
            Tensor own = data(model, 4, gen);
            own.slice(1, 1, t).fill(0);
            Tensor x = block.permute(own);
            Tensor z = block.forward(x, null).z();
            double zero = ConvergenceMetrics.igm(block, x, z, InitialGuess.ZERO, MatrixNorm.SPECTRAL);
            double zInit = ConvergenceMetrics.igm(block, x, z, InitialGuess.Z, MatrixNorm.SPECTRAL);
            assertThat(zero).isLessThan(1e-12);
            assertThat(zInit).isGreaterThan(1e-6);
        });
    }

    @Test
    void igmPicksZInitForANearIdentityBlock() {
        qt().withExamples(4).forAll(longs().all()).checkAssert(seed -> {
            Generator gen = Generator.seeded(seed);
            TarFlow model = TinyFlows.model(6, 2, DType.FLOAT64, gen);
            scaleHead(model, 0, 1e-3);
            scaleHead(model, 1, 1e-3);
            // z ≈ x, so starting from z is nearly the solution; zero-init misses the batch mean 0.25 of x.
            ConvergenceMetrics.Report report = ConvergenceMetrics.measure(model, data(model, 8, gen));
            for (ConvergenceMetrics.BlockMetrics m : report.blocks()) {
                assertThat(m.igmZ()).isLessThan(m.igmZero());
                assertThat(m.bestGuess()).isEqualTo(InitialGuess.Z);
            }
        });
    }

    @Test
    void badInputsAreRejected() {
        TarFlow model = TinyFlows.model(4, 2, DType.FLOAT32, Generator.seeded(3));
        assertThatThrownBy(() -> ConvergenceMetrics.measure(model, Tensor.zeros(DType.FLOAT32, 2, 3, 4)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("ConvergenceMetrics.measure").hasMessageContaining("[2, 3, 4]");
        assertThatThrownBy(() -> ConvergenceMetrics.measure(model, Tensor.zeros(DType.FLOAT64, 2, 4, 4)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("float64");
        assertThatThrownBy(() -> ConvergenceMetrics.measure(model, Tensor.zeros(DType.FLOAT32, 0, 4, 4)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("empty batch");
        Tensor x = Tensor.zeros(DType.FLOAT32, 2, 4, 4);
        assertThatThrownBy(() -> ConvergenceMetrics.igm(model.blocks().get(0), x, Tensor.zeros(DType.FLOAT32, 3, 4, 4), x, MatrixNorm.ONE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("batches differ");
        // A head 10x larger in block 0 makes the later blocks overflow on this data (seen: CRM = Infinity).
        Generator wildGen = Generator.seeded(0);
        TarFlow wild = TinyFlows.model(6, 4, DType.FLOAT32, wildGen);
        scaleHead(wild, 0, 10);
        Tensor wildData = data(wild, 6, wildGen);
        assertThatThrownBy(() -> ConvergenceMetrics.measure(wild, wildData))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("overflows on this data");
    }
}
