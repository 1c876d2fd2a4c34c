#!/usr/bin/env python3
"""Parameter counts of NATS-Bench size-search-space networks (Dong et al.,
TPAMI 2021), module by module as xautodl's DynamicShapeTinyNet builds them,
without torch. channels = [c0, c1, c2, c3, c4]; layers 1 and 3 are
ResNetBasicblock(stride 2), layers 0, 2 and 4 are InferCell with the fixed
genotype |nor_conv_3x3~0|+|nor_conv_3x3~0|nor_conv_3x3~1|+|skip_connect~0|nor_conv_3x3~1|nor_conv_3x3~2|.
Batch norm counts its scale and shift (running statistics are buffers)."""
import itertools
import sys


def bn(c):
    return 2 * c


def relu_conv_bn(ci, co, k):  # ReLU, Conv2d(bias=False), BatchNorm2d
    return ci * co * k * k + bn(co)


def skip_connect(ci, co):
    # Identity when the shapes agree, else FactorizedReduce at stride 1:
    # one 1x1 Conv2d(bias=False) and a BatchNorm2d.
    return 0 if ci == co else ci * co + bn(co)


GENOTYPE = [[("nor_conv_3x3", 0)],
            [("nor_conv_3x3", 0), ("nor_conv_3x3", 1)],
            [("skip_connect", 0), ("nor_conv_3x3", 1), ("nor_conv_3x3", 2)]]


def infer_cell(ci, co):
    # An edge from node 0 maps C_in to C_out; the others C_out to C_out.
    total = 0
    for node in GENOTYPE:
        for name, j in node:
            i = ci if j == 0 else co
            total += relu_conv_bn(i, co, 3) if name == "nor_conv_3x3" else skip_connect(i, co)
    return total


def resnet_basic_block(ci, co):  # stride 2
    return (relu_conv_bn(ci, co, 3) + relu_conv_bn(co, co, 3)
            + ci * co)  # downsample: AvgPool2d(2), Conv2d 1x1 (bias=False)


def network(channels, classes=10):
    c = channels
    total = 3 * c[0] * 9 + bn(c[0])  # stem: conv 3x3 + BN
    prev = c[0]
    for index, cur in enumerate(c):
        total += resnet_basic_block(prev, cur) if index in (1, 3) else infer_cell(prev, cur)
        prev = cur
    return total + bn(prev) + prev * classes + classes  # lastact BN, classifier


CANDIDATES = [8, 16, 24, 32, 40, 48, 56, 64]

if __name__ == "__main__":
    classes = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    for arch in ([64] * 5, [8] * 5, [8, 16, 24, 32, 64], [64, 8, 64, 8, 64]):
        print(":".join(map(str, arch)), network(arch, classes))
    counts = [network(a, classes) for a in itertools.product(CANDIDATES, repeat=5)]
    print("architectures", len(counts), "params", min(counts), "..", max(counts))
