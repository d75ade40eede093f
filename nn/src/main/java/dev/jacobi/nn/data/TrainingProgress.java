package dev.jacobi.nn.data;

import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

import java.io.Console;
import java.time.temporal.ChronoUnit;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A progress bar for training loops, showing steps done, rate, ETA and the latest loss, drawn by
 * <a href="https://github.com/ctongfei/progressbar">me.tongfei:progressbar</a> on standard error.
 *
 * <pre>{@code
 * try (var progress = TrainingProgress.start("epoch 3", batches.count())) {
 *     for (Dataset batch : batches) {
 *         double loss = step(batch);
 *         progress.step(loss);
 *     }
 * }
 * }</pre>
 *
 * <p><b>Where it draws.</b> On a terminal the bar redraws itself in place several times a second. When
 * standard error is not a terminal (a CI log, a file, a pipe), redrawing would add a line (or a
 * carriage return) every update, so the bar is written as plain ASCII only at a few milestones
 * ({@value #LOG_LINES} by default: 25%, 50%, 75%, 100%) and when it closes. {@link Output#QUIET} draws
 * nothing. {@link Output#AUTO} chooses between terminal and log by {@link Console#isTerminal()}; the
 * system property {@value #OUTPUT_PROPERTY} ({@code terminal}, {@code log} or {@code quiet}) overrides
 * that choice, to silence or force the bar without changing code.
 */
public final class TrainingProgress implements AutoCloseable {
    /** System property that overrides {@link Output#AUTO}: {@code terminal}, {@code log} or {@code quiet}. */
    public static final String OUTPUT_PROPERTY = "jacobi.progress";
    /** Lines a log-style bar writes over a whole run, evenly spaced in progress (plus one when closed early). */
    public static final int LOG_LINES = 4;

    /** How much terminal width a log-style line may take. */
    private static final int LOG_WIDTH = 100;
    private static final int TERMINAL_UPDATE_MILLIS = 250;
    private static final int LOG_UPDATE_MILLIS = 1000;

    /** Where and how the bar is drawn. */
    public enum Output {
        /** {@link #TERMINAL} when standard error is a terminal, else {@link #LOG}; see {@link TrainingProgress#OUTPUT_PROPERTY}. */
        AUTO,
        /** A bar redrawn in place on standard error. */
        TERMINAL,
        /** A few plain ASCII lines on standard error, for logs that are not a terminal. */
        LOG,
        /** Nothing at all. */
        QUIET
    }

    /** Null when quiet. */
    private final ProgressBar bar;
    private final MilestoneLines lines;
    private long current;

    private TrainingProgress(ProgressBar bar, MilestoneLines lines) {
        this.bar = bar;
        this.lines = lines;
    }

    /** A bar for {@code total} steps with {@link Output#AUTO} output. */
    public static TrainingProgress start(String task, long total) {
        return start(task, total, Output.AUTO);
    }

    /**
     * A bar for {@code total} steps.
     *
     * @param task  shown before the bar, e.g. {@code "epoch 3"}
     * @param total the number of steps expected; 0 or less for an unknown number (then no ETA is shown)
     * @throws IllegalArgumentException when {@value #OUTPUT_PROPERTY} holds an unknown value
     */
    public static TrainingProgress start(String task, long total, Output output) {
        Objects.requireNonNull(task, "TrainingProgress.start: task is null");
        return switch (resolve(output)) {
            case QUIET -> new TrainingProgress(null, null);
            case TERMINAL -> new TrainingProgress(builder(task, total)
                    .setUpdateIntervalMillis(TERMINAL_UPDATE_MILLIS)
                    .build(), null);
            case LOG -> toLines(task, total, LOG_LINES, LOG_UPDATE_MILLIS, System.err::println);
            case AUTO -> throw new AssertionError("resolve never returns AUTO");
        };
    }

    /**
     * A log-style bar whose lines go to {@code sink} (a logger, a test) instead of standard error: one
     * line each time progress passes {@code k / lineCount} of {@code total} (k = 1 .. lineCount; a line
     * is checked for every {@code updateMillis}), and one when it is closed before the end.
     *
     * @throws IllegalArgumentException when {@code lineCount < 1} or {@code updateMillis < 1}
     */
    public static TrainingProgress toLines(String task, long total, int lineCount, int updateMillis, Consumer<String> sink) {
        Objects.requireNonNull(task, "TrainingProgress.toLines: task is null");
        Objects.requireNonNull(sink, "TrainingProgress.toLines: sink is null");
        if (lineCount < 1 || updateMillis < 1) {
            throw new IllegalArgumentException("TrainingProgress.toLines: needs lineCount >= 1 and updateMillis >= 1, got "
                    + lineCount + " and " + updateMillis);
        }
        MilestoneLines lines = new MilestoneLines(sink, lineCount, total);
        ProgressBar bar = builder(task, total)
                .setStyle(ProgressBarStyle.ASCII)
                .setUpdateIntervalMillis(updateMillis)
                .setConsumer(lines)
                .build();
        lines.attach(bar);
        return new TrainingProgress(bar, lines);
    }

    /** The output {@code output} stands for here: AUTO becomes TERMINAL, LOG or QUIET. */
    static Output resolve(Output output) {
        if (output != Output.AUTO) {
            return output;
        }
        String forced = System.getProperty(OUTPUT_PROPERTY);
        if (forced != null && !forced.isBlank()) {
            return switch (forced.strip().toLowerCase(Locale.ROOT)) {
                case "terminal" -> Output.TERMINAL;
                case "log" -> Output.LOG;
                case "quiet" -> Output.QUIET;
                default -> throw new IllegalArgumentException("TrainingProgress: system property " + OUTPUT_PROPERTY
                        + " is '" + forced + "', expected terminal, log or quiet");
            };
        }
        // Since JDK 22 System.console() may be non-null with no terminal attached; isTerminal() tells.
        Console console = System.console();
        return console != null && console.isTerminal() ? Output.TERMINAL : Output.LOG;
    }

    private static ProgressBarBuilder builder(String task, long total) {
        return new ProgressBarBuilder()
                .setTaskName(task)
                .setInitialMax(Math.max(total, -1))
                .setUnit(" steps", 1)
                .showSpeed()
                .setSpeedUnit(ChronoUnit.SECONDS);
    }

    /** One step done, after which the loss was {@code loss}. */
    public void step(double loss) {
        stepBy(1, loss);
    }

    /**
     * {@code steps} steps done, after which the loss was {@code loss} (shown as {@code loss 0.1234}).
     *
     * @throws IllegalArgumentException when {@code steps} is negative
     */
    public void stepBy(long steps, double loss) {
        if (steps < 0) {
            throw new IllegalArgumentException("TrainingProgress.stepBy: steps must be >= 0, got " + steps);
        }
        current += steps;
        if (bar != null) {
            bar.setExtraMessage(String.format(Locale.ROOT, " loss %.4g", loss));
            bar.stepBy(steps);
        }
    }

    /** The number of steps done so far. */
    public long current() {
        return current;
    }

    /** Draws the final state (a last line in log style, unless the last milestone already showed it) and stops. */
    @Override
    public void close() {
        if (bar != null) {
            if (lines != null) {
                lines.closing();
            }
            bar.close();
        }
    }

    /**
     * Receives the bar's rendering at every update and passes it on only when progress has crossed the
     * next milestone, or once when the bar closes at a count not yet shown.
     */
    private static final class MilestoneLines implements ProgressBarConsumer {
        private final Consumer<String> sink;
        private final int lineCount;
        private final long total;
        /** Set once the bar is built; renderings before that show nothing. */
        private volatile ProgressBar bar;
        private int milestonesShown;
        private long lastShownAt = -1;
        private boolean closing;

        MilestoneLines(Consumer<String> sink, int lineCount, long total) {
            this.sink = sink;
            this.lineCount = lineCount;
            this.total = total;
        }

        void attach(ProgressBar bar) {
            this.bar = bar;
        }

        /** Called just before the bar's final rendering. */
        synchronized void closing() {
            closing = true;
        }

        @Override
        public int getMaxRenderedLength() {
            return LOG_WIDTH;
        }

        @Override
        public synchronized void accept(String rendered) {
            ProgressBar b = bar;
            if (b == null) {
                return;
            }
            long at = shownCount(rendered, b);
            int milestone = total > 0 ? (int) Math.min(lineCount, at * lineCount / total) : 0;
            if (milestone > milestonesShown || (closing && at != lastShownAt && at == b.getCurrent())) {
                milestonesShown = Math.max(milestonesShown, milestone);
                lastShownAt = at;
                sink.accept(rendered.strip());
            }
        }

        /**
         * The count a rendering shows. The bar renders on its own thread, so a rendering made before the
         * last steps can arrive after them (even after close): the count is read from the text, not from
         * the bar, so that a stale rendering never passes for the final state.
         */
        private long shownCount(String rendered, ProgressBar b) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)/" + total + "\\b").matcher(rendered);
            return m.find() ? Long.parseLong(m.group(1)) : b.getCurrent();
        }

        @Override
        public void close() {
            // The sink belongs to the caller.
        }
    }
}
