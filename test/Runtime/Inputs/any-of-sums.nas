// `any of` choices that a sum or concat reads alone: the architectures that
// pick nothing cannot be built, so they are not in the space (3 of the 4
// subsets of [a, b]); `len()` of such a choice is a value of the decision
// a requirement can read (at most two of [c, d, e]: 6 of 8 with the first).
import "std/ops";
import "std/search";

network AnyOf {
  input image: tensor(3, 32, 32);
  node x = image |> max_pool(3, stride=4);
  node a = x |> conv_bn_relu(4);
  node b = x |> conv_bn_relu(4, kernel=1);
  choice first: any of [a, b];
  node y = sum(first);
  node c = y |> conv_bn_relu(4);
  node d = y |> conv_bn_relu(4, kernel=1);
  node e = y |> max_pool(3);
  choice second: any of [c, d, e];
  require len(second) <= 2, "at most two";
  output concat(second) |> global_avg_pool |> linear(10);
}

search All {
  space = AnyOf();
  dataset = cifar10(root="../shared/data/cifar10-subset", valid_fraction=0.2);
  estimator = zero_cost(proxy="synflow", batch_size=8);
  strategy = grid();
  evaluations = 40;
  seed = 1;
  maximize accuracy;
}

search Sampled {
  space = AnyOf();
  dataset = cifar10(root="../shared/data/cifar10-subset", valid_fraction=0.2);
  estimator = zero_cost(proxy="synflow", batch_size=8);
  strategy = random();
  evaluations = 18;
  seed = 3;
  maximize accuracy;
}
