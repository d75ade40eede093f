#!/usr/bin/env python3
"""Times one training step in PyTorch on one CPU thread, for comparison with Jacobi's
TrainingStepBenchmark (same models, shapes, loss and optimizer).

  mlp:         Linear 64-256, ReLU, Linear 256-256, ReLU, Linear 256-10; batch 64
  transformer: pixel embedding Linear(1, 128) + learned positions, 2 pre-LN blocks
               (4 heads, MLP 4x with exact GELU), final LayerNorm, mean over tokens, Linear(128, 10);
               batch 32, T = 64 (the 8x8 digits read as 64 tokens)
One step: forward, cross-entropy, backward, AdamW step (lr 1e-3, weight decay 0.01), zero_grad.
Prints one JSON object per model: median and mean milliseconds per step over the timed steps.
Run with Debian's interpreter (python3-torch 1.13): /usr/bin/python3 bench/scripts/torch_training_step.py
"""
import json
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

torch.set_num_threads(1)
torch.manual_seed(0)


class Block(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.ln1 = nn.LayerNorm(d)
        self.attn = nn.MultiheadAttention(d, heads, batch_first=True)
        self.ln2 = nn.LayerNorm(d)
        self.mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))

    def forward(self, x):
        h = self.ln1(x)
        x = x + self.attn(h, h, h, need_weights=False)[0]
        return x + self.mlp(self.ln2(x))


class Transformer(nn.Module):
    def __init__(self, d=128, heads=4, layers=2, tokens=64, classes=10):
        super().__init__()
        self.embed = nn.Linear(1, d)
        self.pos = nn.Parameter(torch.randn(tokens, d) * 0.02)
        self.blocks = nn.ModuleList([Block(d, heads) for _ in range(layers)])
        self.ln = nn.LayerNorm(d)
        self.head = nn.Linear(d, classes)

    def forward(self, x):  # x: [B, T] pixel intensities
        h = self.embed(x.unsqueeze(-1)) + self.pos
        for b in self.blocks:
            h = b(h)
        return self.head(self.ln(h).mean(1))


def time_steps(model, x, y, warmup, steps):
    opt = torch.optim.AdamW(model.parameters(), lr=1e-3, weight_decay=0.01)
    times = []
    for i in range(warmup + steps):
        t0 = time.perf_counter()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        opt.zero_grad(set_to_none=True)
        t1 = time.perf_counter()
        if i >= warmup:
            times.append((t1 - t0) * 1e3)
    return times


def main():
    steps = int(sys.argv[1]) if len(sys.argv) > 1 else 200
    cases = {
        "mlp": (nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10)),
                torch.rand(64, 64), torch.randint(0, 10, (64,))),
        "transformer": (Transformer(), torch.rand(32, 64), torch.randint(0, 10, (32,))),
    }
    for name, (model, x, y) in cases.items():
        times = time_steps(model, x, y, warmup=max(20, steps // 5), steps=steps)
        print(json.dumps({"model": name, "torch": torch.__version__, "threads": torch.get_num_threads(),
                          "median_ms": statistics.median(times), "mean_ms": statistics.mean(times), "steps": steps}))


if __name__ == "__main__":
    main()
