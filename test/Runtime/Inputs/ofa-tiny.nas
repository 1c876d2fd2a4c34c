// A tiny Once-for-All-style space on the real CIFAR-10 subset (a tenth of
// it trains): one stage of MBConv layers with elastic kernel, expansion and
// depth, and an elastic stem width.
import "std/ops";
import "std/search";

block OfaLayer(out: int, stride: int) {
  input x;
  choice kernel: [3, 5];
  choice expand: [2, 4];
  output x |> mbconv(out, expand, kernel, stride, act="hard_swish");
}

network OfaTiny(res: int = 32) {
  input image: tensor(3, res, res);
  choice stem: [8, 12];
  choice depth: [1, 2];
  node s = image |> conv(stem, kernel=3, stride=2) |> batch_norm |> hard_swish;
  node stage = s |> OfaLayer(16, 2) independent |> repeat(depth, OfaLayer(16, 1) independent);
  output stage |> global_avg_pool |> linear(10);
}

// Progressive shrinking, then one network per latency target.
search OfaTargets {
  space = OfaTiny();
  dataset = cifar10(root="../shared/data/cifar10-subset", valid_fraction=0.9);
  estimator = supernet(mode="progressive", epochs=1);
  optimizer = sgd(lr=0.05, momentum=0.9, batch_size=32);
  strategy = ofa_specialize(targets="0.05,100,50%", samples=10, population=12, generations=3);
  seed = 1;
  maximize accuracy;
}

// Elastic resolution, as OFA's: a search-level choice sets the input size;
// the 32 x 32 images are resized to each path's.
search OfaResolution {
  choice res: [24, 28, 32];
  space = OfaTiny(res=res);
  dataset = cifar10(root="../shared/data/cifar10-subset", valid_fraction=0.9);
  estimator = supernet(mode="progressive", epochs=1);
  optimizer = sgd(lr=0.05, momentum=0.9, batch_size=32);
  strategy = ofa_specialize(targets="100", samples=6, population=12, generations=3);
  seed = 1;
  maximize accuracy;
}

// The sandwich rule, then one network under cost constraints alone.
search OfaCosts {
  space = OfaTiny();
  dataset = cifar10(root="../shared/data/cifar10-subset", valid_fraction=0.9);
  estimator = supernet(mode="sandwich", epochs=1);
  optimizer = sgd(lr=0.05, momentum=0.9, batch_size=32);
  strategy = ofa_specialize(samples=6, population=12, generations=3);
  seed = 1;
  require flops <= 400000;
  require params <= 6000;
  maximize accuracy;
}

// ofa_specialize needs an elastic supernet.
search OfaNotElastic {
  space = OfaTiny();
  dataset = cifar10(root="../shared/data/cifar10-subset", valid_fraction=0.9);
  estimator = supernet(mode="uniform", epochs=1);
  strategy = ofa_specialize(samples=6);
  maximize accuracy;
}

// Refused: a target that is not a latency.
search OfaBadTarget {
  space = OfaTiny();
  dataset = cifar10(root="../shared/data/cifar10-subset", valid_fraction=0.9);
  estimator = supernet(mode="progressive", epochs=1);
  strategy = ofa_specialize(targets="1.5,fast");
  maximize accuracy;
}
