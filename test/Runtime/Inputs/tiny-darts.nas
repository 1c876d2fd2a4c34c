// A small differentiable space on the real CIFAR-10 subset: an NB201-like
// cell whose last node keeps 2 of its 3 incoming edges (an input choice
// over mixed operations, as DARTS's cells), a few seconds an epoch.
import "std/ops";
import "std/search";

const OPS = [zero, identity, conv_bn_relu(kernel=3), avg_pool(3)];

cell TinyCell {
  input x0;
  choice e0_1: OPS;
  node x1 = e0_1(x0);
  choice e0_2: OPS;
  choice e1_2: OPS;
  node x2 = sum(e0_2(x0), e1_2(x1));
  choice e0_3: OPS;
  choice e1_3: OPS;
  choice e2_3: OPS;
  choice in3: 2 of [e0_3(x0), e1_3(x1), e2_3(x2)];
  output sum(in3);
}

network TinyMixed {
  input image: tensor(3, 32, 32);
  output image |> conv_bn_relu(8, kernel=3, stride=2) |> (TinyCell shared as cell) |> global_avg_pool |> linear(10);
}

search TinyDarts {
  space = TinyMixed();
  dataset = cifar10(root="../shared/data/cifar10-subset", valid_fraction=0.9);
  estimator = low_fidelity(epochs=1, subset=0.5);
  optimizer = sgd(lr=0.05, batch_size=64);
  strategy = darts(epochs=3, arch_lr=0.01);
  seed = 1;
  maximize accuracy;
}

// The same with the second-order (unrolled) architecture gradient.
search TinyDarts2 {
  space = TinyMixed();
  dataset = cifar10(root="../shared/data/cifar10-subset", valid_fraction=0.9);
  estimator = low_fidelity(epochs=1, subset=0.5);
  optimizer = sgd(lr=0.05, batch_size=64);
  strategy = darts(epochs=2, arch_lr=0.01, second_order=true);
  seed = 1;
  maximize accuracy;
}

// One choice whose `zero` alternative cannot fit the data at all: the
// architecture steps must take weight from it.
network OneChoice {
  input image: tensor(3, 32, 32);
  choice layer: [zero, identity, conv_bn_relu(kernel=3)];
  output image |> conv_bn_relu(8, kernel=3, stride=2) |> layer |> global_avg_pool |> linear(10);
}

search ZeroLoses {
  space = OneChoice();
  dataset = cifar10(root="../shared/data/cifar10-subset", valid_fraction=0.9);
  estimator = low_fidelity(epochs=1, subset=0.5);
  optimizer = sgd(lr=0.05, batch_size=64);
  strategy = darts(epochs=2, arch_lr=0.05);
  seed = 2;
  maximize accuracy;
}

search ZeroLoses2 {
  space = OneChoice();
  dataset = cifar10(root="../shared/data/cifar10-subset", valid_fraction=0.9);
  estimator = low_fidelity(epochs=1, subset=0.5);
  optimizer = sgd(lr=0.05, batch_size=64);
  strategy = darts(epochs=2, arch_lr=0.05, second_order=true);
  seed = 2;
  maximize accuracy;
}

// GDAS: one Gumbel-softmax sampled path a step.
search TinyGdas {
  space = TinyMixed();
  dataset = cifar10(root="../shared/data/cifar10-subset", valid_fraction=0.9);
  estimator = low_fidelity(epochs=1, subset=0.5);
  optimizer = sgd(lr=0.05, batch_size=64);
  strategy = gdas(epochs=3, arch_lr=0.01, tau_max=10.0, tau_min=1.0);
  seed = 1;
  maximize accuracy;
}

search ZeroLosesGdas {
  space = OneChoice();
  dataset = cifar10(root="../shared/data/cifar10-subset", valid_fraction=0.9);
  estimator = low_fidelity(epochs=1, subset=0.5);
  optimizer = sgd(lr=0.05, batch_size=64);
  strategy = gdas(epochs=3, arch_lr=0.05, tau_max=2.0, tau_min=0.5);
  seed = 2;
  maximize accuracy;
}

// Fair DARTS (sigmoid weights + zero-one loss) and DrNAS (Dirichlet samples).
search ZeroLosesFair {
  space = OneChoice();
  dataset = cifar10(root="../shared/data/cifar10-subset", valid_fraction=0.9);
  estimator = low_fidelity(epochs=1, subset=0.5);
  optimizer = sgd(lr=0.05, batch_size=64);
  strategy = fair_darts(epochs=2, arch_lr=0.05);
  seed = 2;
  maximize accuracy;
}

search ZeroLosesDrnas {
  space = OneChoice();
  dataset = cifar10(root="../shared/data/cifar10-subset", valid_fraction=0.9);
  estimator = low_fidelity(epochs=1, subset=0.5);
  optimizer = sgd(lr=0.05, batch_size=64);
  strategy = drnas(epochs=2, arch_lr=0.05, reg_type="kl");
  seed = 2;
  maximize accuracy;
}

