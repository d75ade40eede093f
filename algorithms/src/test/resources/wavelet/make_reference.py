#!/usr/bin/python3
"""Writes reference.npz and reference_index.txt: PyWavelets results for the Java wavelet tests (Debian's python3-pywt 1.1.1).

Run from this directory:  /usr/bin/python3 make_reference.py

Inputs are not stored: both sides make them with splitmix64 (signal(seed, n) below), so the files hold
only results. Keys (one line each in the index, with the offset and shape of the case in 'values'):
  dwt/<wavelet>/<mode>/<N>          concat(cA, cD) of pywt.dwt(signal(N * 1000 + 1, N))
  idwt/<wavelet>/<mode>/<n>         pywt.idwt(signal(n * 1000 + 2, n), signal(n * 1000 + 3, n))
  wavedec/<wavelet>/<mode>/<N>/<J>  concat of pywt.wavedec(signal(N * 1000 + 1, N), level=J)
  dwtn/<wavelet>/<mode>/<shape>/<axes>   the bands of dwtn over those axes, stacked in key order
  wp/<wavelet>/<mode>/<N>/<J>/<order>    WaveletPacket(...).get_level(J, order) nodes stacked
  wp2/<wavelet>/<mode>/<H>x<W>/<J>/<order>  WaveletPacket2D level J, stacked (freq: row-major grid)
  channels/<wavelet>/<C>x<H>x<W>/<J>  WaLLoC's layout, by J rounds of dwt2 (periodization)
2-D inputs are signal(H * 1000 + W, H * W) reshaped row-major (3-D: seed C * 100000 + H * 1000 + W).
Every wavelet gets one dwt and one idwt case (modes in rotation); a subset per family gets every mode at
lengths shorter than the filter, near it, and longer, odd and even.
"""
import numpy as np
import pywt

MASK = (1 << 64) - 1


def signal(seed, n):
    out = np.empty(n)
    state = seed & MASK
    for i in range(n):
        state = (state + 0x9E3779B97F4A7C15) & MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        z ^= z >> 31
        out[i] = (z >> 11) * 2.0 ** -53 * 2 - 1
    return out


MODES = ["zero", "constant", "symmetric", "reflect", "periodic", "smooth", "antisymmetric", "antireflect",
         "periodization"]
SUBSET = ["haar", "db2", "db7", "sym5", "coif2", "bior1.3", "bior4.4", "rbio2.8"]
rng = np.random.default_rng(20261126)
ref = {}


def dwt_case(name, mode, n):
    if n == 1 and mode in ("reflect", "antireflect"):
        n = 2  # PyWavelets 1.1.1 loops forever on one sample there
    a, d = pywt.dwt(signal(n * 1000 + 1, n), name, mode)
    ref["dwt/%s/%s/%d" % (name, mode, n)] = np.concatenate([a, d])


def idwt_case(name, mode, n):
    ref["idwt/%s/%s/%d" % (name, mode, n)] = pywt.idwt(signal(n * 1000 + 2, n), signal(n * 1000 + 3, n), name, mode)


for i, name in enumerate(pywt.wavelist(kind="discrete")):
    L = pywt.Wavelet(name).dec_len
    mode = MODES[i % len(MODES)]
    dwt_case(name, mode, int(rng.integers(1, L + 4)))
    idwt_case(name, mode, int(rng.integers(L // 2, L + 4)) if mode != "periodization" else int(rng.integers(1, L)))

for name in SUBSET:
    L = pywt.Wavelet(name).dec_len
    for mode in MODES:
        short = int(rng.integers(1, max(2, L - 1)))
        longer = L + int(rng.integers(1, L + 1))  # odd or even
        for n in sorted({short, L - 1, longer}):
            dwt_case(name, mode, n)
        for n in sorted({max(1, L // 2) if mode != "periodization" else 1, L // 2 + 1 + int(rng.integers(0, L))}):
            idwt_case(name, mode, n)

for name, mode, n, level in [("db3", "symmetric", 57, 3), ("bior4.4", "periodization", 64, 3),
                             ("sym4", "smooth", 41, 2), ("coif1", "antireflect", 30, 4), ("haar", "zero", 13, 3)]:
    coeffs = pywt.wavedec(signal(n * 1000 + 1, n), name, mode, level=level)
    ref["wavedec/%s/%s/%d/%d" % (name, mode, n, level)] = np.concatenate(coeffs)

for name, mode, shape, axes in [("db2", "reflect", (5, 4, 7), (0, 2)), ("bior2.2", "periodization", (3, 6, 5), (2, 1, 0)),
                                ("sym3", "symmetric", (9, 6), (0, 1))]:
    h = shape[-2] * 1000 + shape[-1] + (shape[0] * 100000 if len(shape) == 3 else 0)
    x = signal(h, int(np.prod(shape))).reshape(shape)
    c = pywt.dwtn(x, name, mode, axes=axes)
    ref["dwtn/%s/%s/%s/%s" % (name, mode, "x".join(map(str, shape)), "".join(map(str, axes)))] = \
        np.stack([c[k] for k in sorted(c)])

for name, mode, n, level in [("db2", "symmetric", 37, 3), ("bior4.4", "periodization", 32, 2), ("coif1", "zero", 20, 2)]:
    wp = pywt.WaveletPacket(signal(n * 1000 + 1, n), name, mode, maxlevel=level)
    for order in ("natural", "freq"):
        ref["wp/%s/%s/%d/%d/%s" % (name, mode, n, level, order)] = np.stack([nd.data for nd in wp.get_level(level, order)])

for name, mode, (H, W), level in [("db2", "symmetric", (11, 14), 2), ("bior4.4", "periodization", (16, 16), 2),
                                  ("haar", "antisymmetric", (9, 6), 2)]:
    x = signal(H * 1000 + W, H * W).reshape(H, W)
    wp = pywt.WaveletPacket2D(x, name, mode, maxlevel=level)
    ref["wp2/%s/%s/%dx%d/%d/natural" % (name, mode, H, W, level)] = np.stack([nd.data for nd in wp.get_level(level)])
    grid = wp.get_level(level, "freq")
    ref["wp2/%s/%s/%dx%d/%d/freq" % (name, mode, H, W, level)] = np.stack([nd.data for row in grid for nd in row])

for name, (C, H, W), level in [("bior4.4", (3, 16, 16), 3), ("bior4.4", (2, 8, 12), 2), ("db1", (1, 4, 8), 2)]:
    x = signal(C * 100000 + H * 1000 + W, C * H * W).reshape(C, H, W)
    bands = [x[c] for c in range(C)]
    for _ in range(level):
        nxt = []
        for b in bands:
            a, (ch, cv, cd) = pywt.dwt2(b, name, mode="periodization")
            nxt += [a, ch, cv, cd]
        bands = nxt
    ref["channels/%s/%dx%dx%d/%d" % (name, C, H, W, level)] = np.stack(bands)

# One flat array plus a text index: a zip entry per case would cost more than the values.
offset = 0
index = ["# key offset shape; values in reference.npz['values'], written by make_reference.py"]
for key, value in ref.items():
    index.append("%s %d %s" % (key, offset, "x".join(map(str, value.shape))))
    offset += value.size
np.savez_compressed("reference.npz", values=np.concatenate([v.ravel() for v in ref.values()]))
with open("reference_index.txt", "w") as f:
    f.write("\n".join(index) + "\n")
print(len(ref), "arrays,", offset, "values")
