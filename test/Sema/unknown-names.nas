// Unknown names of every kind, with a did-you-mean suggestion where a
// declared name of the right kind is one edit away.
// RUN: nasc check --verify-diagnostics %s

op relu() = "relu";
op conv(out: int = in_channels, kernel: int = 3) = "conv2d";
metric accuracy: float maximize;
metric latency(device: string): float minimize;
strategy evolution(population: int = 50) = "evolution";
dataset cifar10() = "cifar10";
estimator one_shot() = "one_shot";
optimizer sgd(lr: float = 0.1) = "sgd";

const width = 16;

// expected-error @+1 {{unknown type 'floot'; did you mean 'float'?}}
op scale(factor: floot = 1.0) = "scale";

cell C() {
  input x;
  // expected-error @+1 {{unknown name 'widt'; did you mean 'width'?}}
  let w = widt * 2;
  // The right side of a pipe names a layer.
  // expected-error @+1 {{'relx'; did you mean 'relu'?}}
  node y = x |> conv(w) |> relx;
  // expected-error @+1 {{unknown operation 'comv'; did you mean 'conv'?}}
  node z = y |> comv(kernel=3);
  // expected-error @+1 {{unknown name 'yy'; did you mean 'y'?}}
  output sum(z, yy);
}

network Net() {
  input image: tensor(3, 32, 32);
  output image |> C();
}

search S {
  // expected-error @+1 {{unknown network 'Nett'; did you mean 'Net'?}}
  space = Nett();
  // expected-error @+1 {{unknown strategy 'evolutoin'; did you mean 'evolution'?}}
  strategy = evolutoin(population=20);
  // expected-error @+1 {{unknown dataset 'cifar100'; did you mean 'cifar10'?}}
  dataset = cifar100();
  // expected-error @+1 {{unknown estimator 'one_shoot'; did you mean 'one_shot'?}}
  estimator = one_shoot();
  // expected-error @+1 {{unknown optimizer 'sdg'}}
  optimizer = sdg(lr=0.1);
  // expected-error @+1 {{unknown search setting 'evalutions'; did you mean 'evaluations'?}}
  evalutions = 100;
  // expected-error @+1 {{unknown metric 'acuracy'; did you mean 'accuracy'?}}
  maximize acuracy;
  // expected-error @+1 {{unknown metric 'latncy'; did you mean 'latency'?}}
  require latncy("cpu") <= 10.0;
}
