#!/usr/bin/python3
"""Makes the PyTorch reference files that TorchReferenceTest reads (PyTorch 1.13, Debian's python3-torch).

Run from this folder:  /usr/bin/python3 make_layer_reference.py

For each case it builds a layer (PyTorch's own module, or for layers that PyTorch 1.13 lacks, a few lines
written as the reference implementation writes them), draws a fixed input and a fixed output seed s from
torch.manual_seed(case index), and writes <case>.safetensors with:
  - the layer's state dict under PyTorch's names (the Java test loads these with loadStateDict, strict),
  - "input", "output" (the forward), "seed" (s), and the gradients of sum(output * s):
    "grad.input" and "grad.<parameter name>".
Normalization weights and biases are randomized so that they are not the trivial ones and zeros.
Everything is float32 (the input of Embedding is int32), except LowPrecisionLayerNorm's bf16 tensors.
"""
import json
import struct

import torch
import torch.nn as nn
import torch.nn.functional as F

DTYPES = {torch.float32: "F32", torch.int32: "I32", torch.bfloat16: "BF16", torch.float64: "F64"}


def write_safetensors(path, tensors, metadata):
    """A minimal safetensors writer (the format: 8-byte header length, JSON header, raw little-endian data)."""
    header = {"__metadata__": metadata}
    blobs = []
    offset = 0
    for name, t in tensors.items():
        t = t.detach().contiguous()
        raw = t.view(torch.int16).numpy().tobytes() if t.dtype == torch.bfloat16 else t.numpy().tobytes()
        header[name] = {"dtype": DTYPES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


class GatedLinearUnitMLP(nn.Module):
    """MosaicBERT's BertGatedLinearUnitMLP feed-forward part: gated_layers (no bias) split [gate | up], wo."""

    def __init__(self, dim, hidden, act):
        super().__init__()
        self.hidden = hidden
        self.gated_layers = nn.Linear(dim, 2 * hidden, bias=False)
        self.act = act
        self.wo = nn.Linear(hidden, dim)

    def forward(self, x):
        h = self.gated_layers(x)
        return self.wo(self.act(h[..., :self.hidden]) * h[..., self.hidden:])


class FeedForward(nn.Module):
    """LLaMA's FeedForward: w2(silu(w1 x) * w3 x), no biases."""

    def __init__(self, dim, hidden):
        super().__init__()
        self.w1 = nn.Linear(dim, hidden, bias=False)
        self.w2 = nn.Linear(hidden, dim, bias=False)
        self.w3 = nn.Linear(dim, hidden, bias=False)

    def forward(self, x):
        return self.w2(F.silu(self.w1(x)) * self.w3(x))


class RMSNorm(nn.Module):
    """LLaMA's RMSNorm (torch.nn.RMSNorm arrived only in PyTorch 2.4)."""

    def __init__(self, dim, eps):
        super().__init__()
        self.eps = eps
        self.weight = nn.Parameter(torch.ones(dim))

    def forward(self, x):
        return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + self.eps) * self.weight


class Activation(nn.Module):
    def __init__(self, f):
        super().__init__()
        self.f = f

    def forward(self, x):
        return self.f(x)


def randomize_norm(m):
    with torch.no_grad():
        for p in m.parameters():
            p.copy_(1 + 0.5 * torch.randn_like(p))


