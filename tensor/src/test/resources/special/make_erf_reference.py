#!/usr/bin/env python3
"""Writes erf_reference.csv: x, erf(x), erfc(x) from Python's math module (C libm, correctly
rounded to within an ulp or so). Run: python3 make_erf_reference.py > erf_reference.csv"""
import math

xs = [0.0, 1e-300, 1e-10, 1e-5, 0.001, 0.1, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 2.4999, 2.5, 2.5001,
      3.0, 3.5, 4.0, 5.0, 6.0, 8.0, 10.0, 15.0, 20.0, 26.0, 27.5, 30.0]
xs += [i / 37.0 for i in range(1, 200)]
print("x,erf,erfc")
for x in sorted(set(xs)):
    for v in (x, -x) if x != 0 else (x,):
        print(f"{v!r},{math.erf(v)!r},{math.erfc(v)!r}")
