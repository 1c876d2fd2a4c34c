// A tiny space on the real CIFAR-10 subset: each evaluation trains a few
// hundred images for one epoch (about a second on 2 cores).
import "std/ops";
import "std/search";

network TinyNet {
  input image: tensor(3, 32, 32);
  choice width: [4, 8];
  choice kernel: [3, 5];
  output image |> conv_bn_relu(width, kernel=kernel, stride=2) |> max_pool(3, stride=2)
               |> global_avg_pool |> linear(10);
}

search TinyCifar {
  space = TinyNet();
  dataset = cifar10(root="../shared/data/cifar10-subset", valid_fraction=0.2);
  estimator = low_fidelity(epochs=1, subset=0.1);
  optimizer = sgd(lr=0.05, batch_size=32);
  strategy = random();
  evaluations = 4;
  seed = 1;
  maximize accuracy;
}

// The same space scored by a single-path supernet trained once.
search TinySupernet {
  space = TinyNet();
  dataset = cifar10(root="../shared/data/cifar10-subset", valid_fraction=0.2);
  estimator = supernet(mode="uniform", epochs=1);
  optimizer = sgd(lr=0.05, batch_size=32);
  strategy = grid();
  evaluations = 4;
  seed = 1;
  maximize accuracy;
}

// FairNAS-style supernet training: every alternative once a step.
search TinyFair {
  space = TinyNet();
  dataset = cifar10(root="../shared/data/cifar10-subset", valid_fraction=0.2);
  estimator = supernet(mode="fair", epochs=1);
  optimizer = sgd(lr=0.05, batch_size=32);
  strategy = grid();
  evaluations = 4;
  seed = 1;
  maximize accuracy;
}

// Zero-cost: each architecture scored untrained on one batch.
search TinyZeroCost {
  space = TinyNet();
  dataset = cifar10(root="../shared/data/cifar10-subset", valid_fraction=0.2);
  estimator = zero_cost(proxy="synflow", batch_size=16);
  strategy = grid();
  evaluations = 4;
  seed = 1;
  maximize accuracy;
}

// SPOS: a uniform single-path supernet, then evolution over its subnetworks
// (population x generations evaluations: no `evaluations` here).
search TinySpos {
  space = TinyNet();
  dataset = cifar10(root="../shared/data/cifar10-subset", valid_fraction=0.2);
  optimizer = sgd(lr=0.05, batch_size=32);
  strategy = spos(epochs=1, population=2, generations=3);
  seed = 1;
  maximize accuracy;
}
