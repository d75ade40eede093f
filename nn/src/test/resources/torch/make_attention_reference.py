#!/usr/bin/env python3
"""Makes attention_reference.npz: PyTorch 1.13 outputs and gradients of torch.nn.MultiheadAttention
(batch first) and of a pre-LN transformer block, on fixed random weights and inputs, for
dev.jacobi.nn.layers.AttentionLayerTests. Run from the repository root with Debian's interpreter:

    /usr/bin/python3 nn/src/test/resources/torch/make_attention_reference.py

Every array is float32. Names: '<case>/param/<state-dict name>' for the weights, '<case>/x' for the
input, '<case>/seed' for the gradient fed to backward, '<case>/out' for the output, '<case>/grad/x' and
'<case>/grad/<state-dict name>' for the gradients.
"""
import os

import numpy as np
import torch
import torch.nn as nn

torch.manual_seed(1234)
out = {}


class Block(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.ln1 = nn.LayerNorm(d)
        self.attn = nn.MultiheadAttention(d, heads, batch_first=True)
        self.ln2 = nn.LayerNorm(d)
        self.mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))

    def forward(self, x, mask):
        h = self.ln1(x)
        x = x + self.attn(h, h, h, attn_mask=mask, need_weights=False)[0]
        return x + self.mlp(self.ln2(x))


def record(case, module, x, run):
    for name, p in module.named_parameters():
        with torch.no_grad():
            p.add_(torch.randn_like(p) * 0.1)  # biases start at zero in PyTorch: make them matter
    x = x.clone().requires_grad_(True)
    y = run(module, x)
    seed = torch.randn_like(y)
    y.backward(seed)
    for name, p in module.state_dict().items():
        out[case + "/param/" + name] = p.detach().numpy().astype(np.float32)
    for name, p in module.named_parameters():
        out[case + "/grad/" + name] = p.grad.numpy().astype(np.float32)
    out[case + "/x"] = x.detach().numpy().astype(np.float32)
    out[case + "/seed"] = seed.numpy().astype(np.float32)
    out[case + "/out"] = y.detach().numpy().astype(np.float32)
    out[case + "/grad/x"] = x.grad.numpy().astype(np.float32)


batch, n, d, heads = 2, 7, 12, 3
causal = torch.triu(torch.ones(n, n, dtype=torch.bool), diagonal=1)  # True = masked in PyTorch
lengths = [7, 4]
padding = torch.tensor([[j >= lengths[b] for j in range(n)] for b in range(batch)])

mha = nn.MultiheadAttention(d, heads, batch_first=True)
record("mha_plain", mha, torch.randn(batch, n, d), lambda m, x: m(x, x, x, need_weights=False)[0])
mha = nn.MultiheadAttention(d, heads, batch_first=True)
record("mha_causal", mha, torch.randn(batch, n, d), lambda m, x: m(x, x, x, attn_mask=causal, need_weights=False)[0])
mha = nn.MultiheadAttention(d, heads, batch_first=True)
out["mha_padding/lengths"] = np.array(lengths, dtype=np.int32)
record("mha_padding", mha, torch.randn(batch, n, d),
       lambda m, x: m(x, x, x, key_padding_mask=padding, need_weights=False)[0])
block = Block(d, heads)
record("block_causal", block, torch.randn(batch, n, d), lambda m, x: m(x, causal))

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "attention_reference.npz")
np.savez(path, **out)
print("wrote", path, "torch", torch.__version__, len(out), "arrays")
