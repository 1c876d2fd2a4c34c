// std/spaces/autoformer: the AutoFormer-T ("tiny") search space (Chen, Peng,
// Fu & Ling, "AutoFormer: Searching Transformers for Visual Recognition",
// ICCV 2021; reference code microsoft/Cream, AutoFormer/: its supernet
// config experiments/supernet/supernet-T.yaml and model/supernet_transformer.py).
//
// A vision transformer for 224 x 224 ImageNet images, 16 x 16 patches
// (196 tokens). Decisions, as in supernet-T.yaml's SEARCH_SPACE:
//   embed_dim   the embedding width, one for the whole network: 192, 216 or 240
//   depth       the number of encoder layers: 12, 13 or 14
//   per layer   (each layer its own, `independent` under repeat)
//     mlp_ratio   MLP hidden width / embedding width: 3.5 or 4
//     heads       attention heads: 3 or 4; the Q-K-V width is 64 per head
//                 (192 or 256: the code's change_qkv, the paper's "Q-K-V dim")
//
// Counting: a layer has 2 x 2 = 4 configurations and only the layers the
// depth reaches count, so the space has
//   3 x (4^12 + 4^13 + 4^14) = 3 x 352,321,536 = 1,056,964,608
// architectures, the published figure. (A sampler that draws all 14 layers'
// decisions whatever the depth sees 3 x 3 x 4^14 ~ 2.4e9 vectors.)
//
// The layer is std/ops' transformer_block: pre-norm, x + MHA(LN(x)) with
// Q, K, V projections (with bias) to 64 x heads channels and an output
// projection back, then x + MLP(LN(x)) with hidden width embed_dim x
// mlp_ratio (672 .. 960) and GELU; the head is the final layer norm, the mean
// over the tokens (the code's --gp, as supernet-T was trained) and a linear
// classifier to 1,000 classes.
//
// Not expressible with std/ops, so left out (each is a fixed function of the
// decisions, and none changes the count):
//   - the class token and its position embedding (the code's sequence is
//     197 tokens: 2 x embed_dim parameters, and every layer attends over 197
//     tokens instead of 196);
//   - the relative position encodings of the attention (--relative_position:
//     per layer, tables for K and V, vertical and horizontal, of
//     2 x 14 + 2 = 30 rows by the head width 64: 7,680 parameters).
// So nasc's parameter count of an architecture is the reference code's
// (get_sampled_params_numel) minus (2 x embed_dim + 7,680 x depth); checked by
// test/stdlib/autoformer.test against Inputs/autoformer_reference_params.py,
// which counts the reference code's modules. The smallest network (192
// wide, 12 layers of 3 heads and ratio 3.5) has 5,273,512 parameters here
// (5,366,056 in the code), the largest (240 wide, 14 layers of 4 heads and
// ratio 4) 10,409,272 (10,517,272): `nasc info`'s exact range.
//
// Its supernet (estimator = supernet(mode="sandwich") or "progressive")
// entangles the weights as AutoFormer does: one tensor per layer, the first
// embedding channels, heads and MLP units of it per sub-network: 10,409,272
// parameters, the largest network's (93.5 M with weights per configuration:
// `nasc supernet`).
//
// The AutoFormer-T the paper reports (5.7 M parameters) is not
// in this space: the retraining configuration (a copy of the code's
// experiments/subnet/AutoFormer-T.yaml: 192 wide, 13 layers) has MLP ratio 3
// in three layers, outside supernet-T.yaml's {3.5, 4}.

import "std/ops";

// One encoder layer with its own MLP ratio and head count, at width `embed`.
block AutoFormerLayer(embed: int) {
  input x;
  choice mlp_ratio: [3.5, 4.0];
  choice heads: [3, 4];
  output x |> transformer_block(heads, mlp_ratio, 64 * heads);
}

network AutoFormerTiny(classes: int = 1000, resolution: int = 224, patch: int = 16) {
  input image: tensor(3, resolution, resolution);

  choice embed_dim: [192, 216, 240];
  choice depth: 12..14;

  node tokens = image |> patch_embed(embed_dim, patch);
  node encoded = tokens |> repeat(depth, AutoFormerLayer(embed_dim) independent);

  output encoded |> layer_norm |> global_avg_pool |> linear(classes);
}
