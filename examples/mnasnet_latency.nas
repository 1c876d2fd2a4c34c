// Platform-aware search in the MnasNet space (Tan et al., CVPR 2019).
//
// MnasNet maximizes ACC(m) * [LAT(m) / T]^w: a soft latency target T with
// w = -0.07, so 2x the latency costs ~5% of the reward and half of it gains
// ~5%. On top of that this search drops any network slower than a hard limit.
// Latency is measured on the phone MnasNet used (a Pixel 1).
//
// ImageNet is not bundled: point image_folder at a copy (root/train/CLASS/*.jpg).
//
//   nasc check examples/mnasnet_latency.nas

import "std/ops";
import "std/search";
import "std/spaces/mnasnet";

search MnasNetLatency {
  space = MnasNet();
  dataset = image_folder(root="data/imagenet", size=224, valid_fraction=0.04);
  // Each sampled model is trained for 5 epochs (MnasNet's proxy training).
  estimator = low_fidelity(epochs=5);
  optimizer = sgd(lr=0.1, momentum=0.9, weight_decay=4e-5, batch_size=256, label_smoothing=0.1);
  strategy = ppo(clip=0.2, batch=8);
  evaluations = 8000;
  seed = 0;

  const target_ms = 75.0;   // T
  const w = -0.07;
  let lat = latency("pixel1");

  // Scalarized reward: one objective.
  maximize accuracy * (lat / target_ms) ** w;
  // Hard constraint: never slower than 100 ms.
  require lat <= 100.0;
}
