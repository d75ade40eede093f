#!/usr/bin/python3
"""Writes filters.txt: the discrete wavelet filters of PyWavelets (Debian's python3-pywt), exact values.

Run from this directory with Debian's python:  /usr/bin/python3 make_filters.py
PyWavelets is MIT (Expat) licensed; see the NOTICE file at the repository root.

Format: '#' lines are comments; every other line is
    name family dec_lo [rec_lo]
with comma-separated taps written as Python's shortest round-trip repr (Double.parseDouble reads the
same double). rec_lo is omitted where it is dec_lo reversed (the orthogonal wavelets). The high-pass
filters follow from the low-pass ones exactly (only signs change), as checked below for every wavelet:
    rec_hi[i] = (-1)^i dec_lo[i],   dec_hi[i] = (-1)^(i+1) rec_lo[i].
"""
import numpy as np
import pywt


def taps(values):
    return ",".join(repr(float(v)) for v in values)


lines = ["# PyWavelets %s discrete wavelet filters, written by make_filters.py" % pywt.__version__]
for name in pywt.wavelist(kind="discrete"):
    w = pywt.Wavelet(name)
    dec_lo, dec_hi, rec_lo, rec_hi = (np.array(f, dtype=np.float64) for f in w.filter_bank)
    sign = (-1.0) ** np.arange(len(dec_lo))
    assert len(dec_lo) == len(dec_hi) == len(rec_lo) == len(rec_hi) and len(dec_lo) % 2 == 0, name
    assert np.array_equal(rec_hi, sign * dec_lo), name
    assert np.array_equal(dec_hi, -sign * rec_lo), name
    line = "%s %s %s" % (name, w.short_family_name, taps(dec_lo))
    if not np.array_equal(rec_lo, dec_lo[::-1]):
        line += " " + taps(rec_lo)
    lines.append(line)

with open("filters.txt", "w") as f:
    f.write("\n".join(lines) + "\n")
