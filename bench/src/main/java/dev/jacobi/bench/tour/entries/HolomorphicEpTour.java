package dev.jacobi.bench.tour.entries;

import dev.jacobi.algorithms.ep.Activation;
import dev.jacobi.algorithms.ep.Complex;
import dev.jacobi.algorithms.ep.EpGradients;
import dev.jacobi.algorithms.ep.EpLoss;
import dev.jacobi.algorithms.ep.EpNetwork;
import dev.jacobi.algorithms.ep.EpTrainer;
import dev.jacobi.algorithms.ep.GradientMethod;
import dev.jacobi.algorithms.ep.Planes;
import dev.jacobi.algorithms.ep.SymmetryMonitor;
import dev.jacobi.bench.tour.TourContext;
import dev.jacobi.bench.tour.TourEntry;
import dev.jacobi.bench.tour.TourResult;
import dev.jacobi.nn.data.Dataset;
import dev.jacobi.nn.data.Digits;
import dev.jacobi.nn.optim.SGD;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Scope;
import dev.jacobi.tensor.Tensor;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The tour's holomorphic EP entry: one MLP 64-128-10 (sigmoid rates, MSE on the top layer) on the 8x8
 * digits, trained from the same initialisation with backprop (recurrent backprop: the exact gradient of
 * the loss at the free fixed point, truncated after the T2 iterations that hEP's nudged phases run),
 * classic EP, hEP (N = 2, 4) with tied weights, hEP with untied feedback at 90 degrees from W^T, the same
 * with Jacobian homeostasis, and RBP run for T1 iterations (the untruncated implicit gradient) to show
 * why the baseline's iteration count matters. Prints test accuracy, the cosine of each method's
 * first-step gradient with that of backprop through the T1 steps of the free relaxation on the same
 * network, the free phase's last-step residual after training, and the symmetry monitor over training;
 * plots accuracy and the monitor per epoch.
 *
 * <p>Why the BP baseline runs T2 iterations: with tied weights, hEP's T2 nudged steps from the fixed
 * point estimate {@code ds_T2/d beta = sum_{t < T2} (DJ)^t D e}, which is RBP truncated after T2
 * iterations, not its limit (GradientProperties checks this). Training drives this network towards
 * slowly relaxing dynamics (measured on the RBP(T1) run: {@code |s_31 - s_30|} over a batch of 32 up to
 * 1e-2 mid-training, while 300 more steps do converge), where the full series (T1 iterations, or BPTT
 * through the T1 steps) is up to 1.7 times larger than the truncated one (cosine 0.94 with hEP's) and
 * trains unstably at the shared optimizer settings (also at lr 0.02).
 *
 * <p>What the papers claim, and what the metrics check: hEP with symmetric weights matches BP at a finite
 * nudge; asymmetric feedback hurts; homeostasis recovers most of the gap.
 */
public final class HolomorphicEpTour implements TourEntry {
    private static final int[] SIZES = {Digits.PIXELS, 128, Digits.CLASSES};
    private static final double LR = 0.05;

    /**
     * How long to train.
     *
     * @param epochs    epochs per method
     * @param freeSteps free-phase steps T1
     * @param nudged    nudged-phase steps T2
     */
    record Settings(int epochs, int freeSteps, int nudged) {
        static final Settings SHORT = new Settings(8, 30, 10);
        static final Settings FULL = new Settings(30, 40, 15);
    }

    /** One method to train. */
    private record Run(String label, GradientMethod method, boolean tied, double angle, double homeostasis) {
    }

    /** One method's outcome. */
    private record Outcome(Run run, List<Double> accuracy, List<Double> monitor, double firstStepCosine, double seconds,
                           double residual) {
        double finalAccuracy() {
            return accuracy.getLast();
        }
    }

    @Override
    public String name() {
        return "ep";
    }

    @Override
    public String description() {
        return "holomorphic equilibrium propagation on the 8x8 digits: BP, EP, hEP tied/untied/homeostasis";
    }

    @Override
    public TourResult run(TourContext context) throws IOException {
        Settings settings = context.full() ? Settings.FULL : Settings.SHORT;
        Dataset.Split split = Digits.load().stratifiedSplit(0.2, context.seed());
        double beta = 0.25;
        int t2 = settings.nudged();
        List<Run> runs = List.of(
                new Run("BP (RBP, T2 iterations)", new GradientMethod.RecurrentBackprop(t2), true, 0, 0),
                new Run("classic EP beta=" + beta, new GradientMethod.ClassicEp(beta, t2), true, 0, 0),
                new Run("hEP N=2 tied", new GradientMethod.Holomorphic(beta, 2, t2, true), true, 0, 0),
                new Run("hEP N=4 tied", new GradientMethod.Holomorphic(beta, 4, t2, true), true, 0, 0),
                new Run("hEP N=4 untied 90deg", new GradientMethod.Holomorphic(beta, 4, t2, true), false, 90, 0),
                new Run("hEP N=4 untied 90deg + homeostasis", new GradientMethod.Holomorphic(beta, 4, t2, true), false, 90, 1.0),
                new Run("RBP, T1 iterations (implicit gradient)", new GradientMethod.RecurrentBackprop(settings.freeSteps()), true, 0, 0));
        List<Outcome> outcomes = new ArrayList<>();
        for (Run run : runs) {
            outcomes.add(train(run, split, settings, context.seed()));
        }

        List<TourResult.Metric> metrics = new ArrayList<>();
        metrics.add(new TourResult.Metric("setup", "MLP 64-128-10, " + settings.epochs() + " epochs, T1=" + settings.freeSteps()
                + ", T2=" + t2 + ", |beta|=" + beta, "sigmoid 1/(1+e^(-4u+2)), MSE, float32 plane kernels; every method: SGD lr " + LR
                + " momentum 0.9, batch 32, same initialisation and batch order"));
        for (Outcome o : outcomes) {
            metrics.add(new TourResult.Metric(o.run().label() + ": test accuracy", percent(o.finalAccuracy()),
                    String.format(Locale.ROOT, "%.1f s", o.seconds())));
            metrics.add(new TourResult.Metric(o.run().label() + ": cosine with BP at step 1", format(o.firstStepCosine(), 4),
                    "vs backprop through the free relaxation, first batch, shared initialisation"));
            metrics.add(new TourResult.Metric(o.run().label() + ": free-phase residual", String.format(Locale.ROOT, "%.1e", o.residual()),
                    "mean over the test set of |s_(T1+1) - s_T1| after training (0 at a fixed point)"));
            metrics.add(new TourResult.Metric(o.run().label() + ": symmetry monitor", format(o.monitor().getFirst(), 3) + " -> "
                    + format(o.monitor().getLast(), 3), "|J_s| / (|J_s| + |J_a|) at the start and after each epoch"));
        }
        // BPTT through the T1 free steps behaves like RBP with T1 iterations (both the untruncated gradient; it
        // reached 78.6% and was unstable at lr 0.05) and costs 20 s more, so the tour trains RBP only.
        double bp = outcomes.get(0).finalAccuracy();
        double tied = outcomes.get(3).finalAccuracy();
        double untied = outcomes.get(4).finalAccuracy();
        double homeo = outcomes.get(5).finalAccuracy();
        boolean matches = Math.abs(tied - bp) <= 0.02;
        boolean hurts = untied < tied - 0.005;
        double recovered = hurts ? (homeo - untied) / (tied - untied) : Double.NaN;
        metrics.add(new TourResult.Metric("claim: hEP (tied) matches BP", matches ? "reproduced" : "NOT reproduced",
                "hEP N=4 " + percent(tied) + " vs BP " + percent(bp) + " (within 2 points)"));
        metrics.add(new TourResult.Metric("claim: asymmetry hurts", hurts ? "reproduced" : "NOT reproduced",
                "untied " + percent(untied) + " vs tied " + percent(tied)));
        metrics.add(new TourResult.Metric("claim: homeostasis recovers most of the gap",
                hurts && recovered > 0.5 ? "reproduced" : "NOT reproduced",
                "untied + homeostasis " + percent(homeo) + (hurts ? String.format(Locale.ROOT, " (%.0f%% of the gap)", 100 * recovered) : "")));
        List<Path> plots = plot(outcomes, context.outputDir());
        double full = outcomes.get(6).finalAccuracy();
        metrics.add(new TourResult.Metric("why the BP baseline runs T2 iterations", "RBP(T1) " + percent(full) + " vs RBP(T2) " + percent(bp),
                String.format(Locale.ROOT, "tied hEP estimates RBP truncated at T2; the full series (residual after T1: %.1e) trains unstably here",
                        outcomes.get(6).residual())));
        String summary = String.format(Locale.ROOT,
                "test accuracy: BP (RBP, T2 iterations) %s, EP %s, hEP N=2 %s, N=4 %s, untied %s, + homeostasis %s; RBP with T1 iterations %s",
                percent(bp), percent(outcomes.get(1).finalAccuracy()), percent(outcomes.get(2).finalAccuracy()), percent(tied),
                percent(untied), percent(homeo), percent(full));
        // The entry checks the implementation (hEP's first gradient aligns with backprop's when the weights
        // are symmetric); the claims are reported as measured, reproduced or not.
        boolean passed = outcomes.get(3).firstStepCosine() > 0.99;
        return new TourResult(passed, summary, metrics, plots);
    }

    private static Outcome train(Run run, Dataset.Split split, Settings settings, long seed) {
        EpNetwork net = EpNetwork.mlp(SIZES, Activation.SIGMOID, EpLoss.MSE, Digits.CLASSES, run.tied(), run.angle(),
                DType.FLOAT32, Generator.seeded(seed));
        SGD sgd = SGD.of(net.parameters(), new SGD.Options(LR, 0.9, 0, false, 0, true));
        EpTrainer trainer = new EpTrainer(net, sgd, new EpTrainer.Config(settings.freeSteps(), run.method(), run.homeostasis(), 5, true),
                Generator.seeded(seed + 1));
        Dataset train = split.train();
        Dataset test = split.test();
        int batch = 32;
        Tensor probe = test.features().slice(0, 0, 1);
        List<Double> monitor = new ArrayList<>();
        List<Double> accuracy = new ArrayList<>();
        monitor.add(monitor(net, trainer, probe, settings));
        accuracy.add(trainer.accuracy(test, 256));
        double cosine;
        try (Scope scope = Scope.open()) {
            int[] first = new int[batch];
            for (int i = 0; i < batch; i++) {
                first[i] = i;
            }
            Dataset b = train.batch(first);
            List<Tensor> reference = EpGradients.estimate(net, trainer.relaxer(), b.features(), b.labels(), settings.freeSteps(),
                    new GradientMethod.Backprop()).gradients();
            List<Tensor> mine = EpGradients.estimate(net, trainer.relaxer(), b.features(), b.labels(), settings.freeSteps(),
                    run.method()).gradients();
            cosine = EpGradients.cosine(mine, reference);
        }
        long start = System.nanoTime();
        Generator order = Generator.seeded(seed + 2);
        for (int epoch = 0; epoch < settings.epochs(); epoch++) {
            int[] perm = order.permutation(train.size()).toIntArray();
            for (int from = 0; from + batch <= perm.length; from += batch) {
                try (Scope scope = Scope.open()) {
                    int[] idx = java.util.Arrays.copyOfRange(perm, from, from + batch);
                    Dataset b = train.batch(idx);
                    trainer.step(b.features(), b.labels());
                }
            }
            accuracy.add(trainer.accuracy(test, 256));
            monitor.add(monitor(net, trainer, probe, settings));
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        return new Outcome(run, accuracy, monitor, cosine, seconds, residual(net, trainer, test.features(), settings));
    }

    /** The mean over examples of {@code |s_(T1+1) - s_T1|} (L2 per example): how far the free phase is from a fixed point. */
    private static double residual(EpNetwork net, EpTrainer trainer, Tensor images, Settings settings) {
        try (Scope scope = Scope.open()) {
            Tensor x = images.rank() == 2 ? images : images.reshape(images.size(0), -1);
            Tensor last = EpGradients.freePhase(net, trainer.relaxer(), x.to(net.dtype()), settings.freeSteps());
            Tensor next = trainer.relaxer().relax(Planes.real(last), x.to(net.dtype()), null, Complex.ZERO, 1).re();
            double[] d = next.sub(last).toDoubleArray();
            int n = net.stateSize();
            double sum = 0;
            for (int i = 0; i < d.length / n; i++) {
                double sq = 0;
                for (int k = 0; k < n; k++) {
                    sq += d[i * n + k] * d[i * n + k];
                }
                sum += Math.sqrt(sq);
            }
            return sum / (d.length / n);
        }
    }

    /** The symmetry monitor of the network's Jacobian at the free fixed point of one test image. */
    private static double monitor(EpNetwork net, EpTrainer trainer, Tensor image, Settings settings) {
        try (Scope scope = Scope.open()) {
            Tensor free = EpGradients.freePhase(net, trainer.relaxer(), image, settings.freeSteps());
            return SymmetryMonitor.ofNetwork(net, free, image, 0);
        }
    }

    private static List<Path> plot(List<Outcome> outcomes, Path dir) throws IOException {
        Files.createDirectories(dir);
        XYChart acc = new XYChartBuilder().width(900).height(500).title("8x8 digits: test accuracy per epoch")
                .xAxisTitle("epoch").yAxisTitle("test accuracy").build();
        XYChart mon = new XYChartBuilder().width(900).height(500).title("symmetry monitor |J_s| / (|J_s| + |J_a|)")
                .xAxisTitle("epoch").yAxisTitle("monitor").build();
        for (Outcome o : outcomes) {
            List<Double> epochs = new ArrayList<>();
            for (int i = 0; i < o.accuracy().size(); i++) {
                epochs.add((double) i);
            }
            acc.addSeries(o.run().label() + " (" + percent(o.finalAccuracy()) + ")", epochs, o.accuracy());
            mon.addSeries(o.run().label(), epochs, o.monitor());
        }
        Path a = dir.resolve("ep-accuracy.png");
        Path m = dir.resolve("ep-symmetry-monitor.png");
        BitmapEncoder.saveBitmap(acc, a.toString(), BitmapEncoder.BitmapFormat.PNG);
        BitmapEncoder.saveBitmap(mon, m.toString(), BitmapEncoder.BitmapFormat.PNG);
        return List.of(a, m);
    }

    private static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * fraction);
    }

    private static String format(double value, int digits) {
        return String.format(Locale.ROOT, "%." + digits + "f", value);
    }
}