# name -> (module factory, input factory)
CASES = [
    ("linear", lambda: nn.Linear(5, 3), lambda: torch.randn(2, 4, 5)),
    ("linear_nobias", lambda: nn.Linear(4, 6, bias=False), lambda: torch.randn(3, 4)),
    ("embedding", lambda: nn.Embedding(10, 4, padding_idx=1),
     lambda: torch.tensor([[0, 1, 9, 3], [1, 3, 3, 7]], dtype=torch.int32)),
    ("layernorm", lambda: nn.LayerNorm(6), lambda: torch.randn(3, 6) * 2 + 1),
    ("layernorm_2d", lambda: nn.LayerNorm([3, 4], eps=1e-3), lambda: torch.randn(2, 3, 4)),
    ("rmsnorm", lambda: RMSNorm(6, 1e-6), lambda: torch.randn(3, 6)),
    ("relu", lambda: nn.ReLU(), lambda: torch.randn(4, 5)),
    ("gelu", lambda: nn.GELU(), lambda: torch.randn(4, 5) * 2),
    ("gelu_tanh", lambda: nn.GELU(approximate="tanh"), lambda: torch.randn(4, 5) * 2),
    ("silu", lambda: nn.SiLU(), lambda: torch.randn(4, 5) * 2),
    ("sigmoid", lambda: nn.Sigmoid(), lambda: torch.randn(4, 5) * 2),
    ("tanh", lambda: nn.Tanh(), lambda: torch.randn(4, 5) * 2),
    ("mlp", lambda: nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Linear(8, 8), nn.ReLU(), nn.Linear(8, 3)),
     lambda: torch.randn(5, 4)),
    ("geglu_fused", lambda: GatedLinearUnitMLP(4, 6, nn.GELU()), lambda: torch.randn(3, 4)),
    ("swiglu_separate", lambda: FeedForward(4, 6), lambda: torch.randn(3, 4)),
    ("conv1d", lambda: nn.Conv1d(4, 6, 3, stride=2, padding=1, dilation=2, groups=2), lambda: torch.randn(2, 4, 11)),
    ("conv2d", lambda: nn.Conv2d(3, 5, 3, padding=1), lambda: torch.randn(1, 3, 5, 5)),
    ("conv2d_groups", lambda: nn.Conv2d(4, 6, (3, 2), stride=(2, 1), padding=(1, 0), dilation=(1, 2), groups=2),
     lambda: torch.randn(2, 4, 7, 8)),
    ("conv_transpose2d", lambda: nn.ConvTranspose2d(4, 6, 3, stride=2, padding=1, output_padding=1, groups=2),
     lambda: torch.randn(2, 4, 4, 5)),
    ("conv_transpose2d_dilated", lambda: nn.ConvTranspose2d(3, 2, (2, 3), stride=(3, 2), padding=(0, 1),
                                                            output_padding=(2, 1), dilation=(2, 1), bias=False),
     lambda: torch.randn(1, 3, 3, 4)),
    ("maxpool1d", lambda: nn.MaxPool1d(3, stride=2, padding=1, dilation=2), lambda: torch.randn(2, 3, 10)),
    ("maxpool2d", lambda: nn.MaxPool2d(3, stride=2, padding=1), lambda: torch.randn(2, 3, 7, 6)),
    ("maxpool2d_dilated", lambda: nn.MaxPool2d((2, 3), stride=(1, 2), padding=(1, 1), dilation=(2, 1)),
     lambda: torch.randn(1, 2, 6, 7)),
    ("avgpool1d", lambda: nn.AvgPool1d(3, stride=2, padding=1), lambda: torch.randn(2, 3, 10)),
    ("avgpool2d", lambda: nn.AvgPool2d(3, stride=2, padding=1), lambda: torch.randn(2, 3, 7, 6)),
    ("avgpool2d_exclude_pad", lambda: nn.AvgPool2d((3, 2), stride=(2, 1), padding=(1, 1), count_include_pad=False),
     lambda: torch.randn(1, 2, 5, 6)),
    ("adaptive_avgpool2d", lambda: nn.AdaptiveAvgPool2d((3, 4)), lambda: torch.randn(2, 2, 5, 7)),
    ("global_avgpool2d", lambda: nn.AdaptiveAvgPool2d(1), lambda: torch.randn(2, 3, 4, 5)),
]


def make(index, name, make_module, make_input):
    torch.manual_seed(1000 + index)
    m = make_module()
    if isinstance(m, (nn.LayerNorm, RMSNorm)):
        randomize_norm(m)
    x = make_input()
    differentiable_input = x.dtype.is_floating_point
    if differentiable_input:
        x.requires_grad_(True)
    y = m(x)
    seed = torch.randn_like(y)
    (y * seed).sum().backward()
    tensors = dict(m.state_dict())
    tensors["input"] = x
    tensors["output"] = y
    tensors["seed"] = seed
    if differentiable_input:
        tensors["grad.input"] = x.grad
    for pname, p in m.named_parameters():
        tensors["grad." + pname] = p.grad
    write_safetensors(name + ".safetensors", tensors, {"torch": torch.__version__, "case": name})


def make_low_precision_layernorm():
    """bf16 LayerNorm as MosaicBERT runs it: bf16 input and parameters, fp32 statistics, bf16 output.

    PyTorch's CPU layer_norm accepts bf16 tensors and accumulates in float32 (its acc type for bf16), which
    is what the Java layer does explicitly; the gradients are those of that bf16 kernel."""
    torch.manual_seed(2000)
    m = nn.LayerNorm(8, eps=1e-12)
    randomize_norm(m)
    m = m.to(torch.bfloat16)
    x = (torch.randn(4, 8) * 3 + 1).to(torch.bfloat16).requires_grad_(True)
    y = F.layer_norm(x, (8,), m.weight, m.bias, m.eps)
    assert y.dtype == torch.bfloat16
    seed = torch.randn(y.shape).to(torch.bfloat16)
    (y.float() * seed.float()).sum().backward()
    tensors = dict(m.state_dict())
    tensors.update({"input": x, "output": y, "seed": seed, "grad.input": x.grad,
                    "grad.weight": m.weight.grad, "grad.bias": m.bias.grad})
    write_safetensors("low_precision_layernorm.safetensors", tensors, {"torch": torch.__version__,
                                                                       "case": "low_precision_layernorm"})


if __name__ == "__main__":
    for i, (name, mm, mi) in enumerate(CASES):
        make(i, name, mm, mi)
    make_low_precision_layernorm()
