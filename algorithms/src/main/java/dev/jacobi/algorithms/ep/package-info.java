/**
 * Holomorphic equilibrium propagation (A. Laborieux and F. Zenke, "Holomorphic Equilibrium Propagation
 * Computes Exact Gradients Through Finite Size Oscillations", NeurIPS 2022, arXiv 2209.00530) and its
 * generalisation to networks with independent feedback weights plus Jacobian homeostasis ("Improving
 * equilibrium propagation without weight symmetry through Jacobian homeostasis", ICLR 2024,
 * arXiv 2309.02214).
 *
 * <p>Entry points:
 * <ul>
 *   <li>{@link dev.jacobi.algorithms.ep.Cauchy#derivativeAtZero}: the N-point Cauchy estimate of
 *       {@code f'(0)} for any {@code UnaryOperator<Complex>}, and its conjugate-pair shortcut;</li>
 *   <li>{@link dev.jacobi.algorithms.ep.EpNetwork}: MLPs and small convnets (3x3 convolutions with
 *       2x2 softmax pooling) with feedforward and feedback weights, holomorphic
 *       {@link dev.jacobi.algorithms.ep.Activation}s, and the asymmetry knob;</li>
 *   <li>{@link dev.jacobi.algorithms.ep.Relaxer}: the discrete dynamics in real or complex arithmetic,
 *       by tensor ops or by the fused re/im-plane kernels of {@link dev.jacobi.algorithms.ep.PlaneRelaxer};</li>
 *   <li>{@link dev.jacobi.algorithms.ep.EpGradients} with a {@link dev.jacobi.algorithms.ep.GradientMethod}:
 *       classic EP, hEP, online hEP, and the baselines (backprop through the relaxation, recurrent
 *       backprop, exact {@code ds*}/{@code d beta} by forward mode);</li>
 *   <li>{@link dev.jacobi.algorithms.ep.Homeostasis} and {@link dev.jacobi.algorithms.ep.SymmetryMonitor};</li>
 *   <li>{@link dev.jacobi.algorithms.ep.EpTrainer}: training with an {@code nn} optimizer.</li>
 * </ul>
 */
package dev.jacobi.algorithms.ep;
