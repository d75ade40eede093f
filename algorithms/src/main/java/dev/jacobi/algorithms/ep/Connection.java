package dev.jacobi.algorithms.ep;

import dev.jacobi.tensor.Tensor;

/**
 * How layer {@code l - 1} drives layer {@code l}: the feedforward map {@code f(s_{l-1}; W) + b} and, in
 * the other direction, the feedback {@code d/ds_{l-1} <s_l, f(s_{l-1}; B)>} of an independent copy
 * {@code B} of the weights (no bias). With {@code B = W} the feedback is the energy gradient, so the
 * vector field is the gradient of {@code Phi = sum_l <s_l, f(s_{l-1}) + b_l>} and its Jacobian is
 * symmetric. States are flat {@code [batch, size]} tensors, real or complex; weights are real.
 */
public sealed interface Connection permits Connection.Dense, Connection.ConvPool {
    /** Shape of the weight {@code W} (and of the feedback {@code B}, stored in the same layout). */
    int[] weightShape();

    /** Shape of the bias. */
    int[] biasShape();

    /** Number of units feeding in (the flat size of layer {@code l - 1}). */
    int inputSize();

    /** Number of units of layer {@code l}. */
    int outputSize();

    /** {@code f(s; W) + b}: {@code [batch, inputSize]} to {@code [batch, outputSize]}. */
    Tensor forward(Tensor s, Tensor weight, Tensor bias);

    /**
     * The feedback into layer {@code l - 1}: the vector-Jacobian product of {@code s -> f(s; B)} at
     * {@code sBelow} with {@code sAbove}, {@code [batch, inputSize]}.
     */
    Tensor feedback(Tensor sBelow, Tensor sAbove, Tensor feedbackWeight);

    /**
     * A fully connected connection {@code s W^T + b}; its feedback is {@code s_above B} (B in W's
     * {@code [out, in]} layout, so tied feedback is B = W, i.e. the matrix {@code W^T} of the papers).
     *
     * @param in  units below
     * @param out units above
     */
    record Dense(int in, int out) implements Connection {
        public Dense {
            if (in <= 0 || out <= 0) {
                throw new IllegalArgumentException("Connection.Dense: sizes must be positive, got " + in + " -> " + out);
            }
        }

        @Override
        public int[] weightShape() {
            return new int[] {out, in};
        }

        @Override
        public int[] biasShape() {
            return new int[] {out};
        }

        @Override
        public int inputSize() {
            return in;
        }

        @Override
        public int outputSize() {
            return out;
        }

        @Override
        public Tensor forward(Tensor s, Tensor weight, Tensor bias) {
            return s.matmul(weight.mT()).add(bias);
        }

        @Override
        public Tensor feedback(Tensor sBelow, Tensor sAbove, Tensor feedbackWeight) {
            return sAbove.matmul(feedbackWeight);
        }
    }

    /**
     * A 3x3 convolution (stride 1, zero padding 1) followed by 2x2 softmax pooling
     * {@code sum v e^v / sum e^v} over each window, plus a per-channel bias. The feedback is the
     * adjoint: the VJP through the pooling (which depends on the state below: the map is not
     * linear) and the transposed convolution.
     *
     * @param channelsIn  channels below
     * @param channelsOut channels above
     * @param height      image height below (even)
     * @param width       image width below (even)
     */
    record ConvPool(int channelsIn, int channelsOut, int height, int width) implements Connection {
        private static final int[] KERNEL = {3, 3};
        private static final int[] ONES = {1, 1};

        public ConvPool {
            if (channelsIn <= 0 || channelsOut <= 0 || height < 2 || width < 2 || height % 2 != 0 || width % 2 != 0) {
                throw new IllegalArgumentException("Connection.ConvPool: need positive channels and even sizes, got "
                        + channelsIn + " -> " + channelsOut + " channels on " + height + "x" + width);
            }
        }

        @Override
        public int[] weightShape() {
            return new int[] {channelsOut, channelsIn, 3, 3};
        }

        @Override
        public int[] biasShape() {
            return new int[] {channelsOut};
        }

        @Override
        public int inputSize() {
            return channelsIn * height * width;
        }

        @Override
        public int outputSize() {
            return channelsOut * (height / 2) * (width / 2);
        }

        @Override
        public Tensor forward(Tensor s, Tensor weight, Tensor bias) {
            int batch = s.size(0);
            Tensor pooled = windowWeights(convolve(s, weight))[2].reshape(batch, channelsOut, height / 2, width / 2);
            return pooled.add(bias.reshape(channelsOut, 1, 1)).reshape(batch, outputSize());
        }

        @Override
        public Tensor feedback(Tensor sBelow, Tensor sAbove, Tensor feedbackWeight) {
            int batch = sBelow.size(0);
            Tensor conv = convolve(sBelow, feedbackWeight);
            Tensor g = sAbove.reshape(batch, channelsOut, height / 2, 1, width / 2, 1);
            Tensor[] window = windowWeights(conv);
            // d pool / d v_j = w_j (1 + v_j - pool): the derivative of sum v e^v / sum e^v
            Tensor v6 = window[0];
            Tensor gConv = g.mul(window[1]).mul(v6.sub(window[2]).add(1)).reshape(batch, channelsOut, height * width);
            Tensor cols = feedbackWeight.reshape(channelsOut, channelsIn * 9).mT().matmul(gConv);
            return cols.col2im(new int[] {height, width}, KERNEL, ONES, ONES, ONES).reshape(batch, inputSize());
        }

        /** [batch, channelsIn * H * W] to the convolution [batch, channelsOut, H * W]. */
        private Tensor convolve(Tensor s, Tensor weight) {
            Tensor cols = s.reshape(s.size(0), channelsIn, height, width).im2col(KERNEL, ONES, ONES, ONES);
            return weight.reshape(channelsOut, channelsIn * 9).matmul(cols);
        }

        /**
         * The map as 2x2 windows {@code v6 [batch, C, H/2, 2, W/2, 2]}, the normalised softmax weights of
         * each window and the pooled value (keeping the window dimensions).
         */
        private Tensor[] windowWeights(Tensor conv) {
            Tensor v6 = conv.reshape(conv.size(0), channelsOut, height / 2, 2, width / 2, 2);
            // Softmax is shift invariant: subtracting the (constant) largest real part keeps exp finite.
            Tensor shift = (v6.dtype().isComplex() ? v6.real() : v6).detach().max(new int[] {3, 5}, true);
            Tensor e = v6.sub(shift).exp();
            Tensor w = e.div(e.sum(new int[] {3, 5}, true));
            Tensor pooled = v6.mul(w).sum(new int[] {3, 5}, true);
            return new Tensor[] {v6, w, pooled};
        }
    }
}
