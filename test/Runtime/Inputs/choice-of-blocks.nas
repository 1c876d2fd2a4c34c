// A layer chosen among searched blocks: each block's own decisions count
// only when the block is chosen, so the space has 4 (Wide: width x kernel)
// + 2 (Deep: depth 1..2) + 1 (a plain convolution) = 7 architectures.
import "std/ops";
import "std/search";

block Wide {
  input x;
  choice w: [4, 8];
  choice k: [3, 5];
  output x |> conv_bn_relu(w, kernel=k);
}

block Deep {
  input x;
  choice depth: 1..2;
  output x |> repeat(depth, conv_bn_relu(6));
}

network Blocks {
  input image: tensor(3, 32, 32);
  choice stem: [Wide independent, Deep independent, conv_bn_relu(4)];
  output image |> max_pool(3, stride=2) |> stem |> global_avg_pool |> linear(10);
}

// Zero-cost scores: every architecture of the space, without training.
search AllBlocks {
  space = Blocks();
  dataset = cifar10(root="../shared/data/cifar10-subset", valid_fraction=0.2);
  estimator = zero_cost(proxy="synflow", batch_size=16);
  strategy = grid();
  evaluations = 20;
  seed = 1;
  maximize accuracy;
}

// Trained: a short low-fidelity run, so the chosen network is trained,
// exported and reloaded.
search TrainBlocks {
  space = Blocks();
  dataset = cifar10(root="../shared/data/cifar10-subset", valid_fraction=0.2);
  estimator = low_fidelity(epochs=1, subset=0.1);
  optimizer = sgd(lr=0.05, batch_size=32);
  strategy = evolution(population=3, sample=2);
  evaluations = 5;
  seed = 3;
  maximize accuracy;
}
