package dev.jacobi.bench.tour.entries;

import dev.jacobi.algorithms.compress.Codec;
import dev.jacobi.algorithms.compress.Images;
import dev.jacobi.algorithms.compress.JpegCodec;
import dev.jacobi.algorithms.compress.Walloc;
import dev.jacobi.algorithms.compress.WallocCodec;
import dev.jacobi.algorithms.compress.WallocTraining;
import dev.jacobi.algorithms.compress.WaveletCodec;
import dev.jacobi.algorithms.quality.ImageQuality;
import dev.jacobi.bench.tour.TourContext;
import dev.jacobi.bench.tour.TourEntry;
import dev.jacobi.bench.tour.TourResult;
import dev.jacobi.nn.data.Dataset;
import dev.jacobi.nn.data.Digits;
import dev.jacobi.nn.layers.MLP;
import dev.jacobi.nn.layers.ReLU;
import dev.jacobi.nn.loss.Losses;
import dev.jacobi.nn.optim.AdamW;
import dev.jacobi.nn.optim.LrSchedule;
import dev.jacobi.nn.train.Metrics;
import dev.jacobi.nn.train.Trainer;
import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;
import dev.jacobi.tensor.Tensor;
import dev.jacobi.tensor.autograd.Autograd;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The tour's codec entry: WaLLoC at several latent sizes (trained here on crops of four bundled
 * photographs, or restored from the cache), the plain wavelet codec and JPEG, compared on
 *
 * <ol>
 *   <li>a held-out photograph (chelsea, 224 x 336): bytes, bits per pixel, PSNR, SSIM and MS-SSIM, and
 *       for WaLLoC our entropy-coded latents against the reference's storage (the latent mosaic as a
 *       lossless PNG);</li>
 *   <li>machine perceptual quality at small scale: an MLP trained on clean 8x8 digits classifies the
 *       held-out digits after they went through each codec at several rates. Each digit (0..16) is
 *       scaled to [0, 1] and enlarged 4x by pixel replication to 32 x 32, 8 x 8 digits are tiled into a
 *       256 x 256 grey mosaic (so that file headers do not dominate the rate and MS-SSIM, which needs
 *       161 pixels, applies), each mosaic is coded, and each decoded 32 x 32 tile is averaged over 4 x 4
 *       blocks back to 8 x 8 (the exact inverse of the enlargement, so clean digits score the clean
 *       accuracy). Bits per pixel count the 32 x 32 pixels. The RGB WaLLoC models code grey mosaics as
 *       three equal channels.</li>
 * </ol>
 *
 * <p>Each WaLLoC model also appears untrained, as the PCA codec it starts from
 * ({@link Walloc#initializeLinear}): the linear baseline that training should beat.
 *
 * <p>Plots: accuracy, PSNR, SSIM and MS-SSIM against bits per pixel for the digits, and PSNR and
 * MS-SSIM against bits per pixel for the photograph. The entry fails when a WaLLoC stream does not
 * decode to exactly the latents encoded, or the clean classifier is below 90%.
 */
public final class CodecsTour implements TourEntry {
    private static final List<String> TRAINING_PHOTOS = List.of("astronaut", "coffee", "rocket", "hubble");
    private static final String TEST_PHOTO = "chelsea";
    private static final int DIGIT_SCALE = 4;
    private static final int MOSAIC_DIGITS = 8;
    /** Accuracy within this of the clean accuracy counts as "kept". */
    static final double KEPT = 0.02;

    /**
     * Sizes and lengths.
     *
     * @param latentSizes    WaLLoC latent channels d, one model each
     * @param steps          WaLLoC training steps per model
     * @param peakLr         WaLLoC's peak learning rate (its linear path trains at a tenth of it)
     * @param batchSize      crops per step
     * @param cropSize       crop side
     * @param jpegQualities  JPEG settings
     * @param waveletSteps   quantizer steps of the wavelet codec
     * @param classifierEpochs epochs of the digit classifier
     */
    record Settings(int[] latentSizes, int steps, double peakLr, int batchSize, int cropSize, int[] jpegQualities, double[] waveletSteps,
                    int classifierEpochs) {
        /**
         * The tour's default: two models of 1000 steps, about 0.05 s a step on 2 idle cores (under two
         * minutes the first time, then cached). The reference trains for tens of thousands of steps from a random
         * start; these start from the PCA codec ({@link Walloc#initializeLinear}) and are far from
         * converged, and the entry reports them as they are, next to that untrained PCA start.
         */
        static final Settings SHORT = new Settings(new int[] {3, 12}, 1000, 3e-3, 4, 64, new int[] {5, 10, 25, 50, 90},
                new double[] {0.8, 0.4, 0.2, 0.1, 0.05}, 20);
        /** {@code --full}. */
        static final Settings FULL = new Settings(new int[] {3, 6, 12, 24}, 3000, 3e-3, 8, 64, new int[] {5, 10, 25, 50, 75, 90},
                new double[] {0.8, 0.4, 0.2, 0.1, 0.05, 0.025}, 20);
    }

    /** One codec setting measured on the digits. */
    record DigitPoint(String family, String codec, double bpp, double accuracy, double psnr, double ssim, double msSsim) {
    }

    private final Settings forcedSettings;

    /** The entry as the tour runs it. */
    public CodecsTour() {
        this(null);
    }

    /** An entry that runs with {@code settings} whatever the context asks (for tests). */
    CodecsTour(Settings settings) {
        this.forcedSettings = settings;
    }

    @Override
    public String name() {
        return "codecs";
    }

    @Override
    public String description() {
        return "WaLLoC vs a wavelet codec vs JPEG: rate/quality on a photograph, machine accuracy on digits";
    }

    @Override
    public TourResult run(TourContext context) throws IOException {
        Settings s = forcedSettings != null ? forcedSettings : context.full() ? Settings.FULL : Settings.SHORT;
        List<TourResult.Metric> metrics = new ArrayList<>();
        boolean passed = true;

        // WaLLoC models, trained or restored.
        List<Tensor> photos = TRAINING_PHOTOS.stream().map(Images::photograph).toList();
        Map<String, List<Codec>> families = new LinkedHashMap<>();
        List<Codec> wallocs = new ArrayList<>();
        List<Codec> pcaStarts = new ArrayList<>();
        double trainSeconds = 0;
        boolean allCached = true;
        for (int d : s.latentSizes()) {
            WallocTraining.Settings training = new WallocTraining.Settings(s.steps(), s.batchSize(), s.cropSize(), s.peakLr(),
                    context.seed(), Math.max(1, s.steps() / 2));
            Walloc pca = Walloc.create(Walloc.Config.rgb(d), Generator.seeded(context.seed() + d));
            double kept = WallocTraining.initializeLinear(pca, photos, training);
            pca.eval();
            pcaStarts.add(WallocCodec.of(pca, String.format(Locale.ROOT, "PCA start d=%d", d)));
            Walloc model = Walloc.create(Walloc.Config.rgb(d), Generator.seeded(context.seed() + d));
            // v2: models with the linear skip path, trained from the PCA start (older caches hold other weights).
            Path dir = context.cacheDir().resolve("walloc").resolve("v2-d" + d + "-n" + s.steps() + "-b" + s.batchSize() + "-c"
                    + s.cropSize() + "-lr" + s.peakLr() + "-s" + context.seed());
            WallocTraining.Result r = WallocTraining.train(model, photos, training, dir);
            trainSeconds += r.seconds();
            allCached &= r.stepsRun() == 0;
            wallocs.add(WallocCodec.of(model, String.format(Locale.ROOT, "WaLLoC d=%d (DR %.0f)", d, model.config().dimensionReduction())));
            metrics.add(new TourResult.Metric("WaLLoC d=" + d + " training", String.format(Locale.ROOT, "loss %.5f", r.finalLoss()),
                    model.numParameters() + " parameters (encoder " + model.encoderParameters() + "), " + s.steps() + " steps of "
                            + s.batchSize() + " crops " + s.cropSize() + "x" + s.cropSize() + " from the PCA start (its "
                            + d + " directions keep " + String.format(Locale.ROOT, "%.2f%%", 100 * kept)
                            + " of the packet variance)" + (r.stepsRun() == 0 ? ", cached" : "")));
        }
        metrics.add(new TourResult.Metric("WaLLoC training time", format(trainSeconds, 1) + " s",
                allCached ? "recorded when trained; this run restored the cached weights" : "all models"));
        families.put("WaLLoC", wallocs);
        families.put("WaLLoC at PCA start", pcaStarts);
        families.put("wavelet", Arrays.stream(s.waveletSteps()).mapToObj(q -> (Codec) WaveletCodec.of(3, q)).toList());
        families.put("JPEG", Arrays.stream(s.jpegQualities()).mapToObj(q -> (Codec) JpegCodec.of(q)).toList());

        // 1. The held-out photograph.
        Tensor photo = Images.photograph(TEST_PHOTO);
        int pixels = photo.size(1) * photo.size(2);
        Map<String, List<double[]>> photoCurves = new LinkedHashMap<>();
        for (var family : families.entrySet()) {
            List<double[]> curve = new ArrayList<>();
            for (Codec codec : family.getValue()) {
                Codec.Coded c = codec.roundTrip(photo);
                double psnr = ImageQuality.psnr(photo, c.reconstruction(), 1);
                double ssim = ImageQuality.ssim(photo, c.reconstruction(), 1);
                double ms = ImageQuality.msSsim(photo, c.reconstruction(), 1);
                curve.add(new double[] {c.bitsPerPixel(), psnr, ms});
                String note = String.format(Locale.ROOT, "%d bytes, SSIM %.4f, MS-SSIM %.4f", c.bytes().length, ssim, ms);
                if (codec instanceof WallocCodec w) {
                    boolean exact = latentsRoundTrip(w, photo, c.bytes());
                    passed &= exact;
                    int png = w.latentMosaicPng(photo).length;
                    note += String.format(Locale.ROOT, "; latents as PNG mosaic %d bytes (ours %.0f%% of it)%s", png,
                            100.0 * c.bytes().length / png, exact ? "" : "; DECODED LATENTS DIFFER");
                }
                metrics.add(new TourResult.Metric(TEST_PHOTO + ": " + codec.name(),
                        String.format(Locale.ROOT, "%.3f bpp, %.2f dB", c.bitsPerPixel(), psnr), note));
            }
            photoCurves.put(family.getKey(), curve);
        }
        metrics.add(new TourResult.Metric(TEST_PHOTO + " size", photo.size(1) + " x " + photo.size(2),
                pixels + " pixels, held out from WaLLoC's training photographs " + TRAINING_PHOTOS));

        // 2. Machine perceptual quality on the digits.
        Dataset.Split split = Digits.load().stratifiedSplit(0.2, context.seed());
        MLP classifier = trainClassifier(split, s.classifierEpochs(), context);
        double clean = Metrics.accuracy(classifier, split.test(), 256);
        passed &= clean >= 0.9;
        List<Tensor> mosaics = mosaics(split.test().features());
        metrics.add(new TourResult.Metric("digits: clean accuracy", percent(clean), "MLP 64-256-256-10 on " + split.test().size()
                + " held-out digits, coded as " + mosaics.size() + " mosaics of " + MOSAIC_DIGITS + "x" + MOSAIC_DIGITS
                + " digits enlarged " + DIGIT_SCALE + "x"));
        List<DigitPoint> points = new ArrayList<>();
        for (var family : families.entrySet()) {
            for (Codec codec : family.getValue()) {
                DigitPoint p = digitPoint(family.getKey(), codec, mosaics, split.test(), classifier);
                points.add(p);
                metrics.add(new TourResult.Metric("digits: " + codec.name(), String.format(Locale.ROOT, "%.3f bpp, %s", p.bpp(),
                        percent(p.accuracy())), String.format(Locale.ROOT, "PSNR %.2f dB, SSIM %.4f, MS-SSIM %.4f",
                        p.psnr(), p.ssim(), p.msSsim())));
            }
        }
        String verdict = verdict(points, clean);
        metrics.add(new TourResult.Metric("digits: lowest rate keeping accuracy", verdict,
                "lowest bits per pixel at which each codec stays within " + percent(KEPT) + " of the clean accuracy"));

        List<Path> plots = new ArrayList<>();
        Path out = context.outputDir();
        plots.add(digitPlot(points, clean, "accuracy", DigitPoint::accuracy, out.resolve("codecs-digits-accuracy.png")));
        plots.add(digitPlot(points, Double.NaN, "PSNR (dB)", DigitPoint::psnr, out.resolve("codecs-digits-psnr.png")));
        plots.add(digitPlot(points, Double.NaN, "SSIM", DigitPoint::ssim, out.resolve("codecs-digits-ssim.png")));
        plots.add(digitPlot(points, Double.NaN, "MS-SSIM", DigitPoint::msSsim, out.resolve("codecs-digits-ms-ssim.png")));
        plots.add(photoPlot(photoCurves, 1, "PSNR (dB)", out.resolve("codecs-photo-psnr.png")));
        plots.add(photoPlot(photoCurves, 2, "MS-SSIM", out.resolve("codecs-photo-ms-ssim.png")));

        String summary = "digits: " + verdict + "; clean " + percent(clean) + (allCached ? " (cached WaLLoC weights)" : "")
                + (passed ? "" : "; A CHECK FAILED");
        return new TourResult(passed, summary, metrics, plots);
    }

    /** Whether decoding {@code bytes} gives back exactly the latent levels WaLLoC computes for {@code image}. */
    private static boolean latentsRoundTrip(WallocCodec codec, Tensor image, byte[] bytes) {
        return Arrays.equals(codec.latentLevels(image).toIntArray(), codec.decodeLevels(bytes).toIntArray());
    }

    private static MLP trainClassifier(Dataset.Split split, int epochs, TourContext context) {
        MLP model = MLP.of(new int[] {Digits.PIXELS, 256, 256, Digits.CLASSES}, ReLU::create, Generator.seeded(context.seed()));
        long steps = (long) epochs * Math.ceilDiv(split.train().size(), 64);
        Trainer.builder(model, AdamW.of(model.parameters(), AdamW.options(2e-3)))
                .loss((o, batch) -> Losses.crossEntropy(o, batch.labels()))
                .schedule(LrSchedule.warmupCosine(2e-3, 2e-5, Math.max(1, steps / 20), steps))
                .epochs(epochs).batchSize(64).seed(context.seed())
                .checkpoints(context.cacheDir().resolve("codecs").resolve("mlp-e" + epochs + "-s" + context.seed()), epochs)
                .keepCheckpoints(1).name("digit classifier")
                .build().fit(split.train());
        model.eval();
        return model;
    }

    /** Digits {@code [n, 64]} in [0, 1], enlarged and tiled into {@code [1, 256, 256]} mosaics (blank tiles after the last). */
    static List<Tensor> mosaics(Tensor features) {
        float[] f = features.to(DType.FLOAT32).contiguous().toFloatArray();
        int n = features.size(0);
        int tile = Digits.SIDE * DIGIT_SCALE;
        int side = tile * MOSAIC_DIGITS;
        int perMosaic = MOSAIC_DIGITS * MOSAIC_DIGITS;
        List<Tensor> out = new ArrayList<>();
        for (int m = 0; m * perMosaic < n; m++) {
            float[] v = new float[side * side];
            for (int k = 0; k < perMosaic && m * perMosaic + k < n; k++) {
                int digit = m * perMosaic + k;
                int top = (k / MOSAIC_DIGITS) * tile;
                int left = (k % MOSAIC_DIGITS) * tile;
                for (int y = 0; y < tile; y++) {
                    for (int x = 0; x < tile; x++) {
                        v[(top + y) * side + left + x] = f[digit * Digits.PIXELS + (y / DIGIT_SCALE) * Digits.SIDE + x / DIGIT_SCALE];
                    }
                }
            }
            out.add(Tensor.of(v, 1, side, side));
        }
        return out;
    }

    /** The inverse of {@link #mosaics}: {@code n} digits {@code [n, 64]}, each 4 x 4 block averaged. */
    static Tensor digits(List<Tensor> mosaics, int n) {
        int tile = Digits.SIDE * DIGIT_SCALE;
        int side = tile * MOSAIC_DIGITS;
        int perMosaic = MOSAIC_DIGITS * MOSAIC_DIGITS;
        float[] out = new float[n * Digits.PIXELS];
        for (int m = 0; m < mosaics.size(); m++) {
            float[] v = mosaics.get(m).to(DType.FLOAT32).contiguous().toFloatArray();
            for (int k = 0; k < perMosaic && m * perMosaic + k < n; k++) {
                int digit = m * perMosaic + k;
                int top = (k / MOSAIC_DIGITS) * tile;
                int left = (k % MOSAIC_DIGITS) * tile;
                for (int p = 0; p < Digits.PIXELS; p++) {
                    float sum = 0;
                    for (int dy = 0; dy < DIGIT_SCALE; dy++) {
                        for (int dx = 0; dx < DIGIT_SCALE; dx++) {
                            sum += v[(top + (p / Digits.SIDE) * DIGIT_SCALE + dy) * side + left + (p % Digits.SIDE) * DIGIT_SCALE + dx];
                        }
                    }
                    out[digit * Digits.PIXELS + p] = sum / (DIGIT_SCALE * DIGIT_SCALE);
                }
            }
        }
        return Tensor.of(out, n, Digits.PIXELS);
    }

    private static DigitPoint digitPoint(String family, Codec codec, List<Tensor> mosaics, Dataset test, MLP classifier) {
        long bytes = 0;
        double psnr = 0;
        double ssim = 0;
        double ms = 0;
        List<Tensor> decoded = new ArrayList<>();
        for (Tensor m : mosaics) {
            Codec.Coded c = codec.roundTrip(m);
            bytes += c.bytes().length;
            decoded.add(c.reconstruction());
            psnr += ImageQuality.psnr(m, c.reconstruction(), 1);
            ssim += ImageQuality.ssim(m, c.reconstruction(), 1);
            ms += ImageQuality.msSsim(m, c.reconstruction(), 1);
        }
        int k = mosaics.size();
        double bpp = Codec.bitsPerPixel(bytes, k * mosaics.getFirst().size(1), mosaics.getFirst().size(2));
        double accuracy;
        try (var g = Autograd.noGrad()) {
            accuracy = Metrics.accuracy(classifier.forward(digits(decoded, test.size())), test.labels());
        }
        return new DigitPoint(family, codec.name(), bpp, accuracy, psnr / k, ssim / k, ms / k);
    }

    /** For each family, the lowest rate whose accuracy is within {@link #KEPT} of clean; the family with the lowest first. */
    static String verdict(List<DigitPoint> points, double clean) {
        Map<String, Double> lowest = new LinkedHashMap<>();
        for (DigitPoint p : points) {
            if (p.accuracy() >= clean - KEPT) {
                lowest.merge(p.family(), p.bpp(), Math::min);
            }
        }
        if (lowest.isEmpty()) {
            return "no codec setting keeps the clean accuracy";
        }
        List<Map.Entry<String, Double>> sorted = lowest.entrySet().stream().sorted(Map.Entry.comparingByValue()).toList();
        StringBuilder b = new StringBuilder(sorted.getFirst().getKey() + " best");
        for (var e : sorted) {
            b.append(String.format(Locale.ROOT, ", %s %.3f bpp", e.getKey(), e.getValue()));
        }
        return b.toString();
    }

    private static Path digitPlot(List<DigitPoint> points, double baseline, String what, ToDoubleFunction<DigitPoint> value, Path file)
            throws IOException {
        XYChart chart = new XYChartBuilder().width(800).height(500).title("digits through codecs: " + what + " vs rate")
                .xAxisTitle("bits per pixel (32x32 digits)").yAxisTitle(what).build();
        chart.getStyler().setXAxisLogarithmic(true);
        Map<String, List<DigitPoint>> byFamily = new LinkedHashMap<>();
        for (DigitPoint p : points) {
            byFamily.computeIfAbsent(p.family(), k -> new ArrayList<>()).add(p);
        }
        double lo = Double.MAX_VALUE;
        double hi = 0;
        for (var e : byFamily.entrySet()) {
            List<DigitPoint> sorted = e.getValue().stream().sorted((a, b) -> Double.compare(a.bpp(), b.bpp())).toList();
            List<Double> x = sorted.stream().map(DigitPoint::bpp).toList();
            List<Double> y = sorted.stream().map(p -> finite(value.applyAsDouble(p))).toList();
            chart.addSeries(e.getKey(), x, y);
            lo = Math.min(lo, x.getFirst());
            hi = Math.max(hi, x.getLast());
        }
        if (!Double.isNaN(baseline)) {
            chart.addSeries("clean " + percent(baseline), List.of(lo, hi), List.of(baseline, baseline));
        }
        return save(chart, file);
    }

    private static Path photoPlot(Map<String, List<double[]>> curves, int column, String what, Path file) throws IOException {
        XYChart chart = new XYChartBuilder().width(800).height(500).title(TEST_PHOTO + ": " + what + " vs rate")
                .xAxisTitle("bits per pixel").yAxisTitle(what).build();
        chart.getStyler().setXAxisLogarithmic(true);
        for (var e : curves.entrySet()) {
            List<double[]> sorted = e.getValue().stream().sorted((a, b) -> Double.compare(a[0], b[0])).toList();
            chart.addSeries(e.getKey(), sorted.stream().map(p -> p[0]).toList(), sorted.stream().map(p -> finite(p[column])).toList());
        }
        return save(chart, file);
    }

    private static Path save(XYChart chart, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        return file;
    }

    /** A plot cannot show infinity (PSNR of a lossless result): cap it. */
    private static double finite(double v) {
        return Double.isFinite(v) ? v : 100;
    }

    private static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.1f%%", 100 * fraction);
    }

    private static String format(double value, int digits) {
        return String.format(Locale.ROOT, "%." + digits + "f", value);
    }
}
