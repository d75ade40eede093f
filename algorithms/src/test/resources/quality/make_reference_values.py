#!/usr/bin/python3
"""Reference SSIM / MS-SSIM / PSNR values for ImageQualityReferenceTest.

Run with Debian's python3-skimage (0.19): /usr/bin/python3 make_reference_values.py
Writes reference_values.txt beside this script: one line per case,
"<case> <metric> <value>" with the value printed to 17 significant digits.

The test images are made by a formula that the Java test repeats exactly (integer hash noise plus
smooth patterns), so no image files are needed.  SSIM comes from scikit-image's
structural_similarity(gaussian_weights=True, use_sample_covariance=False, sigma=1.5).  scikit-image
has no MS-SSIM, so MS-SSIM comes from the independent numpy implementation below, written from the
piq convention (Wang et al. 2003 weights, replicate pad top/left when a side is odd, 2x2 mean pool,
valid Gaussian filtering, relu(cs)^w products, mean over channels).
"""
import os
import numpy as np
from skimage.metrics import structural_similarity, peak_signal_noise_ratio

M32 = 0xFFFFFFFF


def hash01(k, seed):
    """murmur3's fmix32 of k * golden + seed, top 24 bits as a float in [0, 1)."""
    x = (k * 0x9E3779B1 + seed * 0x632BE5AB) & M32
    x ^= x >> 16
    x = (x * 0x85EBCA6B) & M32
    x ^= x >> 13
    x = (x * 0xC2B2AE35) & M32
    x ^= x >> 16
    return (x >> 8) / float(1 << 24)


def image(c, h, w, seed, noise):
    """[c, h, w] float64: smooth pattern plus hash noise, in [0, 1]."""
    out = np.empty((c, h, w))
    for ch in range(c):
        for i in range(h):
            for j in range(w):
                k = (ch * h + i) * w + j
                smooth = 0.5 + 0.25 * np.sin(i / 7.0 + ch) * np.cos(j / 11.0)
                out[ch, i, j] = min(1.0, max(0.0, smooth + noise * (hash01(k, seed) - 0.5)))
    return out


def gaussian_taps(sigma=1.5, radius=5):
    k = np.arange(-radius, radius + 1, dtype=np.float64)
    g = np.exp(-k * k / (2 * sigma * sigma))
    return g / g.sum()


def valid_filter(x):
    g = gaussian_taps()
    n = len(g)
    h, w = x.shape
    rows = np.zeros((h, w - n + 1))
    for t in range(n):
        rows += g[t] * x[:, t:t + w - n + 1]
    out = np.zeros((h - n + 1, w - n + 1))
    for t in range(n):
        out += g[t] * rows[t:t + h - n + 1, :]
    return out


def ssim_and_cs(x, y):
    c1, c2 = 0.01 ** 2, 0.03 ** 2
    mx, my = valid_filter(x), valid_filter(y)
    vx = valid_filter(x * x) - mx * mx
    vy = valid_filter(y * y) - my * my
    vxy = valid_filter(x * y) - mx * my
    cs = (2 * vxy + c2) / (vx + vy + c2)
    lum = (2 * mx * my + c1) / (mx * mx + my * my + c1)
    return (lum * cs).mean(), cs.mean()


def halve(x):
    h, w = x.shape
    if h % 2 or w % 2:
        x = np.concatenate([x[:1, :], x], axis=0)
        x = np.concatenate([x[:, :1], x], axis=1)
        h, w = h + 1, w + 1
    x = x[:h // 2 * 2, :w // 2 * 2]
    return 0.25 * (x[0::2, 0::2] + x[1::2, 0::2] + x[0::2, 1::2] + x[1::2, 1::2])


def ms_ssim(a, b, data_range):
    weights = [0.0448, 0.2856, 0.3001, 0.2363, 0.1333]
    values = []
    for ch in range(a.shape[0]):
        x, y = a[ch] / data_range, b[ch] / data_range
        prod = 1.0
        for s, wgt in enumerate(weights):
            if s > 0:
                x, y = halve(x), halve(y)
            ssim, cs = ssim_and_cs(x, y)
            prod *= max(cs if s < 4 else ssim, 0.0) ** wgt
        values.append(prod)
    return float(np.mean(values))


CASES = [
    # name, channels, height, width, noise of a, seed of b's extra noise, amount of b's extra noise, data range
    ("grey32", 1, 32, 32, 0.3, 11, 0.2, 1.0),
    ("grey23x41", 1, 23, 41, 0.1, 12, 0.4, 1.0),
    ("rgb40x33", 3, 40, 33, 0.2, 13, 0.1, 1.0),
    ("grey176", 1, 176, 176, 0.2, 14, 0.15, 1.0),
    ("rgb161x170", 3, 161, 170, 0.3, 15, 0.25, 1.0),
    ("rgb170x163range255", 3, 170, 163, 0.3, 16, 0.05, 255.0),
]


def main():
    lines = []
    for name, c, h, w, noise, seed_b, noise_b, rng in CASES:
        a = image(c, h, w, 1, noise)
        # hash noise in [-0.5, 0.5) (the smooth part cancels except where clipping to [0, 1] bites)
        extra = image(c, h, w, seed_b, 1.0) - image(c, h, w, seed_b, 0.0)
        b = np.clip(a + noise_b * extra, 0.0, 1.0)
        a, b = a * rng, b * rng
        if c == 1:
            s = structural_similarity(a[0], b[0], gaussian_weights=True, use_sample_covariance=False,
                                      sigma=1.5, data_range=rng)
        else:
            s = structural_similarity(a, b, gaussian_weights=True, use_sample_covariance=False,
                                      sigma=1.5, data_range=rng, channel_axis=0)
        mine = np.mean([ssim_and_cs(a[ch] / rng, b[ch] / rng)[0] for ch in range(c)])
        assert abs(mine - s) < 1e-12, (name, mine, s)  # the numpy SSIM agrees with skimage's
        lines.append("%s ssim %.17g" % (name, s))
        lines.append("%s psnr %.17g" % (name, peak_signal_noise_ratio(a, b, data_range=rng)))
        if min(h, w) >= 161:
            lines.append("%s msssim %.17g" % (name, ms_ssim(a, b, rng)))
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "reference_values.txt")
    with open(path, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
