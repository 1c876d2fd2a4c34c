"""nasc proposes, plain PyTorch trains: an ask/tell search over the space of
examples/fashion_mnist.nas, where each architecture is built from its
decision dict by this file's own code (no nasc runtime involved in training).

    PYTHONPATH=build/python python3 examples/python/fashion_mnist_torch.py \
        [--trials 8] [--batches 60] [--storage run.db]

Each trial trains for a few batches on Fashion-MNIST's training images and is
scored on held-out ones; nasc's strategy (the search block's evolution)
picks the next architecture from the scores. --storage keeps every result in
a store: run the command again and the study resumes where it stopped.
Fashion-MNIST comes from Debian's dataset-fashion-mnist
(/usr/share/datasets/fashion-mnist).
"""

import argparse
import gzip
import os
import struct
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

import nasc

HERE = os.path.dirname(os.path.abspath(__file__))
SPACE = os.path.join(HERE, "..", "fashion_mnist.nas")
DATA = "/usr/share/datasets/fashion-mnist"


def read_idx(path):
    with gzip.open(path, "rb") as f:
        magic, = struct.unpack(">I", f.read(4))
        dims = struct.unpack(">" + "I" * (magic & 0xFF), f.read(4 * (magic & 0xFF)))
        return torch.frombuffer(bytearray(f.read()), dtype=torch.uint8).reshape(dims)


def load(root, held_out=2000):
    images = read_idx(os.path.join(root, "train-images-idx3-ubyte.gz")).float().div_(255).unsqueeze(1)
    labels = read_idx(os.path.join(root, "train-labels-idx1-ubyte.gz")).long()
    images = (images - images.mean()) / images.std()
    return (images[:-held_out], labels[:-held_out]), (images[-held_out:], labels[-held_out:])


class Net(nn.Module):
    """The network of fashion_mnist.nas for one decision dict, written in
    PyTorch: conv-bn-relu, pool, `depth2` conv-bn-relus, pool, GAP, dropout,
    linear."""

    def __init__(self, p, classes=10):
        super().__init__()

        def conv(cin, cout, k):
            return nn.Sequential(nn.Conv2d(cin, cout, k, padding=k // 2, bias=False), nn.BatchNorm2d(cout),
                                 nn.ReLU(inplace=True))

        self.stage1 = conv(1, p["width1"], p["kernel1"])
        layers, cin = [], p["width1"]
        for _ in range(p["depth2"]):
            layers.append(conv(cin, p["width2"], p["kernel2"]))
            cin = p["width2"]
        self.stage2 = nn.Sequential(*layers)
        self.drop = nn.Dropout(p["drop"])
        self.fc = nn.Linear(p["width2"], classes)

    def forward(self, x):
        x = F.max_pool2d(self.stage1(x), 3, stride=2, padding=1)
        x = F.max_pool2d(self.stage2(x), 3, stride=2, padding=1)
        return self.fc(self.drop(x.mean((2, 3))))


def train_and_score(params, train, valid, batches, batch_size=128, seed=0):
    torch.manual_seed(seed)
    net = Net(params)
    opt = torch.optim.SGD(net.parameters(), lr=params["lr"], momentum=0.9, nesterov=True, weight_decay=5e-4)
    x, y = train
    order = torch.randperm(len(x))
    net.train()
    for b in range(batches):
        idx = order[b * batch_size:(b + 1) * batch_size]
        loss = F.cross_entropy(net(x[idx]), y[idx])
        opt.zero_grad()
        loss.backward()
        opt.step()
    net.eval()
    with torch.no_grad():
        correct = (net(valid[0]).argmax(1) == valid[1]).sum().item()
    return 100.0 * correct / len(valid[1]), sum(p.numel() for p in net.parameters())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--trials", type=int, default=8)
    ap.add_argument("--batches", type=int, default=60)
    ap.add_argument("--storage", default=None)
    ap.add_argument("--data", default=DATA)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args()
    torch.set_num_threads(max(1, os.cpu_count() or 1))

    space = nasc.compile(SPACE)  # the search block's space: its lr joins the decisions
    train, valid = load(args.data)
    study = space.study(seed=args.seed, budget=args.trials, storage=args.storage)
    if study.resumed:
        print(f"resumed: {len(study.trials)} trials already in {args.storage}")
    while (trial := study.ask()) is not None:
        t0 = time.time()
        if space.cost(trial.id).params > 60_000:
            # The search block's `require params <= 60_000` rules it out
            # whatever it scores: nasc knows its size exactly, so skip training.
            study.tell(trial, {"accuracy": 0.0})
            print(f"trial {trial.number}: over 60,000 parameters, not trained  {trial.id}")
            continue
        accuracy, params = train_and_score(trial.params, train, valid, args.batches, seed=args.seed)
        # nasc's exact count and PyTorch's agree: the same network.
        assert params == space.cost(trial.id).params, (params, space.cost(trial.id).params)
        study.tell(trial, {"accuracy": accuracy})
        print(f"trial {trial.number}: {accuracy:5.2f}% held-out accuracy, {params} parameters, "
              f"{time.time() - t0:.1f} s  {trial.id}")
        sys.stdout.flush()
    study.finish()
    best = study.best
    print(f"best: trial {best.number}, {best.value:.2f}% ({best.id})")


if __name__ == "__main__":
    main()
