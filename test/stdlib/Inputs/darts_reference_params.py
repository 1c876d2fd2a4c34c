#!/usr/bin/env python3
"""Parameter counts of the DARTS reference code's CIFAR networks, module by
module, without torch: the search network (model_search.Network: C=16, 8
cells, 4 steps, multiplier 4, stem multiplier 3, every op a MixedOp, pools
followed by BatchNorm2d(affine=False)) and an evaluation network
(model.NetworkCIFAR, no auxiliary head) for the DARTS_V2 genotype at C=16 and
8 cells, the shape of std/spaces/darts. Batch norm counts its scale and
shift only when affine (running statistics are buffers)."""


def bn(c, affine):
    return 2 * c if affine else 0


def relu_conv_bn(ci, co, k, affine):
    return ci * co * k * k + bn(co, affine)


def dil_conv(ci, co, k, affine):  # depthwise k x k, pointwise 1x1, BN
    return ci * k * k + ci * co + bn(co, affine)


def sep_conv(ci, co, k, affine):  # two dil_conv-like halves
    return dil_conv(ci, ci, k, affine) + dil_conv(ci, co, k, affine)


def factorized_reduce(ci, co, affine):  # two 1x1 convs to co/2, BN
    return 2 * ci * (co // 2) + bn(co, affine)


def op(name, c, stride, affine):
    if name in ("none", "max_pool_3x3", "avg_pool_3x3"):
        return 0
    if name == "skip_connect":
        return 0 if stride == 1 else factorized_reduce(c, c, affine)
    kind, k = name.rsplit("_", 1)[0], int(name[-1])
    return (sep_conv if kind == "sep_conv" else dil_conv)(c, c, k, affine)


PRIMITIVES = ["none", "max_pool_3x3", "avg_pool_3x3", "skip_connect",
              "sep_conv_3x3", "sep_conv_5x5", "dil_conv_3x3", "dil_conv_5x5"]

DARTS_V2 = {
    "normal": [("sep_conv_3x3", 0), ("sep_conv_3x3", 1), ("sep_conv_3x3", 0), ("sep_conv_3x3", 1),
               ("sep_conv_3x3", 1), ("skip_connect", 0), ("skip_connect", 0), ("dil_conv_3x3", 2)],
    "reduce": [("max_pool_3x3", 0), ("max_pool_3x3", 1), ("skip_connect", 2), ("max_pool_3x3", 1),
               ("max_pool_3x3", 0), ("skip_connect", 2), ("skip_connect", 2), ("max_pool_3x3", 1)],
}


def network(cell_params, C=16, layers=8, classes=10, affine=True):
    c = 3 * C
    total = 3 * c * 9 + bn(c, True)  # stem: conv 3x3 + BN
    cpp, cp, c = c, c, C
    reduction_prev = False
    for i in range(layers):
        reduction = i in (layers // 3, 2 * layers // 3)
        if reduction:
            c *= 2
        total += factorized_reduce(cpp, c, affine) if reduction_prev else relu_conv_bn(cpp, c, 1, affine)
        total += relu_conv_bn(cp, c, 1, affine)
        total += cell_params(c, reduction)
        reduction_prev = reduction
        cpp, cp = cp, 4 * c
    return total + cp * classes + classes


def search_cell(affine):
    def params(c, reduction):
        return sum(op(p, c, 2 if reduction and k < 2 else 1, affine)
                   for j in range(4) for k in range(2 + j) for p in PRIMITIVES)
    return params


def genotype_cell(genotype):
    def params(c, reduction):
        edges = genotype["reduce" if reduction else "normal"]
        return sum(op(name, c, 2 if reduction and src < 2 else 1, True) for name, src in edges)
    return params


print(f"search network, the code's BN (affine=False): {network(search_cell(False), affine=False)}")
print(f"search network, affine BN: {network(search_cell(True))}")
print(f"DARTS_V2 network: {network(genotype_cell(DARTS_V2))}")
