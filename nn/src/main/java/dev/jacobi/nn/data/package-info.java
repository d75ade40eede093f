/**
 * Data and training utilities: in-memory datasets and their seeded splits ({@link
 * dev.jacobi.nn.data.Dataset}), seeded shuffled mini-batches ({@link dev.jacobi.nn.data.Batches}), the
 * 8x8 handwritten digits bundled with this module ({@link dev.jacobi.nn.data.Digits}), a training
 * progress bar that stays quiet in logs ({@link dev.jacobi.nn.data.TrainingProgress}) and atomic
 * safetensors checkpoints ({@link dev.jacobi.nn.data.Checkpoints}).
 *
 * <p>Everything random takes a seed (or a {@link dev.jacobi.tensor.Generator}) and gives the same
 * result for the same seed on every machine.
 */
package dev.jacobi.nn.data;
