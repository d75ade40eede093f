#!/usr/bin/env python3
"""Writes the reference files the I/O tests read, and expected.txt with their values.

Run with a Python that has NumPy (tested with NumPy 1.24):  python3 make_reference_files.py
The .npy and .npz files are written by NumPy itself; the .safetensors file is written by hand
with struct and json, following the format's specification, since the safetensors package is
not needed for that.

expected.txt has one line per array:  SOURCE DTYPE SHAPE CANONICAL VALUES...
  SOURCE     file name, or file:name for an array inside an .npz or .safetensors file
  SHAPE      like [2,3]; [] for a 0-d array
  CANONICAL  C when Npy.write must reproduce the file byte for byte, - otherwise
  VALUES     the elements in C (row-major) order; complex elements as two numbers (real, imag);
             bool as 0/1; floats as Python's shortest round-trip decimal, or NaN/Infinity/-Infinity
"""
import json
import os
import struct

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
lines = []


def number(x):
    x = float(x)
    if np.isnan(x):
        return "NaN"
    if np.isinf(x):
        return "Infinity" if x > 0 else "-Infinity"
    return repr(x)


def record(source, dtype_name, a, canonical=False):
    shape = "[" + ",".join(str(d) for d in a.shape) + "]"
    values = []
    for v in a.flatten(order="C"):
        if np.iscomplexobj(a):
            values += [number(v.real), number(v.imag)]
        elif a.dtype == np.bool_:
            values.append("1" if v else "0")
        elif a.dtype.kind == "i":
            values.append(str(int(v)))
        else:
            values.append(number(v))
    lines.append(" ".join([source, dtype_name, shape, "C" if canonical else "-"] + values))


def save(name, dtype_name, a, canonical=True, version=None):
    path = os.path.join(HERE, name)
    if version is None:
        np.save(path, a)
    else:
        with open(path, "wb") as f:
            np.lib.format.write_array(f, a, version=version)
    record(name, dtype_name, a, canonical)


inf, nan = float("inf"), float("nan")

# One file per dtype, little-endian, C order: files Npy.write must reproduce exactly.
save("bool.npy", "bool", np.array([[True, False, True], [False, False, True]]))
save("int8.npy", "int8", np.array([[-128, -1, 0], [1, 127, 42]], dtype=np.int8))
save("int32.npy", "int32", np.array([[-2**31, -1], [0, 1], [2**31 - 1, 123456789]], dtype=np.int32))
save("float16.npy", "float16", np.array([0.0, -0.0, 1.0, -2.5, 65504.0, 6e-8, inf, -inf, nan], dtype=np.float16))
save("float32.npy", "float32",
     np.array([3.1415927, -1e-45, 1e38, -0.0, inf, nan, 0.1, 16777217.0], dtype=np.float32).reshape(2, 2, 2))
save("float64.npy", "float64", np.array([[np.pi, np.e, 1e-300], [5e-324, -0.0, -inf]], dtype=np.float64))
save("complex64.npy", "complex64", np.array([1 + 2j, -0.5 - 0.25j, complex(inf, -1)], dtype=np.complex64))
save("complex128.npy", "complex128", np.array([[1e300 + 1j, -0.0 + 0j], [0.1 - 0.2j, complex(nan, 2)]]))
save("scalar_float64.npy", "float64", np.array(3.25))
save("empty_float32.npy", "float32", np.zeros((0, 3), dtype=np.float32))
save("vector_int32.npy", "int32", np.arange(-3, 4, dtype=np.int32))

# Big-endian data: read by byte-swapping.
save("be_int32.npy", "int32", np.array([[1, -2, 3], [2**31 - 1, -2**31, 0]], dtype=">i4"), canonical=False)
save("be_float16.npy", "float16", np.array([1.0, -0.5, 65504.0, 6e-8], dtype=">f2"), canonical=False)
save("be_float64.npy", "float64", np.array([[np.pi, -1e-300], [inf, 2.5]], dtype=">f8"), canonical=False)
save("be_complex64.npy", "complex64", np.array([1 - 1j, 0.5 + 4j], dtype=">c8"), canonical=False)

# Fortran (column-major) order.
save("fortran_float64.npy", "float64", np.asfortranarray(np.arange(24, dtype=np.float64).reshape(2, 3, 4) * 0.5),
     canonical=False)
save("fortran_int8.npy", "int8", np.asfortranarray(np.array([[1, 2, 3], [4, 5, 6]], dtype=np.int8)), canonical=False)
save("fortran_be_float32.npy", "float32",
     np.asfortranarray(np.array([[1.5, -2.0], [3.0, 4.25], [-5.0, 6.0]], dtype=">f4")), canonical=False)

