// Choosing the compound-scaling coefficient of EfficientNet under a FLOPs
// budget: a search over 8 networks (phi = 0..7, B0..B7 by the formula).
//
// phi sets the input resolution, so it is a choice of the search block passed
// to the space rather than a choice inside the network.
//
//   nasc check examples/efficientnet_phi.nas

import "std/ops";
import "std/search";
import "std/spaces/efficientnet";

search EfficientNetScaling {
  choice phi: 0..7;
  space = EfficientNet(phi=phi);

  // Images at the resolution EfficientNet(phi) takes: 224 * 1.15^phi.
  dataset = image_folder(root="data/imagenet", size=round(224 * 1.15 ** phi));
  estimator = low_fidelity(epochs=10, subset=0.1);
  optimizer = sgd(lr=0.2, momentum=0.9, nesterov=true, weight_decay=1e-5, batch_size=256, label_smoothing=0.1);
  strategy = grid();
  evaluations = 8;

  // At most ~4 GMACs (about B3).
  require flops <= 4e9;
  maximize accuracy;
}
