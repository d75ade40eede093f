#!/usr/bin/python3
"""Writes the PyTorch reference values that LossTorchReferenceTest and OptimizerTorchReferenceTest read.

Run with Debian's python3-torch (PyTorch 1.13):  /usr/bin/python3 make_optim_reference.py
It writes, next to this script:
  losses.npz  for each case NAME: NAME.input, NAME.target (and NAME.weight, NAME.pos_weight when used),
              NAME.seed (the gradient fed to backward), NAME.loss, NAME.grad (d loss / d input)
  optim.npz   for each case NAME: NAME.param0 (initial parameter), NAME.grads ([steps, ...], the gradient
              set before each step), NAME.params ([steps, ...], the parameter after each step), and the
              final optimizer state as NAME.state.<torch name>; plus clipping cases clip_<p>,
              and sched_<name>: the learning rate of each step under a torch scheduler (float64).
All tensors are float32, class targets int32. The case settings are repeated in the Java tests.
"""
import os

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
torch.manual_seed(1234)
out = {}


def f32(t):
    return t.detach().to(torch.float32).numpy().copy()


def loss_case(name, x, target, fn, weight=None, pos_weight=None):
    x = x.clone().requires_grad_(True)
    loss = fn(x)
    seed = torch.randn(loss.shape)
    loss.backward(seed)
    out[name + ".input"] = f32(x)
    out[name + ".target"] = target.numpy().astype(np.int32) if target.dtype == torch.int64 else f32(target)
    if weight is not None:
        out[name + ".weight"] = f32(weight)
    if pos_weight is not None:
        out[name + ".pos_weight"] = f32(pos_weight)
    out[name + ".seed"] = f32(seed)
    out[name + ".loss"] = f32(loss)
    out[name + ".grad"] = f32(x.grad)


# cross-entropy with class indices
x = torch.randn(4, 5)
t = torch.tensor([0, 4, 2, 1])
loss_case("ce_basic", x, t, lambda z: F.cross_entropy(z, t))

x = torch.randn(6, 5)
t = torch.tensor([3, -100, 0, 4, -100, 2])
w = torch.rand(5) + 0.5
loss_case("ce_smooth_ignore_weight", x, t, lambda z: F.cross_entropy(z, t, weight=w, label_smoothing=0.1), weight=w)

x = torch.randn(2, 3, 4)
t = torch.tensor([[0, 2, 1, 1], [2, 0, 0, 1]])
loss_case("ce_nd_sum", x, t, lambda z: F.cross_entropy(z, t, reduction="sum", label_smoothing=0.2))

x = torch.randn(5, 3)
t = torch.tensor([2, 1, 2, 0, 2])
loss_case("ce_none_ignore2", x, t, lambda z: F.cross_entropy(z, t, reduction="none", ignore_index=2, label_smoothing=0.3))

x = torch.randn(3, 4)
p = torch.softmax(torch.randn(3, 4), dim=1)
w = torch.rand(4) + 0.5
loss_case("ce_prob", x, p, lambda z: F.cross_entropy(z, p, weight=w, label_smoothing=0.1), weight=w)

# NLL
x = torch.log_softmax(torch.randn(4, 3), dim=1)
t = torch.tensor([1, 0, 2, 1])
w = torch.rand(3) + 0.5
loss_case("nll_weight_ignore", x, t, lambda z: F.nll_loss(z, t, weight=w, ignore_index=1), weight=w)

# BCE with logits
x = torch.randn(3, 4) * 3
y = torch.rand(3, 4)
w = torch.rand(4) + 0.5
pw = torch.rand(4) * 3
loss_case("bce_weight_pos", x, y, lambda z: F.binary_cross_entropy_with_logits(z, y, weight=w, pos_weight=pw),
          weight=w, pos_weight=pw)
loss_case("bce_sum", x, y, lambda z: F.binary_cross_entropy_with_logits(z, y, reduction="sum"))

# MSE
x = torch.randn(3, 4)
y = torch.randn(3, 4)
loss_case("mse", x, y, lambda z: F.mse_loss(z, y))

np.savez(os.path.join(HERE, "losses.npz"), **out)
out = {}

STEPS = 5


def optim_case(name, make):
    p0 = torch.randn(3, 4)
    grads = torch.randn(STEPS, 3, 4)
    p = p0.clone().requires_grad_(True)
    opt = make([p])
    params = []
    for k in range(STEPS):
        p.grad = grads[k].clone()
        opt.step()
        params.append(p.detach().clone())
    out[name + ".param0"] = f32(p0)
    out[name + ".grads"] = f32(grads)
    out[name + ".params"] = f32(torch.stack(params))
    for key, value in opt.state[p].items():
        out[name + ".state." + key] = f32(value if torch.is_tensor(value) else torch.tensor(float(value)))


optim_case("sgd_nesterov", lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01))
optim_case("sgd_dampening", lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.8, dampening=0.3, weight_decay=0.02))
optim_case("adam", lambda ps: torch.optim.Adam(ps, lr=0.01))
optim_case("adam_wd_amsgrad", lambda ps: torch.optim.Adam(ps, lr=0.01, betas=(0.8, 0.99), weight_decay=0.1, amsgrad=True))
optim_case("adamw", lambda ps: torch.optim.AdamW(ps, lr=0.02))
optim_case("adamw_wd_amsgrad", lambda ps: torch.optim.AdamW(ps, lr=0.01, betas=(0.85, 0.995), eps=1e-6,
                                                            weight_decay=0.1, amsgrad=True))

# gradient clipping: two parameters, several norm types, max norm 1
g1 = torch.randn(3, 4)
g2 = torch.randn(5)
for label, norm_type in (("2", 2.0), ("1", 1.0), ("inf", float("inf")), ("3", 3.0)):
    a = torch.zeros(3, 4, requires_grad=True)
    b = torch.zeros(5, requires_grad=True)
    a.grad = g1.clone()
    b.grad = g2.clone()
    total = torch.nn.utils.clip_grad_norm_([a, b], max_norm=1.0, norm_type=norm_type)
    out["clip_" + label + ".g1"] = f32(g1)
    out["clip_" + label + ".g2"] = f32(g2)
    out["clip_" + label + ".total"] = f32(total)
    out["clip_" + label + ".clipped1"] = f32(a.grad)
    out["clip_" + label + ".clipped2"] = f32(b.grad)



# learning-rate schedulers: the lr each step uses, from a base of 0.1
def schedule_case(name, make, steps):
    opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
    sched = make(opt)
    lrs = []
    for _ in range(steps):
        lrs.append(opt.param_groups[0]["lr"])
        opt.step()
        sched.step()
    out[name] = np.array(lrs, dtype=np.float64)


schedule_case("sched_cosine", lambda o: torch.optim.lr_scheduler.CosineAnnealingLR(o, T_max=10, eta_min=1e-3), 11)
schedule_case("sched_step", lambda o: torch.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5), 10)
schedule_case("sched_warmup", lambda o: torch.optim.lr_scheduler.LinearLR(o, start_factor=0.25, total_iters=3), 8)

np.savez(os.path.join(HERE, "optim.npz"), **out)
print("wrote losses.npz and optim.npz with torch", torch.__version__)
