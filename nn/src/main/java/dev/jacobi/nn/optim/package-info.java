/**
 * Optimizers with the update rules of {@code torch.optim}: {@link dev.jacobi.nn.optim.SGD} (momentum,
 * dampening, Nesterov, weight decay), {@link dev.jacobi.nn.optim.Adam} (coupled L2 weight decay) and
 * {@link dev.jacobi.nn.optim.AdamW} (decoupled weight decay), both with bias correction and optional
 * AMSGrad; parameter groups; checkpointable state ({@link dev.jacobi.nn.optim.Optimizer#stateDict()}).
 * Also gradient clipping ({@link dev.jacobi.nn.optim.GradClip}) and learning-rate schedules
 * ({@link dev.jacobi.nn.optim.LrSchedule}, applied each step by {@link dev.jacobi.nn.optim.LrScheduler}).
 *
 * <p>Updates change the parameters in place, outside autograd. Contiguous float32 and float64 parameters
 * are updated by one fused loop per optimizer (SIMD where available) that reads and writes each
 * parameter, gradient and state element once; other parameters, and optimizers made with
 * {@code fused = false}, take a plain path written with tensor ops.
 */
package dev.jacobi.nn.optim;