// ENAS: an LSTM controller over the single-path supernet of the same cell.
search TinyEnas {
  space = TinyMixed();
  dataset = cifar10(root="../shared/data/cifar10-subset", valid_fraction=0.9);
  estimator = low_fidelity(epochs=1, subset=0.5);
  optimizer = sgd(lr=0.05, batch_size=64);
  strategy = enas(epochs=3, controller_steps=20, controller_lr=0.01, samples=20);
  seed = 1;
  maximize accuracy;
}

search ZeroLosesEnas {
  space = OneChoice();
  dataset = cifar10(root="../shared/data/cifar10-subset", valid_fraction=0.9);
  estimator = low_fidelity(epochs=1, subset=0.5);
  optimizer = sgd(lr=0.05, batch_size=64);
  strategy = enas(epochs=3, controller_steps=30, controller_lr=0.05, entropy=0.0, samples=10);
  seed = 2;
  maximize accuracy;
}

// FBNet: a latency-aware loss. With a large latency weight the cheapest
// alternative that is not `zero` (identity, no work) must win.
search FastFbnet {
  space = OneChoice();
  dataset = cifar10(root="../shared/data/cifar10-subset", valid_fraction=0.9);
  estimator = low_fidelity(epochs=1, subset=0.5);
  optimizer = sgd(lr=0.05, batch_size=64);
  strategy = fbnet(epochs=3, arch_lr=0.1, alpha=5.0, beta=1.0);
  seed = 2;
  maximize accuracy;
}

// PC-DARTS: the mixed edges on 1/4 of the cell's 8 channels, edge weights
// on the input choice, architecture steps from epoch 2.
search TinyPcDarts {
  space = TinyMixed();
  dataset = cifar10(root="../shared/data/cifar10-subset", valid_fraction=0.9);
  estimator = low_fidelity(epochs=1, subset=0.5);
  optimizer = sgd(lr=0.05, batch_size=64);
  strategy = pc_darts(epochs=3, arch_lr=0.01, partial=4, warmup=1);
  seed = 1;
  maximize accuracy;
}

search ZeroLosesPc {
  space = OneChoice();
  dataset = cifar10(root="../shared/data/cifar10-subset", valid_fraction=0.9);
  estimator = low_fidelity(epochs=1, subset=0.5);
  optimizer = sgd(lr=0.05, batch_size=64);
  strategy = pc_darts(epochs=2, arch_lr=0.05, partial=2, warmup=0);
  seed = 2;
  maximize accuracy;
}

// ProxylessNAS: binary gates, two sampled paths an architecture step.
search ZeroLosesProxyless {
  space = OneChoice();
  dataset = cifar10(root="../shared/data/cifar10-subset", valid_fraction=0.9);
  estimator = low_fidelity(epochs=1, subset=0.5);
  optimizer = sgd(lr=0.05, batch_size=64);
  strategy = proxyless(epochs=3, arch_lr=0.05, warmup=0);
  seed = 2;
  maximize accuracy;
}

// With latency in the objective (MnasNet's form, a steep exponent) the
// convolution must lose to the identity.
search FastProxyless {
  space = OneChoice();
  dataset = cifar10(root="../shared/data/cifar10-subset", valid_fraction=0.9);
  estimator = low_fidelity(epochs=1, subset=0.5);
  optimizer = sgd(lr=0.05, batch_size=64);
  strategy = proxyless(epochs=3, arch_lr=0.1, warmup=0);
  seed = 2;
  maximize accuracy * (latency("cpu") / 0.01) ** -2.0;
}

// The additive form: accuracy - lambda x latency gives CE + lambda LAT.
search AddProxyless {
  space = OneChoice();
  dataset = cifar10(root="../shared/data/cifar10-subset", valid_fraction=0.9);
  estimator = low_fidelity(epochs=1, subset=0.5);
  optimizer = sgd(lr=0.05, batch_size=64);
  strategy = proxyless(epochs=1, arch_lr=0.1, warmup=0);
  seed = 2;
  maximize accuracy - 50.0 * latency("cpu");
}

// What proxyless cannot make a loss of: two objectives, and a latency on
// a device the (measured) table is not for.
search TwoObjectivesProxyless {
  space = OneChoice();
  dataset = cifar10(root="../shared/data/cifar10-subset", valid_fraction=0.9);
  optimizer = sgd(lr=0.05, batch_size=64);
  strategy = proxyless(epochs=1, warmup=0);
  maximize accuracy;
  minimize latency("cpu");
}

search PhoneProxyless {
  space = OneChoice();
  dataset = cifar10(root="../shared/data/cifar10-subset", valid_fraction=0.9);
  optimizer = sgd(lr=0.05, batch_size=64);
  strategy = proxyless(epochs=1, warmup=0);
  maximize accuracy * (latency("pixel3") / 5.0) ** -0.07;
}
