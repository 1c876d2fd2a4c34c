#!/usr/bin/env python3
"""Parameter counts of AutoFormer subnets (Chen et al., ICCV 2021), module by
module as the reference code's Vision_TransformerSuper counts a sampled
architecture (get_sampled_params_numel, AutoFormer/model/supernet_transformer.py),
without torch, for the supernet-T settings it was trained with: 224 x 224
images, 16 x 16 patches, Q-K-V width 64 per head (change_qkv), qkv bias,
relative position encodings (max_relative_position 14), global pooling (gp),
1,000 classes. Also the same count without the two parts std/ops cannot
express (the class token with its position embedding, and the relative
position tables): what nasc counts for the same architecture."""
import sys

PATCHES = (224 // 16) ** 2  # 196
REL_POS = 2 * 2 * (2 * 14 + 2) * 64  # K and V; vertical and horizontal tables; 30 rows; head width 64


def layer(embed, mlp_ratio, heads, rel_pos=True):
    qkv = 64 * heads
    hidden = int(embed * mlp_ratio)
    total = 2 * embed                      # attn_layer_norm
    total += embed * 3 * qkv + 3 * qkv     # qkv (bias)
    total += qkv * embed + embed           # proj
    total += 2 * embed                     # ffn_layer_norm
    total += embed * hidden + hidden       # fc1
    total += hidden * embed + embed        # fc2
    return total + (REL_POS if rel_pos else 0)


def network(embed, mlp_ratios, heads, classes=1000, reference=True):
    total = 3 * 16 * 16 * embed + embed    # patch embedding (Conv2d with bias)
    total += embed * PATCHES               # position embedding of the patches
    if reference:
        total += 2 * embed                 # class token, its position embedding
    total += sum(layer(embed, m, h, reference) for m, h in zip(mlp_ratios, heads))
    return total + 2 * embed + embed * classes + classes  # final norm, head


ARCHS = {
    "smallest": (192, [3.5] * 12, [3] * 12),
    "largest": (240, [4.0] * 14, [4] * 14),
    "mixed": (216, [3.5, 4.0] * 6 + [4.0], [3, 4, 4] * 4 + [3]),
}

if __name__ == "__main__":
    for name, (embed, mlps, heads) in ARCHS.items():
        print(name, "embed", embed, "depth", len(mlps), "reference", network(embed, mlps, heads),
              "without class token and relative positions", network(embed, mlps, heads, reference=False))
