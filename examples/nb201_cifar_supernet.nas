// Weight sharing on real CIFAR-10 images: a single-path supernet of the
// NAS-Bench-201 space (16 channels, 5 cells a stage, as the benchmark's
// networks) trained by uniform path sampling (SPOS), then regularized
// evolution over architectures scored with the supernet's weights.
//
// The data is the 6,102-image CIFAR-10 subset in ../shared/data (run nasc
// from the project root); point `root` at the full binary CIFAR-10
// (cifar-10-batches-bin) for a real run, and raise the epochs.
//
//   nasc search examples/nb201_cifar_supernet.nas

import "std/ops";
import "std/search";
import "std/spaces/nb201";

search NB201Supernet {
  space = NasBench201();
  dataset = cifar10(root="../shared/data/cifar10-subset", valid_fraction=0.5);
  estimator = supernet(mode="uniform", epochs=2);
  optimizer = sgd(lr=0.05, momentum=0.9, nesterov=true, weight_decay=5e-4, batch_size=64);
  strategy = evolution(population=10, sample=3);
  evaluations = 8;
  seed = 0;

  maximize accuracy;
}

// The same space, each architecture trained standalone for one epoch:
// what the supernet's scores stand in for.
search NB201Standalone {
  space = NasBench201();
  dataset = cifar10(root="../shared/data/cifar10-subset", valid_fraction=0.5);
  estimator = low_fidelity(epochs=1);
  optimizer = sgd(lr=0.05, momentum=0.9, nesterov=true, weight_decay=5e-4, batch_size=64);
  strategy = random();
  evaluations = 4;
  seed = 0;

  maximize accuracy;
}
