"""The plain PyTorch reference of bench/oneshot_step.sh: the NAS-Bench-201
network (std/spaces/nb201: stem 3x3 conv + BN, three stages of N cells at
C, 2C, 4C channels joined by ResNet basic blocks of stride 2, BN, ReLU,
global average pooling, linear) written as a Python NAS library writes it,
one training step timed (zero_grad + forward + loss + backward + SGD step).

  /usr/bin/python3 bench/oneshot_step_ref.py MODE [--batch 64] [--steps 20] [--C 16] [--N 5] [--data DIR]

MODE: darts (every edge the softmax-weighted sum of its 5 operations),
gdas (each edge one Gumbel-softmax sampled operation, straight-through
weights), random (single path: each step another architecture, only its
operations run), child (the best NAS-Bench-201 cell as a standalone network).
Prints one line as bench/supernet_step does: median step ms, peak RSS MiB.
"""
import argparse
import os
import resource
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

OPS = ["none", "skip_connect", "nor_conv_1x1", "nor_conv_3x3", "avg_pool_3x3"]
BEST = ["nor_conv_3x3", "nor_conv_3x3", "nor_conv_3x3", "skip_connect", "nor_conv_3x3", "nor_conv_3x3"]  # 94.37


class ReLUConvBN(nn.Sequential):
    def __init__(self, cin, cout, k, stride):
        super().__init__(nn.ReLU(), nn.Conv2d(cin, cout, k, stride, k // 2, bias=False), nn.BatchNorm2d(cout))


class Zero(nn.Module):
    def forward(self, x):
        return x.mul(0.0)


def make_op(name, c):
    if name == "none":
        return Zero()
    if name == "skip_connect":
        return nn.Identity()
    if name == "nor_conv_1x1":
        return ReLUConvBN(c, c, 1, 1)
    if name == "nor_conv_3x3":
        return ReLUConvBN(c, c, 3, 1)
    return nn.AvgPool2d(3, 1, 1, count_include_pad=False)


class MixedEdge(nn.Module):
    def __init__(self, c, names):
        super().__init__()
        self.names = names
        self.ops = nn.ModuleList([make_op(n, c) for n in names])

    def forward(self, x, weights=None, index=None):
        if len(self.ops) == 1:
            return self.ops[0](x)
        if index is not None:  # GDAS: only the sampled operation runs
            return sum(weights[k] * op(x) if k == index else weights[k] for k, op in enumerate(self.ops))
        if weights is None:  # single path: index chosen by the caller
            raise ValueError("a mixed edge needs weights")
        return sum(w * op(x) for w, op in zip(weights, self.ops))


class Cell(nn.Module):
    def __init__(self, c, edge_ops):
        super().__init__()
        self.edges = nn.ModuleList([MixedEdge(c, names) for names in edge_ops])

    def forward(self, x, weights=None, indices=None, path=None):
        nodes = [x]
        e = 0
        for j in range(1, 4):
            total = 0
            for i in range(j):
                edge = self.edges[e]
                if path is not None:
                    total = total + edge.ops[path[e]](nodes[i])
                elif indices is not None:
                    total = total + edge(nodes[i], weights[e], indices[e])
                elif weights is not None:
                    total = total + edge(nodes[i], weights[e])
                else:
                    total = total + edge(nodes[i])
                e += 1
            nodes.append(total)
        return nodes[-1]


class ResNetBasicBlock(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        self.a = ReLUConvBN(cin, cout, 3, 2)
        self.b = ReLUConvBN(cout, cout, 3, 1)
        self.down = nn.Sequential(nn.AvgPool2d(2, 2, ceil_mode=True), nn.Conv2d(cin, cout, 1, bias=False))

    def forward(self, x):
        return self.b(self.a(x)) + self.down(x)


class Network(nn.Module):
    def __init__(self, c, n, edge_ops, classes=10):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, c, 3, padding=1, bias=False), nn.BatchNorm2d(c))
        layers = []
        for stage, width in enumerate([c, 2 * c, 4 * c]):
            if stage > 0:
                layers.append(ResNetBasicBlock(width // 2, width))
            layers += [Cell(width, edge_ops) for _ in range(n)]
        self.layers = nn.ModuleList(layers)
        self.head = nn.Sequential(nn.BatchNorm2d(4 * c), nn.ReLU())
        self.classifier = nn.Linear(4 * c, classes)
        self.alphas = nn.Parameter(1e-3 * torch.randn(6, len(edge_ops[0])))

    def weights(self):
        return [p for name, p in self.named_parameters() if name != "alphas"]

    def forward(self, x, mode, path=None):
        weights = indices = None
        if mode == "darts":
            weights = F.softmax(self.alphas, dim=-1)
        elif mode == "gdas":
            while True:  # GDAS's sampler, resampled on a non-finite draw
                gumbels = -torch.empty_like(self.alphas).exponential_().log()
                probs = F.softmax((self.alphas.log_softmax(dim=-1) + gumbels) / 10.0, dim=-1)
                index = probs.max(-1, keepdim=True)[1]
                one_h = torch.zeros_like(probs).scatter_(-1, index, 1.0)
                weights = one_h - probs.detach() + probs
                if torch.isfinite(weights).all():
                    break
            indices = index.view(-1).tolist()
        y = self.stem(x)
        for layer in self.layers:
            if isinstance(layer, Cell):
                y = layer(y, weights, indices, path)
            else:
                y = layer(y)
        y = self.head(y)
        return self.classifier(F.adaptive_avg_pool2d(y, 1).flatten(1))


def load_cifar(root):
    """The CIFAR-10 binary batches under root: uint8 images, labels."""
    images, labels = [], []
    for name in sorted(os.listdir(root)):
        if not (name.startswith("data_batch") and name.endswith(".bin")):
            continue
        raw = open(os.path.join(root, name), "rb").read()
        for off in range(0, len(raw), 3073):
            labels.append(raw[off])
            images.append(raw[off + 1:off + 3073])
    x = torch.frombuffer(bytearray(b"".join(images)), dtype=torch.uint8).view(-1, 3, 32, 32).float() / 255.0
    mean, std = x.mean(dim=(0, 2, 3), keepdim=True), x.std(dim=(0, 2, 3), keepdim=True)
    return (x - mean) / std, torch.tensor(labels, dtype=torch.long)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("mode", choices=["darts", "gdas", "random", "child"])
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--C", type=int, default=16)
    ap.add_argument("--N", type=int, default=5)
    ap.add_argument("--data", default="../shared/data/cifar10-subset")
    a = ap.parse_args()
    torch.set_num_threads(int(os.environ.get("OMP_NUM_THREADS", "2")))
    torch.manual_seed(0)
    edge_ops = [[name] for name in BEST] if a.mode == "child" else [OPS] * 6
    net = Network(a.C, a.N, edge_ops)
    x, y = load_cifar(a.data)
    opt = torch.optim.SGD(net.weights(), lr=0.05, momentum=0.9, weight_decay=3e-4)
    g = torch.Generator().manual_seed(0)
    times = []
    for step in range(a.steps + 3):
        idx = torch.randint(0, x.shape[0], (a.batch,), generator=g)
        images, labels = x[idx], y[idx]
        # The same paths as bench/supernet_step.cpp's (a multiplicative
        # hash of step and edge), so both time the same architectures.
        path = [((step * 6 + e) * 2654435761) % 4294967296 % len(OPS) for e in range(6)] if a.mode == "random" else None
        t0 = time.perf_counter()
        opt.zero_grad()
        F.cross_entropy(net(images, a.mode, path), labels).backward()
        opt.step()
        ms = (time.perf_counter() - t0) * 1000
        if step >= 3:
            times.append(ms)
    times.sort()
    params = sum(p.numel() for p in net.weights())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    print(f"pytorch-{a.mode}\tparams {params}\tmodules {len(list(net.modules()))}\tstep_ms {times[len(times) // 2]:.1f}\t"
          f"peak_rss_mb {peak:.1f}")


if __name__ == "__main__":
    main()
