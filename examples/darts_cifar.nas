// DARTS on the DARTS space (std/spaces/darts: 8 cells, two cell types, 14
// mixed edges a cell, each node keeping its 2 strongest inputs) with the
// CIFAR-10 images in ../shared/data: first-order DARTS on the train half
// for the weights and the valid half for the alphas, then the derived
// genotype (an ordinary architecture ID of the space) is exported to
// best.nas and trained standalone, briefly.
//
// The paper searches a C=16 network for 50 epochs on 25,000 + 25,000
// images on a GPU (1.5 GPU-days for second order); this runs on a laptop
// CPU: C=8, a few epochs on ~3,000 images. Point `root` at the full
// binary CIFAR-10 and raise C and the epochs for a real search.
//
//   nasc search examples/darts_cifar.nas
//   nasc search examples/darts_cifar.nas --derive-only   # the genotype only

import "std/ops";
import "std/search";
import "std/spaces/darts";

search DartsCifar {
  space = Darts(C=8);
  dataset = cifar10(root="../shared/data/cifar10-subset", valid_fraction=0.5);
  optimizer = sgd(lr=0.025, momentum=0.9, weight_decay=3e-4, batch_size=64);
  strategy = darts(epochs=2, arch_lr=3e-4, arch_weight_decay=1e-3);
  estimator = low_fidelity(epochs=2);
  seed = 0;

  maximize accuracy;
}
