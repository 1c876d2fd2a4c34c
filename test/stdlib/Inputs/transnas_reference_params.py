#!/usr/bin/env python3
"""Parameter counts of TransNAS-Bench-101 networks (Duan et al., CVPR 2021),
module by module as the benchmark's code builds them (lib/models/net_infer/
net_macro.py MacroNet with structure='backbone', cell_micro.py MicroCell and
ResNetBasicblock, net_ops/cell_ops.py), plus the classification decoder
(FFDecoder: global average pooling, Linear to 75 object classes), without
torch. Batch norm counts its scale and shift (running statistics are
buffers).

An architecture is the benchmark's string BASE-MACRO-CELL: "64-41414-3_33_333"
(micro space: the 41414 skeleton, a cell of 6 edge codes, 0 none, 1 skip,
2 conv 1x1, 3 conv 3x3) or "64-1234-basic" (macro space: module codes
1 plain, 2 channels x2, 3 stride 2, 4 both; ResNet basic blocks)."""
import itertools
import sys


def bn(c):
    return 2 * c


def relu_conv_bn(ci, co, k):  # ReLU, Conv2d(bias=False), BatchNorm2d
    return ci * co * k * k + bn(co)


def edge(code, ci, co, stride):
    if code == "0":  # Zero
        return 0
    if code == "1":  # Identity, or FactorizedReduce: two 1x1 convs to co/2, BN
        return 0 if stride == 1 and ci == co else ci * (co // 2) + ci * (co - co // 2) + bn(co)
    return relu_conv_bn(ci, co, 1 if code == "2" else 3)


def micro_cell(cell, ci, co, stride):
    # cell = ['', '3', '33', '333']: node j's codes, one per edge from node i < j;
    # an edge from node 0 maps ci -> co at the cell's stride, the others co -> co.
    return sum(edge(code, ci if i == 0 else co, co, stride if i == 0 else 1)
               for node in cell[1:] for i, code in enumerate(node))


def basic_block(ci, co, stride):
    total = relu_conv_bn(ci, co, 3) + relu_conv_bn(co, co, 3)
    if stride != 1 or ci != co:  # downsample: Conv2d 1x1 (stride) + BatchNorm2d
        total += ci * co + bn(co)
    return total


def network(arch, classes=75):
    base, macro, cell = arch.split("-")
    c = int(base)
    total = 3 * (c // 2) * 9 + bn(c // 2) + relu_conv_bn(c // 2, c, 3)  # stem
    cell = None if cell == "basic" else [""] + cell.split("_")
    for code in map(int, macro):
        out = 2 * c if code % 2 == 0 else c
        stride = 2 if code > 2 else 1
        for ci, s in ((c, stride), (out, 1)):  # two blocks (cells) per module
            total += basic_block(ci, out, s) if cell is None else micro_cell(cell, ci, out, s)
        c = out
    return total + c * classes + classes  # FFDecoder's Linear


def micro_unique():
    """Distinct micro networks under nasc's algebraic rule (zero terms dropped,
    sums flattened, identities pass their input), reading every cell of the
    network: in a normal cell skip_connect from node 0 is the identity, in a
    reduction cell (the first of a module coded 4) it is FactorizedReduce and
    the node-0 edges are strided, so an architecture's form is the pair."""
    def form(codes, reduction):
        nodes = {0: (("input",),)}
        for j, node in enumerate((codes[0:1], codes[1:3], codes[3:6]), 1):
            terms = []
            for i, code in enumerate(node):
                value = nodes[i]
                if code == "0" or value == ():
                    continue
                if code == "1" and not (reduction and i == 0):
                    terms += value
                else:
                    terms.append((code + ("s" if reduction and i == 0 else ""), value))
            nodes[j] = tuple(sorted(terms, key=repr))
        return nodes[3]
    return len({(form(e, False), form(e, True)) for e in itertools.product("0123", repeat=6)})


def macro_space():
    for depth in (4, 5, 6):
        for codes in itertools.product("1234", repeat=depth):
            down = sum(x in "34" for x in codes)
            double = sum(x in "24" for x in codes)
            if 1 <= down <= 4 and 1 <= double <= 3:
                yield "64-" + "".join(codes) + "-basic"


def micro_space():
    for e in itertools.product("0123", repeat=6):
        yield f"64-41414-{e[0]}_{e[1]}{e[2]}_{e[3]}{e[4]}{e[5]}"


if __name__ == "__main__":
    for arch in sys.argv[1:] or ["64-41414-3_33_333", "64-41414-0_00_000", "64-41414-1_02_333",
                                 "64-41414-1_11_111", "64-1234-basic", "64-41414-basic",
                                 "64-1114-basic", "64-224333-basic"]:
        print(arch, network(arch))
    for name, space in (("micro", micro_space), ("macro", macro_space)):
        counts = sorted((network(a), a) for a in space())
        print(name, "architectures", len(counts), "params", counts[0][0], "..", counts[-1][0],
              "(" + counts[0][1], "..", counts[-1][1] + ")")
    print("micro unique (algebraic rule, normal and reduction cells):", micro_unique())
