package dev.jacobi.algorithms.flow;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * Inverts TarFlow blocks (noise to data): the sequential inverse, plain Jacobi and GS-Jacobi (Liu &amp; Qin
 * 2025). A block inverse is the fixed point {@code y = Φ(y) := z ⊙ exp(a(y)) + b(y)} in the block's
 * permuted order. The unknown tokens 1..T−1 are split into modules of {@code s = T/G} tokens; modules
 * are solved in order (Gauss–Seidel), each by Jacobi passes that read the module's inputs (the tokens
 * one before it) after the keys and values cached from the finished modules. Because of the one-token
 * shift, m passes make the first m tokens of a module exact, so {@code J ≥ s} passes reproduce the
 * sequential inverse. The sequential inverse is the special case {@code s = 1}, one pass, no clamp.
 *
 * <p><b>Divergence.</b> A Jacobi solve whose update overflows (NaN or ±Inf before the clamp) or whose
 * residual grows for {@link #DIVERGENCE_PASSES} consecutive passes of a module is abandoned, and the
 * block is inverted sequentially instead; its {@link BlockReport#fallback()} says why and counts the
 * abandoned passes.
 */
public final class FlowSampler {
    /**
     * A module whose residual δ grows this many passes in a row makes its block fall back to the
     * sequential inverse. One or two rises happen on tame blocks (the first passes fix the tokens whose
     * inputs were furthest off), a steady rise means the map expands.
     */
    public static final int DIVERGENCE_PASSES = 3;

    private FlowSampler() {
    }

    /**
     * Inverts block {@code block} of {@code model} on {@code z} {@code [B, T, D]} (the block's output),
     * without guidance.
     *
     * @param labels class labels {@code [B]} or null (see {@link FlowBlock#forward})
     * @throws IllegalArgumentException when {@code z} does not have the model's shape or dtype, or G does not divide T
     */
    public static BlockInverse inverse(TarFlow model, int block, Tensor z, BlockStrategy strategy, int[] labels) {
        return inverse(model, block, z, strategy, labels, null);
    }

    /**
     * {@link #inverse(TarFlow, int, Tensor, BlockStrategy, int[])} with classifier-free guidance (null: none);
     * each pass then evaluates the transformer twice, once per branch, each branch with its own cache.
     */
    public static BlockInverse inverse(TarFlow model, int block, Tensor z, BlockStrategy strategy, int[] labels,
                                       Guidance guidance) {
        if (block < 0 || block >= model.blocks().size()) {
            throw new IndexOutOfBoundsException("FlowSampler.inverse: block " + block + " of " + model.blocks().size());
        }
        FlowBlock flow = model.blocks().get(block);
        flow.checkSequence("FlowSampler.inverse", z);
        DType modelType = flow.parameters().getFirst().dtype();
        if (z.dtype() != modelType) {
            // The cached keys and values take z's dtype; attention needs them to match the model's.
            throw new IllegalArgumentException("FlowSampler.inverse: z is " + z.dtype() + " but the model is " + modelType);
        }
        int t = z.size(1);
        if (!strategy.isSequential() && t % strategy.modules() != 0) {
            throw new IllegalArgumentException("FlowSampler.inverse: " + strategy.modules() + " modules do not divide "
                    + t + " tokens");
        }
        try (var g = Autograd.noGrad()) {
            Solve jacobi = solve(flow, z, strategy, labels, guidance);
            if (jacobi.fallback == null) {
                return new BlockInverse(jacobi.x, new BlockReport(block, strategy, jacobi.modules));
            }
            Solve exact = solve(flow, z, BlockStrategy.sequential(), labels, guidance);
            return new BlockInverse(exact.x, new BlockReport(block, strategy, exact.modules, jacobi.fallback));
        }
    }

    /** A finished solve (x, modules) or an abandoned one (fallback set, x null). */
    private record Solve(Tensor x, List<ModuleReport> modules, Fallback fallback) {
    }

    private static Solve solve(FlowBlock flow, Tensor z, BlockStrategy strategy, int[] labels, Guidance guidance) {
        int b = z.size(0);
        int t = z.size(1);
        int d = z.size(2);
        boolean sequential = strategy.isSequential();
        Tensor target = flow.permute(z).copy();
        Tensor y = strategy.initialGuess() == InitialGuess.Z ? target.copy() : Tensor.zeros(z.dtype(), z.shape()).to(z.device());
        y.slice(1, 0, 1).copyFrom(target.slice(1, 0, 1)); // a_0 = b_0 = 0: token 0 is known
        int size = sequential ? 1 : t / strategy.modules();
        int passes = sequential ? 1 : strategy.maxIterations();
        boolean clamp = !sequential && strategy.clamp();
        PrefixCache cache = flow.newCache(b, z.dtype(), z.device());
        PrefixCache unconditionalCache = guidance == null ? null : flow.newCache(b, z.dtype(), z.device());
        int evaluationsPerPass = guidance == null ? 1 : 2;
        List<ModuleReport> reports = new ArrayList<>();
        for (int lo = 1; lo < t; lo += size) {
            int hi = Math.min(lo + size, t); // unknown tokens [lo, hi), fed by inputs [lo - 1, hi - 1)
            List<Double> residuals = new ArrayList<>();
            Fallback.Reason failure = null;
            int rises = 0;
            // Exact front: after f passes the first f tokens of the module are exact, so pass f only
            // recomputes tokens [lo + f, hi); the keys and values of its first input (exact before the
            // pass) join the cache for good.
            int front = 0;
            Tensor previous = y.slice(1, lo, hi).copy();
            for (int pass = 0; pass < passes && lo + front < hi; pass++) {
                int first = lo + front;
                Tensor rows = y.slice(1, first, hi);
                Tensor inputs = y.slice(1, first - 1, hi - 1);
                FlowBlock.Affine affine = flow.affine(inputs, cache, labels, 1.0);
                if (guidance != null) {
                    FlowBlock.Affine unconditional = flow.affine(inputs, unconditionalCache, null, guidance.temperature());
                    affine = guide(affine, unconditional, guidance, first - 1, t);
                }
                Tensor update = target.slice(1, first, hi).mul(affine.logScale().exp()).add(affine.shift());
                if (sequential) {
                    rows.copyFrom(update);
                    break;
                }
                Tensor before = previous.slice(1, front, hi - lo);
                // Checked before the clamp, which would turn ±Inf into ±3 and hide the overflow: the
                // squared change is NaN or +Inf exactly when the update is (the iterate before is finite),
                // or when it is ~1e154 off, an overflow all the same.
                double squaredChange = update.sub(before).square().sum().toCpu().item();
                if (!Double.isFinite(squaredChange)) {
                    failure = Fallback.Reason.NON_FINITE;
                }
                if (clamp) {
                    update = update.clamp(-BlockStrategy.CLAMP, BlockStrategy.CLAMP);
                    squaredChange = update.sub(before).square().sum().toCpu().item();
                }
                rows.copyFrom(update);
                // δ as the reference: Frobenius norm over the module divided by B·D, not by the token
                // count (the frozen tokens' change is zero).
                double delta = Math.sqrt(squaredChange) / ((double) b * d);
                if (failure == null && !residuals.isEmpty()) {
                    rises = delta > residuals.getLast() ? rises + 1 : 0;
                    if (rises >= DIVERGENCE_PASSES) {
                        failure = Fallback.Reason.GROWING_RESIDUAL;
                    }
                }
                residuals.add(delta);
                if (failure != null) {
                    reports.add(moduleReport(lo, hi - lo, evaluationsPerPass, residuals));
                    return new Solve(null, reports, new Fallback(failure, lo, pass, reports));
                }
                previous = y.slice(1, lo, hi).copy();
                if (delta < strategy.tolerance()) {
                    break;
                }
                if (lo + front + 1 < hi) {
                    commit(cache, unconditionalCache, 1);
                    front++;
                } else {
                    front++; // the module's last token is exact now: nothing left to recompute
                }
            }
            // The cache keeps the keys and values of the module's last pass (those not committed yet), as the reference.
            commit(cache, unconditionalCache, hi - lo - (front == hi - lo ? front - 1 : front));
            if (sequential) {
                residuals.add(0.0);
            }
            reports.add(moduleReport(lo, hi - lo, evaluationsPerPass, residuals));
        }
        return new Solve(flow.permute(y), reports, null);
    }

    private static void commit(PrefixCache cache, PrefixCache unconditionalCache, int tokens) {
        cache.commit(tokens);
        if (unconditionalCache != null) {
            unconditionalCache.commit(tokens);
        }
    }

    private static ModuleReport moduleReport(int first, int tokens, int evaluationsPerPass, List<Double> residuals) {
        double[] r = residuals.stream().mapToDouble(Double::doubleValue).toArray();
        return new ModuleReport(first, tokens, r.length, evaluationsPerPass * r.length, r);
    }

    /** {@code c + w_i (c − u)} for a and b, row i of the inputs being token {@code first + i}. */
    private static FlowBlock.Affine guide(FlowBlock.Affine c, FlowBlock.Affine u, Guidance guidance, int first, int tokens) {
        int n = c.logScale().size(1);
        double[] w = new double[n];
        for (int i = 0; i < n; i++) {
            w[i] = guidance.weightAt(first + i, tokens);
        }
        Tensor weights = Tensor.of(w, 1, n, 1).to(c.logScale().dtype()).to(c.logScale().device());
        return new FlowBlock.Affine(c.logScale().add(c.logScale().sub(u.logScale()).mul(weights)),
                c.shift().add(c.shift().sub(u.shift()).mul(weights)));
    }

    /**
     * Inverts every block, last block first, from the latent {@code z} {@code [B, T, D]} to a patch
     * sequence. Index trap of the reference: {@code strategies} are in <em>sampling</em> order, so
     * {@code strategies.get(0)} is for block K−1 (the one nearest the noise).
     *
     * @throws IllegalArgumentException when there is not one strategy per block
     */
    public static SampleResult sample(TarFlow model, Tensor z, List<BlockStrategy> strategies, int[] labels) {
        return sample(model, z, strategies, labels, null);
    }

    /** {@link #sample(TarFlow, Tensor, List, int[])} with classifier-free guidance in every block (null: none). */
    public static SampleResult sample(TarFlow model, Tensor z, List<BlockStrategy> strategies, int[] labels, Guidance guidance) {
        int k = model.blocks().size();
        if (strategies.size() != k) {
            throw new IllegalArgumentException("FlowSampler.sample: " + strategies.size() + " strategies for " + k + " blocks");
        }
        Tensor x = z;
        List<BlockReport> reports = new ArrayList<>();
        for (int r = 0; r < k; r++) {
            BlockInverse inv = inverse(model, k - 1 - r, x, strategies.get(r), labels, guidance);
            x = inv.x();
            reports.add(inv.report());
        }
        return new SampleResult(x, reports);
    }

    /** {@link #sample} with the sequential inverse for every block. */
    public static SampleResult sampleSequential(TarFlow model, Tensor z, int[] labels) {
        return sample(model, z, Collections.nCopies(model.blocks().size(), BlockStrategy.sequential()), labels);
    }

    /**
     * One block inverted.
     *
     * @param x      the block's input {@code [B, T, D]} (data side, un-permuted)
     * @param report iterations, network evaluations and residuals
     */
    public record BlockInverse(Tensor x, BlockReport report) {
    }

    /**
     * A full inverse.
     *
     * @param sequence the patch sequence {@code [B, T, D]} (unpatchify for images)
     * @param reports  one per block, in sampling order (index 0 = block K−1)
     */
    public record SampleResult(Tensor sequence, List<BlockReport> reports) {
        /** Copies the list. */
        public SampleResult {
            reports = List.copyOf(reports);
        }
    }
}
