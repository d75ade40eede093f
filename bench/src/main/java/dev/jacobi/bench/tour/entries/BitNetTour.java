package dev.jacobi.bench.tour.entries;

import dev.jacobi.algorithms.bitnet.BitLinear;
import dev.jacobi.algorithms.bitnet.QatExperiment;
import dev.jacobi.algorithms.bitnet.QatExperiment.Precision;
import dev.jacobi.algorithms.bitnet.QatExperiment.Run;
import dev.jacobi.algorithms.bitnet.QatExperiment.Task;
import dev.jacobi.bench.tour.TourContext;
import dev.jacobi.bench.tour.TourEntry;
import dev.jacobi.bench.tour.TourResult;
import dev.jacobi.nn.Module;
import dev.jacobi.nn.data.Digits;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;
import dev.jacobi.tensor.autograd.GradMode;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.markers.SeriesMarkers;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The tour's BitNet b1.58 entry: {@link QatExperiment} at small scale, the same networks trained in
 * float32 and with 1.58-bit quantization-aware training (absmean and the Reloaded median scale) at
 * hidden sizes h and 2h, on the 8x8 digits (held-out accuracy) and as a character-level language model
 * of the Book of Genesis (held-out perplexity per character). Prints the table side by side, says
 * whether the paper's claim (1.58-bit at 2h matches or beats full precision at h) holds here, and plots
 * the training losses ({@code bitnet-digits-loss.png}, {@code bitnet-charlm-loss.png}).
 *
 * <p>It also runs the widest absmean digits model through the packed integer inference path of
 * {@link BitLinear} (INT8 activations times 2-bit packed weights, exact INT32 sums) and fails when its
 * logits differ from the float fake-quantized forward by more than {@link #PACKED_TOLERANCE}: both
 * compute the same quantized product. The quality comparison itself is reported, never enforced.
 */
public final class BitNetTour implements TourEntry {
    /** The largest |logit difference| between the packed and the float forward the entry accepts. */
    static final double PACKED_TOLERANCE = 1e-3;

    private final QatExperiment.Settings forcedSettings;

    /** The entry as the tour runs it: {@link QatExperiment.Settings#quick}, or {@code full} with {@code --full}. */
    public BitNetTour() {
        this(null);
    }

    /** An entry that runs with {@code settings} whatever the context asks (for tests). */
    BitNetTour(QatExperiment.Settings settings) {
        this.forcedSettings = settings;
    }

    @Override
    public String name() {
        return "bitnet";
    }

    @Override
    public String description() {
        return "BitNet b1.58 QAT vs float32 at hidden sizes h and 2h: digits accuracy and character-LM perplexity";
    }

    @Override
    public TourResult run(TourContext context) throws IOException {
        QatExperiment.Settings s = forcedSettings != null ? forcedSettings
                : context.full() ? QatExperiment.Settings.full(context.seed()) : QatExperiment.Settings.quick(context.seed());
        List<Run> runs = QatExperiment.runAll(s);

        List<TourResult.Metric> metrics = new ArrayList<>();
        metrics.add(new TourResult.Metric("setup", "digits MLP 64-h-h-10, char LM " + s.lmContext() + "x" + s.lmEmbed() + "-h-h-V",
                "AdamW lr " + s.lr() + ", weight decay " + s.weightDecay() + " on weights; hidden layers quantized, head float32"));
        StringBuilder table = new StringBuilder();
        table.append(String.format(Locale.ROOT, "%-8s %5s %8s", "task", "h", "params"));
        for (Precision p : s.precisions()) {
            table.append(String.format(Locale.ROOT, " %18s", p.label()));
        }
        table.append('\n');
        for (Task task : Task.values()) {
            for (int hidden : hiddenSizes(runs, task)) {
                List<Run> row = runs.stream().filter(r -> r.task() == task && r.hidden() == hidden).toList();
                StringBuilder value = new StringBuilder();
                table.append(String.format(Locale.ROOT, "%-8s %5d %8d", task == Task.DIGITS ? "digits" : "char LM", hidden, row.getFirst().parameters()));
                for (Run r : row) {
                    String v = formatMetric(r);
                    table.append(String.format(Locale.ROOT, " %18s", v));
                    value.append(value.isEmpty() ? "" : " | ").append(r.precision().label()).append(' ').append(v);
                }
                table.append('\n');
                metrics.add(new TourResult.Metric((task == Task.DIGITS ? "digits accuracy" : "char LM perplexity") + ", h=" + hidden,
                        value.toString(), row.getFirst().parameters() + " parameters; "
                        + (task == Task.DIGITS ? "held-out 20%, higher is better" : "last 10% of Genesis, per character, lower is better")));
            }
        }
        System.out.print(table);

        List<String> verdicts = new ArrayList<>();
        for (Task task : Task.values()) {
            verdicts.add(claim(runs, task, s));
        }
        metrics.add(new TourResult.Metric("claim: 1.58-bit at 2h vs fp32 at h", String.join("; ", verdicts),
                "the Reloaded paper: 1.58-bit matches or beats 16-bit once the hidden size is doubled"));

        double packedDiff = packedAgreement(runs, s, context.seed());
        boolean packedOk = packedDiff <= PACKED_TOLERANCE;
        metrics.add(new TourResult.Metric("packed inference", String.format(Locale.ROOT, "max |logit diff| %.2e", packedDiff),
                "widest absmean digits model, INT8 x packed 2-bit weights (I2_S) vs float fake-quant forward; must be <= "
                        + PACKED_TOLERANCE));
        double seconds = runs.stream().mapToDouble(Run::seconds).sum();
        metrics.add(new TourResult.Metric("time", String.format(Locale.ROOT, "%.1f s", seconds), runs.size() + " trainings"));

        List<Path> plots = List.of(
                plot(runs, Task.DIGITS, "8x8 digits MLP: training loss per step", context.outputDir().resolve("bitnet-digits-loss.png")),
                plot(runs, Task.CHAR_LM, "character LM (Genesis): training loss per step", context.outputDir().resolve("bitnet-charlm-loss.png")));
        String summary = String.join("; ", verdicts) + (packedOk ? "" : "; PACKED PATH DISAGREES");
        return new TourResult(packedOk && runs.stream().allMatch(r -> Double.isFinite(r.metric())), summary, metrics, plots);
    }

    private static List<Integer> hiddenSizes(List<Run> runs, Task task) {
        return runs.stream().filter(r -> r.task() == task).map(Run::hidden).distinct().sorted().toList();
    }

    private static String formatMetric(Run r) {
        return r.task() == Task.DIGITS ? String.format(Locale.ROOT, "%.1f%%", 100 * r.metric()) : String.format(Locale.ROOT, "%.3f", r.metric());
    }

    /** Whether each 1.58-bit variant at 2h is at least as good as float32 at h on {@code task}. */
    private static String claim(List<Run> runs, Task task, QatExperiment.Settings s) {
        List<Integer> sizes = hiddenSizes(runs, task);
        int h = sizes.getFirst();
        int h2 = sizes.getLast();
        Run base = find(runs, task, Precision.FP32, h);
        if (base == null) {
            return task + ": no fp32 baseline";
        }
        List<String> parts = new ArrayList<>();
        for (Precision p : s.precisions()) {
            Run q = find(runs, task, p, h2);
            if (p == Precision.FP32 || q == null) {
                continue;
            }
            boolean better = task == Task.DIGITS ? q.metric() >= base.metric() : q.metric() <= base.metric();
            parts.add(p.label().replace("1.58-bit ", "") + (better ? " holds" : " fails") + " (" + formatMetric(q) + " vs " + formatMetric(base) + ")");
        }
        return (task == Task.DIGITS ? "digits: " : "char LM: ") + String.join(", ", parts);
    }

    private static Run find(List<Run> runs, Task task, Precision p, int hidden) {
        return runs.stream().filter(r -> r.task() == task && r.precision() == p && r.hidden() == hidden).findFirst().orElse(null);
    }

    /** The largest |logit| difference of the widest absmean digits model between the packed and the float path. */
    private static double packedAgreement(List<Run> runs, QatExperiment.Settings s, long seed) {
        Run r = find(runs, Task.DIGITS, Precision.ABSMEAN, 2 * s.digitsHidden());
        if (r == null) {
            return 0;
        }
        Tensor x = Digits.load().stratifiedSplit(0.2, seed).test().features();
        try (GradMode g = Autograd.noGrad()) {
            Tensor floatLogits = r.model().forward(x);
            setPacked(r.model(), true);
            Tensor packedLogits = r.model().forward(x);
            setPacked(r.model(), false);
            return packedLogits.sub(floatLogits).abs().max().item();
        }
    }

    private static void setPacked(Module model, boolean on) {
        for (Module m : model.namedModules().values()) {
            if (m instanceof BitLinear b) {
                b.usePackedInference(on);
            }
        }
    }

    private static Path plot(List<Run> runs, Task task, String title, Path file) throws IOException {
        XYChart chart = new XYChartBuilder().width(900).height(500).title(title).xAxisTitle("step").yAxisTitle("cross-entropy (smoothed)").build();
        chart.getStyler().setYAxisLogarithmic(task == Task.DIGITS);
        for (Run r : runs) {
            if (r.task() != task) {
                continue;
            }
            List<Double> losses = r.history().stepLosses();
            List<Double> x = new ArrayList<>();
            List<Double> y = new ArrayList<>();
            // An exponential moving average: single batches are noisy, the trend is what compares.
            double ema = losses.getFirst();
            for (int i = 0; i < losses.size(); i++) {
                ema = 0.95 * ema + 0.05 * losses.get(i);
                x.add((double) i + 1);
                y.add(Math.max(ema, 1e-6));
            }
            chart.addSeries(r.precision().label() + " h=" + r.hidden() + " (" + formatMetric(r) + ")", x, y).setMarker(SeriesMarkers.NONE);
        }
        Files.createDirectories(file.getParent());
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        return file;
    }
}
