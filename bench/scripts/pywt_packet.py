#!/usr/bin/python3
"""Times PyWavelets' 3-level 2-D wavelet packet transform of a 3x512x512 float32 image (bior4.4,
periodization), for comparison with Jacobi's WaveletBenchmark. Two ways, both giving all 192 level-3
nodes: pywt.WaveletPacket2D(...).get_level(3) per channel, and 1 + 4 + 16 pywt.dwt2 calls over the
channel axis (the batched way WaLLoC's layout can be computed). PyWavelets runs on one thread.
Prints one JSON object: median and best milliseconds of each way over the timed repetitions.
Run with Debian's interpreter (python3-pywt): /usr/bin/python3 bench/scripts/pywt_packet.py [repetitions]
"""
import json
import statistics
import sys
import time

import numpy as np
import pywt

reps = int(sys.argv[1]) if len(sys.argv) > 1 else 30
x = np.random.default_rng(0).random((3, 512, 512), dtype=np.float32) - 0.5


def packet_tree():
    return [node.data for c in range(3)
            for node in pywt.WaveletPacket2D(x[c], "bior4.4", mode="periodization", maxlevel=3).get_level(3)]


def dwt2_rounds():
    bands = [x]
    for _ in range(3):
        nxt = []
        for b in bands:
            a, (h, v, d) = pywt.dwt2(b, "bior4.4", mode="periodization", axes=(-2, -1))
            nxt += [a, h, v, d]
        bands = nxt
    return bands


result = {"pywt": pywt.__version__, "numpy": np.__version__, "repetitions": reps}
for name, f in (("WaveletPacket2D", packet_tree), ("dwt2_rounds", dwt2_rounds)):
    for _ in range(3):
        f()
    times = []
    for _ in range(reps):
        t = time.perf_counter()
        f()
        times.append((time.perf_counter() - t) * 1e3)
    result[name] = {"median_ms": statistics.median(times), "best_ms": min(times)}
print(json.dumps(result))
