package dev.jacobi.algorithms.flow;

import dev.jacobi.tensor.DType;

/**
 * The shape of a TarFlow model ({@code Model(in_channels, img_size, patch_size, channels, num_blocks,
 * layers_per_block, head_dim, expansion, nvp=True, num_classes)} of the reference).
 *
 * @param imageChannels  image channels C (3 for RGB)
 * @param imageSize      image height = width
 * @param patchSize      patch size P; the sequence has {@code T = (imageSize/P)²} tokens of {@code D = C P²}
 * @param width          transformer width Ch
 * @param blocks         flow blocks K
 * @param layersPerBlock transformer layers L per flow block
 * @param headDim        attention head size (64 in the paper models); {@code width / headDim} heads
 * @param expansion      MLP width factor (4)
 * @param numClasses     class-conditional when positive (a {@code class_embed} table), else unconditional
 * @param dtype          parameter dtype (float32; float64 for exactness tests)
 */
public record TarFlowConfig(int imageChannels, int imageSize, int patchSize, int width, int blocks, int layersPerBlock,
                            int headDim, int expansion, int numClasses, DType dtype) {
    /** Checks that the sizes fit together. */
    public TarFlowConfig {
        if (imageChannels <= 0 || imageSize <= 0 || patchSize <= 0 || imageSize % patchSize != 0 || width <= 0
                || blocks <= 0 || layersPerBlock <= 0 || headDim <= 0 || width % headDim != 0 || expansion <= 0
                || numClasses < 0 || dtype == null || !dtype.isInexact()) {
            throw new IllegalArgumentException("TarFlowConfig: sizes do not fit: channels=" + imageChannels + ", imageSize="
                    + imageSize + ", patchSize=" + patchSize + ", width=" + width + ", blocks=" + blocks + ", layersPerBlock="
                    + layersPerBlock + ", headDim=" + headDim + ", expansion=" + expansion + ", numClasses=" + numClasses
                    + ", dtype=" + dtype + " (need positive sizes, P | imageSize, headDim | width, a floating dtype)");
        }
    }

    /** An unconditional float32 model with head size 64 and MLP expansion 4. */
    public static TarFlowConfig of(int imageChannels, int imageSize, int patchSize, int width, int blocks, int layersPerBlock) {
        return new TarFlowConfig(imageChannels, imageSize, patchSize, width, blocks, layersPerBlock, 64, 4, 0, DType.FLOAT32);
    }

    /** This configuration with another head size. */
    public TarFlowConfig withHeadDim(int newHeadDim) {
        return new TarFlowConfig(imageChannels, imageSize, patchSize, width, blocks, layersPerBlock, newHeadDim, expansion,
                numClasses, dtype);
    }

    /** This configuration with {@code classes} classes (0: unconditional). */
    public TarFlowConfig withClasses(int classes) {
        return new TarFlowConfig(imageChannels, imageSize, patchSize, width, blocks, layersPerBlock, headDim, expansion,
                classes, dtype);
    }

    /** This configuration with parameters of another dtype. */
    public TarFlowConfig withDType(DType newDType) {
        return new TarFlowConfig(imageChannels, imageSize, patchSize, width, blocks, layersPerBlock, headDim, expansion,
                numClasses, newDType);
    }

    /** Sequence length T. */
    public int tokens() {
        int side = imageSize / patchSize;
        return side * side;
    }

    /** Token size D = C P². */
    public int tokenSize() {
        return imageChannels * patchSize * patchSize;
    }

    /** Attention heads per layer. */
    public int heads() {
        return width / headDim;
    }
}
