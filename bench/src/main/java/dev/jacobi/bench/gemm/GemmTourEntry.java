package dev.jacobi.bench.gemm;

import dev.jacobi.bench.tour.TourContext;
import dev.jacobi.bench.tour.TourEntry;
import dev.jacobi.bench.tour.TourResult;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The tour's GEMM entry: a short {@link GemmComparison} (n = 256 and 1024 on one thread and on every
 * core; {@code --full} adds 2048), Jacobi's results checked against a float64 reference, the speeds
 * as metrics and one bar chart ({@code gemm.png}).
 */
public final class GemmTourEntry implements TourEntry {
    @Override
    public String name() {
        return "gemm";
    }

    @Override
    public String description() {
        return "float32 matrix multiply: Jacobi's SIMD GEMM against OpenBLAS, EJML and a naive loop";
    }

    @Override
    public TourResult run(TourContext context) throws IOException {
        List<Integer> sizes = context.full() ? List.of(256, 1024, 2048) : List.of(256, 1024);
        GemmComparison.Options options = GemmComparison.Options.defaults().withSizes(sizes).withSeed(context.seed());
        List<GemmComparison.Row> rows = GemmComparison.run(options, null);

        List<TourResult.Metric> metrics = new ArrayList<>();
        for (GemmComparison.Row r : rows) {
            String at = "n=" + r.n() + ", " + r.threads() + (r.threads() == 1 ? " thread" : " threads");
            metrics.add(new TourResult.Metric("jacobi GFLOP/s (" + at + ")", format(r.gflops(GemmImpl.JACOBI)),
                    "best of " + r.timings().get(GemmImpl.JACOBI).runs() + " products"));
            if (!Double.isNaN(r.ratioToOpenBlas())) {
                metrics.add(new TourResult.Metric("jacobi / OpenBLAS (" + at + ")", ratio(r.ratioToOpenBlas()),
                        "OpenBLAS " + format(r.gflops(GemmImpl.OPENBLAS)) + " GFLOP/s"));
            }
            metrics.add(new TourResult.Metric("jacobi / EJML (" + at + ")", ratio(r.ratioToEjml()),
                    "EJML " + format(r.gflops(GemmImpl.EJML)) + " GFLOP/s"));
            if (!Double.isNaN(r.gflops(GemmImpl.NAIVE))) {
                metrics.add(new TourResult.Metric("naive loop GFLOP/s (" + at + ")", format(r.gflops(GemmImpl.NAIVE)),
                        "one run"));
            }
            metrics.add(new TourResult.Metric("error / rounding bound (n=" + r.n() + ")",
                    String.format(Locale.ROOT, "%.3f", r.errorToBound()), "float64 reference on sampled entries; <= 1 passes"));
        }
        if (!OpenBlas.isAvailable()) {
            metrics.add(new TourResult.Metric("OpenBLAS", "not measured", OpenBlas.unavailableReason()));
        } else if (!OpenBlas.environmentNote().isEmpty()) {
            metrics.add(new TourResult.Metric("OpenBLAS kernel", OpenBlas.coreName(), OpenBlas.environmentNote()));
        }

        boolean passed = rows.stream().allMatch(GemmComparison.Row::correct);
        GemmComparison.Row headline = rows.stream().filter(r -> r.n() == 1024 && r.threads() == 1).findFirst()
                .orElse(rows.getFirst());
        String summary = String.format(Locale.ROOT, "n=%d, 1 thread: %s GFLOP/s, %s OpenBLAS, %s EJML%s",
                headline.n(), format(headline.gflops(GemmImpl.JACOBI)), ratio(headline.ratioToOpenBlas()),
                ratio(headline.ratioToEjml()), passed ? "" : "; RESULT OUTSIDE THE ROUNDING BOUND");
        Path plot = plot(rows, context.outputDir());
        return new TourResult(passed, summary, metrics, List.of(plot));
    }

    /** One group of bars per (n, threads), one bar per implementation. */
    private static Path plot(List<GemmComparison.Row> rows, Path dir) throws IOException {
        CategoryChart chart = new CategoryChartBuilder().width(900).height(500)
                .title("float32 GEMM, n x n").xAxisTitle("n, threads").yAxisTitle("GFLOP/s").build();
        List<String> groups = rows.stream().map(r -> r.n() + ", " + r.threads() + "t").toList();
        for (GemmImpl impl : GemmImpl.values()) {
            List<Double> values = rows.stream().map(r -> {
                double g = r.gflops(impl);
                return Double.isNaN(g) ? 0.0 : g;
            }).toList();
            if (values.stream().anyMatch(v -> v > 0)) {
                chart.addSeries(impl.label(), groups, values);
            }
        }
        Files.createDirectories(dir);
        Path file = dir.resolve("gemm.png");
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        return file;
    }

    private static String format(double gflops) {
        return Double.isNaN(gflops) ? "-" : String.format(Locale.ROOT, "%.1f", gflops);
    }

    private static String ratio(double x) {
        return Double.isNaN(x) ? "-" : String.format(Locale.ROOT, "%.2fx", x);
    }
}
