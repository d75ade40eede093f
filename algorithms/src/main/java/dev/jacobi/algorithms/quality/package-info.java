/**
 * Full-reference image-quality metrics: PSNR, SSIM and MS-SSIM ({@link dev.jacobi.algorithms.quality.ImageQuality}).
 *
 * <p>SSIM follows Wang, Bovik, Sheikh and Simoncelli, "Image quality assessment: from error visibility to
 * structural similarity", IEEE TIP 13(4), 2004, with the Gaussian window of that paper, and equals
 * scikit-image's {@code structural_similarity(gaussian_weights=True, use_sample_covariance=False,
 * sigma=1.5)}. MS-SSIM follows Wang, Simoncelli and Bovik, "Multi-scale structural similarity for image
 * quality assessment", Asilomar 2003, in the convention of the {@code piq} library, which the machine
 * perceptual quality paper (Jacobellis, Cummings and Yadwadkar, arXiv 2401.07957) and WaLLoC report.
 */
package dev.jacobi.algorithms.quality;