# Later header versions: 4-byte header length; version 3.0 decodes the header as UTF-8.
save("version2_float32.npy", "float32", np.array([[1.0, 2.0], [3.0, 4.0]], dtype=np.float32), canonical=False,
     version=(2, 0))
save("version3_int32.npy", "int32", np.array([7, 8, 9], dtype=np.int32), canonical=False, version=(3, 0))

# numpy.savez (stored entries) and numpy.savez_compressed (deflated entries).
plain = {"a": np.array([[1.0, -2.0], [0.5, 8.0]], dtype=np.float32),
         "b": np.array([10, -20, 30], dtype=np.int32),
         "c": np.array([1 + 1j, -2.5 + 0j])}
np.savez(os.path.join(HERE, "plain.npz"), **plain)
for name, a in plain.items():
    record("plain.npz:" + name, {"a": "float32", "b": "int32", "c": "complex128"}[name], a)
compressed = {"mask": np.array([True, False, True, True]),
              "x": np.linspace(0, 1, 12).reshape(3, 4),
              "empty": np.zeros((2, 0), dtype=np.float16)}
np.savez_compressed(os.path.join(HERE, "compressed.npz"), **compressed)
for name, a in compressed.items():
    record("compressed.npz:" + name, {"mask": "bool", "x": "float64", "empty": "float16"}[name], a)


# A .safetensors file written from the specification: 8-byte little-endian header length, JSON
# header padded with spaces to a multiple of 8, then each tensor little-endian in C order.
def bfloat16_bits(values):
    """bfloat16 bit patterns, rounding to nearest even (the values below are exact in bfloat16)."""
    bits = np.array(values, dtype=np.float32).view(np.uint32).astype(np.uint64)
    return ((bits + 0x7FFF + ((bits >> 16) & 1)) >> 16).astype("<u2")


bf16_values = [1.0, -2.5, 0.15625, 65536.0, -inf]
# (name, safetensors dtype, Jacobi dtype, array as stored, array of the values it stands for)
tensors = [
    ("weight", "F32", "float32", np.array([[0.5, -1.0, 2.0], [3.5, 1e-3, -0.0]], dtype="<f4"), None),
    ("bias", "F64", "float64", np.array([np.pi, -1e200], dtype="<f8"), None),
    ("half", "F16", "float16", np.array([1.0, -0.0009765625, 2048.0], dtype="<f2"), None),
    ("brain", "BF16", "bfloat16", bfloat16_bits(bf16_values), np.array(bf16_values, dtype=np.float32)),
    ("counts", "I32", "int32", np.array([[1, -1], [2**31 - 1, -2**31]], dtype="<i4"), None),
    ("small", "I8", "int8", np.array([-7, 0, 100], dtype="i1"), None),
    ("flags", "BOOL", "bool", np.array([True, False], dtype="?"), None),
    ("phase", "C64", "complex64", np.array([1 - 2j, 0.25 + 0.5j], dtype="<c8"), None),
    ("nothing", "F32", "float32", np.zeros((0, 4), dtype="<f4"), None),
    ("scale", "F64", "float64", np.array(0.125, dtype="<f8"), None),
]
# Data in order of decreasing element size keeps every tensor aligned; the header lists the
# tensors in another order, which readers must keep.
data_order = sorted(tensors, key=lambda t: -t[3].dtype.itemsize)
offsets, at, data = {}, 0, b""
for name, _, _, stored, _ in data_order:
    raw = stored.tobytes(order="C")
    offsets[name] = [at, at + len(raw)]
    data += raw
    at += len(raw)
header = {"__metadata__": {"format": "pt", "note": "caf\u00e9 \"quoted\" \\ back\nslash"}}
for name, st_dtype, _, stored, _ in tensors:
    header[name] = {"dtype": st_dtype, "shape": list(stored.shape), "data_offsets": offsets[name]}
text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
text += b" " * (-len(text) % 8)
with open(os.path.join(HERE, "reference.safetensors"), "wb") as f:
    f.write(struct.pack("<Q", len(text)) + text + data)
for name, _, jacobi_dtype, stored, values in tensors:
    record("reference.safetensors:" + name, jacobi_dtype, stored if values is None else values)

with open(os.path.join(HERE, "expected.txt"), "w") as f:
    f.write("# Generated by make_reference_files.py; see its docstring for the format.\n")
    f.write("\n".join(lines) + "\n")
