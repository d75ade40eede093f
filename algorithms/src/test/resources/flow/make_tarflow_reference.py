#!/usr/bin/python3
"""Makes tarflow_reference.npz for dev.jacobi.algorithms.flow.TarFlowReferenceTest: a tiny TarFlow written
in PyTorch 1.13 (Debian's python3-torch) from the description in the TarFlow paper (arXiv 2412.06329),
with the module layout and state-dict names of the reference implementation, so that the Java model
loads its state dict strictly and must reproduce its numbers.

Run from this folder:  /usr/bin/python3 make_tarflow_reference.py

Model: 3 channels, 8x8 images, patch 2 (T = 16 tokens of D = 12), width 32, head size 16, 2 layers per
block, 3 blocks, 4 classes. Output heads and norms are randomized (a zero head is the identity).
Arrays (float32 unless noted): 'param/<state-dict name>', 'image' [2, 3, 8, 8], 'labels' (int32, one
label -1 = the mean class embedding), 'x' (patchified image), 'z', 'logdet' (per sample, the mean form
-mean(a) summed over blocks), 'inverse' (a token-by-token inverse of z, recomputing the whole prefix at
every step: no cache).
"""
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

torch.manual_seed(2024)


class Attention(nn.Module):
    def __init__(self, ch, head):
        super().__init__()
        self.norm = nn.LayerNorm(ch)
        self.qkv = nn.Linear(ch, 3 * ch)
        self.proj = nn.Linear(ch, ch)
        self.heads = ch // head

    def forward(self, x):
        b, t, c = x.shape
        q, k, v = self.qkv(self.norm(x)).reshape(b, t, 3 * self.heads, -1).transpose(1, 2).chunk(3, dim=1)
        logits = q @ k.transpose(-1, -2) / (q.shape[-1] ** 0.5)
        logits = logits.masked_fill(~torch.ones(t, t, dtype=torch.bool).tril(), float('-inf'))
        return self.proj((logits.softmax(-1) @ v).transpose(1, 2).reshape(b, t, c))


class MLP(nn.Module):
    def __init__(self, ch, expansion):
        super().__init__()
        self.norm = nn.LayerNorm(ch)
        self.main = nn.Sequential(nn.Linear(ch, ch * expansion), nn.GELU(), nn.Linear(ch * expansion, ch))

    def forward(self, x):
        return self.main(self.norm(x))


class Layer(nn.Module):
    def __init__(self, ch, head):
        super().__init__()
        self.attention = Attention(ch, head)
        self.mlp = MLP(ch, 4)

    def forward(self, x):
        x = x + self.attention(x)
        return x + self.mlp(x)


class Block(nn.Module):
    def __init__(self, d, ch, t, head, layers, classes, flip):
        super().__init__()
        self.flip = flip
        self.proj_in = nn.Linear(d, ch)
        self.pos_embed = nn.Parameter(torch.randn(t, ch) * 1e-2)
        self.class_embed = nn.Parameter(torch.randn(classes, 1, ch) * 1e-2)
        self.attn_blocks = nn.ModuleList([Layer(ch, head) for _ in range(layers)])
        self.proj_out = nn.Linear(ch, 2 * d)
        self.register_buffer('attn_mask', torch.tril(torch.ones(t, t)))

    def perm(self, x, dim=1):
        return x.flip(dim) if self.flip else x

    def affine(self, y, labels):
        """(a, b) of every token from the tokens before it (shifted; zero for token 0)."""
        t = y.shape[1]
        mean = self.class_embed.mean(0)
        cls = torch.stack([mean if l < 0 else self.class_embed[l] for l in labels.tolist()])
        h = self.proj_in(y) + self.perm(self.pos_embed, 0)[:t] + cls
        for layer in self.attn_blocks:
            h = layer(h)
        h = self.proj_out(h)
        h = torch.cat([torch.zeros_like(h[:, :1]), h[:, :-1]], 1)
        return h.chunk(2, -1)

    def forward(self, x, labels):
        y = self.perm(x)
        a, b = self.affine(y, labels)
        return self.perm((y - b) * torch.exp(-a)), -a.mean(dim=[1, 2])

    def inverse(self, z, labels):
        zp = self.perm(z)
        y = zp[:, :1]
        for t in range(1, zp.shape[1]):
            # A placeholder for token t: row t of a full pass reads only y_{<t} (the shift), so it is ignored.
            a, b = self.affine(torch.cat([y, zp[:, t:t + 1]], 1), labels)
            y_t = zp[:, t:t + 1] * torch.exp(a[:, t:t + 1]) + b[:, t:t + 1]
            y = torch.cat([y, y_t], 1)
        return self.perm(y)


C, S, P, CH, HEAD, L, K, CLASSES = 3, 8, 2, 32, 16, 2, 3, 4
T, D = (S // P) ** 2, C * P * P
model = nn.Module()
model.blocks = nn.ModuleList([Block(D, CH, T, HEAD, L, CLASSES, k % 2 == 1) for k in range(K)])
model.register_buffer('var', torch.ones(T, D))
with torch.no_grad():
    for name, p in model.named_parameters():
        if name.endswith('proj_out.weight'):
            p.normal_(0, 0.03)
        elif 'norm.' in name:
            p.add_(torch.randn_like(p) * 0.1)

image = torch.randn(2, C, S, S).clamp(-1, 1)
labels = torch.tensor([1, -1])
with torch.no_grad():
    x = F.unfold(image, P, stride=P).transpose(1, 2)
    h = x
    logdet = torch.zeros(2)
    for block in model.blocks:
        h, ld = block(h, labels)
        logdet = logdet + ld
    z = h
    back = z
    for block in reversed(model.blocks):
        back = block.inverse(back, labels)

out = {'param/' + k: v.numpy() for k, v in model.state_dict().items()}
out.update(image=image.numpy(), labels=labels.numpy().astype(np.int32), x=x.numpy(), z=z.numpy(),
           logdet=logdet.numpy(), inverse=back.numpy())
np.savez('tarflow_reference.npz', **out)
print('max |x - inverse|', (x - back).abs().max().item(), 'logdet', logdet.tolist())
