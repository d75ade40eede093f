/**
 * Training loops: {@link dev.jacobi.nn.train.Trainer} (seeded shuffling, progress bar, gradient
 * clipping, learning-rate schedules, checkpoints and bit-exact resume, one {@code Scope} per step so
 * memory stays flat), {@link dev.jacobi.nn.train.TrainingHistory} and {@link dev.jacobi.nn.train.Metrics}.
 */
package dev.jacobi.nn.train;
