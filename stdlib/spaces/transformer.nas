// std/spaces/transformer: a vision-transformer space in the style of
// AutoFormer (Chen et al., ICCV 2021), sized for 32 x 32 CIFAR images.
//
// Decisions:
//   embed_dim   the embedding width of every layer: 192, 240, 288 or 384
//   depth       the number of encoder layers: 4..8
//   per layer   (each layer its own, `independent` under repeat)
//     heads       3, 4, 6 or 8 attention heads
//     mlp_ratio   MLP hidden width / embedding width: 2.0, 3.0 or 4.0
//
// Every width is a multiple of 24, so every head count divides every width:
// the `dim % heads == 0` requirement of transformer_block holds for every
// alternative (the checker verifies it).
//
// Counting: a network of depth d has 12^d layer configurations, so
// 4 * (12^4 + 12^5 + 12^6 + 12^7 + 12^8) = 4 * 469,069,056 = 1,876,276,224
// architectures. (A search that draws all 8 layers' decisions whatever the
// depth sees 4 * 5 * 12^8 ~ 8.6e9 decision vectors.)

import "std/ops";

// One encoder layer with its own heads and MLP ratio, at width `dim`.
block TransformerLayer(dim: int) {
  input x;
  choice heads: [3, 4, 6, 8];
  choice mlp_ratio: [2.0, 3.0, 4.0];
  output x |> transformer_block(heads, mlp_ratio, dim);
}

network VisionTransformer(patch: int = 4, min_depth: int = 4, max_depth: int = 8, classes: int = 10) {
  input image: tensor(3, 32, 32);

  choice embed_dim: [192, 240, 288, 384];
  choice depth: min_depth..max_depth;

  // 32 x 32 / patch 4: 8 x 8 = 64 tokens of embed_dim channels.
  node tokens = image |> patch_embed(embed_dim, patch);
  node encoded = tokens |> repeat(depth, TransformerLayer(embed_dim) independent);

  // Mean over the tokens, then the classifier.
  output encoded |> layer_norm |> global_avg_pool |> linear(classes);
}
