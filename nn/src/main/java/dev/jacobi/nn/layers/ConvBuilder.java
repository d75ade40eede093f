package dev.jacobi.nn.layers;

import dev.jacobi.tensor.DType;
import dev.jacobi.tensor.Generator;

import java.util.Arrays;
import java.util.function.BiFunction;

/**
 * The settings of a convolution layer, as the keyword arguments of {@code torch.nn.Conv2d}: start from
 * {@link Conv1d#builder}, {@link Conv2d#builder} or {@link ConvTranspose2d#builder}, change what differs
 * from the defaults (stride 1, padding 0, dilation 1, groups 1, bias, float32, output padding 0) and
 * {@link #build} with a generator for the initial weights. Each spatial setting takes one value for all
 * spatial dimensions or one per dimension ({@code (h, w)} for 2-D).
 *
 * @param <L> the layer it builds
 */
public final class ConvBuilder<L> {
    final String layer;
    final int in;
    final int out;
    final int[] kernel;
    int[] stride;
    int[] padding;
    int[] dilation;
    int[] outputPadding;
    int groups = 1;
    boolean bias = true;
    DType dtype = DType.FLOAT32;
    private final BiFunction<ConvBuilder<L>, Generator, L> make;

    ConvBuilder(String layer, int in, int out, int[] kernel, BiFunction<ConvBuilder<L>, Generator, L> make) {
        this.layer = layer;
        this.in = in;
        this.out = out;
        this.kernel = kernel.clone();
        int d = kernel.length;
        this.stride = filled(d, 1);
        this.padding = filled(d, 0);
        this.dilation = filled(d, 1);
        this.outputPadding = filled(d, 0);
        this.make = make;
    }

    private static int[] filled(int n, int v) {
        int[] a = new int[n];
        Arrays.fill(a, v);
        return a;
    }

    private int[] perDim(String what, int[] values) {
        if (values.length == 1) {
            return filled(kernel.length, values[0]);
        }
        if (values.length != kernel.length) {
            throw new IllegalArgumentException(layer + ": " + what + " needs 1 or " + kernel.length + " values, got "
                    + Arrays.toString(values));
        }
        return values.clone();
    }

    /** Distance between window positions (default 1). */
    public ConvBuilder<L> stride(int... s) {
        stride = perDim("stride", s);
        return this;
    }

    /** Zeros added on both sides of each spatial dimension (default 0). */
    public ConvBuilder<L> padding(int... p) {
        padding = perDim("padding", p);
        return this;
    }

    /** Distance between kernel taps (default 1). */
    public ConvBuilder<L> dilation(int... d) {
        dilation = perDim("dilation", d);
        return this;
    }

    /** Extra rows/columns added at the end of a transposed convolution's output (default 0; below the stride). */
    public ConvBuilder<L> outputPadding(int... p) {
        outputPadding = perDim("outputPadding", p);
        return this;
    }

    /** Channel groups: input and output channels split into this many independent groups (default 1). */
    public ConvBuilder<L> groups(int g) {
        groups = g;
        return this;
    }

    /** Whether the layer has a bias (default true). */
    public ConvBuilder<L> bias(boolean b) {
        bias = b;
        return this;
    }

    /** The parameters' floating dtype (default float32). */
    public ConvBuilder<L> dtype(DType d) {
        dtype = d;
        return this;
    }

    /**
     * The layer, its weight and bias initialized as PyTorch's default from {@code gen}.
     *
     * @throws IllegalArgumentException when a setting is out of range or the channels do not divide by groups
     */
    public L build(Generator gen) {
        check();
        return make.apply(this, gen);
    }

    private void check() {
        StringBuilder bad = new StringBuilder();
        if (in < 1 || out < 1 || groups < 1 || in % groups != 0 || out % groups != 0) {
            bad.append("in=").append(in).append(" and out=").append(out).append(" must be positive multiples of groups=")
                    .append(groups).append("; ");
        }
        for (int i = 0; i < kernel.length; i++) {
            if (kernel[i] < 1 || stride[i] < 1 || dilation[i] < 1 || padding[i] < 0 || outputPadding[i] < 0) {
                bad.append("kernel, stride and dilation must be >= 1 and padding >= 0, got kernel=").append(Arrays.toString(kernel))
                        .append(", stride=").append(Arrays.toString(stride)).append(", dilation=").append(Arrays.toString(dilation))
                        .append(", padding=").append(Arrays.toString(padding)).append("; ");
                break;
            }
            if (outputPadding[i] >= stride[i]) {
                bad.append("output padding ").append(Arrays.toString(outputPadding)).append(" must be below the stride ")
                        .append(Arrays.toString(stride)).append("; ");
                break;
            }
        }
        if (!dtype.isInexact()) {
            bad.append("dtype must be floating, got ").append(dtype).append("; ");
        }
        if (!bad.isEmpty()) {
            throw new IllegalArgumentException(layer + ": " + bad.substring(0, bad.length() - 2));
        }
    }

    /** An immutable copy of the settings, for the layer to keep. */
    ConvSettings settings(boolean transposed) {
        return new ConvSettings(in, out, kernel.clone(), stride.clone(), padding.clone(), dilation.clone(),
                outputPadding.clone(), groups, bias, layer + "(" + describe(transposed) + ")");
    }

    /** The settings as PyTorch prints them, for toString and errors. */
    private String describe(boolean transposed) {
        StringBuilder sb = new StringBuilder().append(in).append(", ").append(out).append(", kernel=").append(Arrays.toString(kernel));
        if (Arrays.stream(stride).anyMatch(s -> s != 1)) {
            sb.append(", stride=").append(Arrays.toString(stride));
        }
        if (Arrays.stream(padding).anyMatch(s -> s != 0)) {
            sb.append(", padding=").append(Arrays.toString(padding));
        }
        if (Arrays.stream(dilation).anyMatch(s -> s != 1)) {
            sb.append(", dilation=").append(Arrays.toString(dilation));
        }
        if (transposed && Arrays.stream(outputPadding).anyMatch(s -> s != 0)) {
            sb.append(", outputPadding=").append(Arrays.toString(outputPadding));
        }
        if (groups != 1) {
            sb.append(", groups=").append(groups);
        }
        if (!bias) {
            sb.append(", bias=false");
        }
        return sb.toString();
    }
}
