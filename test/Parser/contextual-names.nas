// Names that look like keywords but are not: `linear` is an ordinary name,
// the extern kinds are setting keys in a search block, and the template
// kinds are sharing keys.
// RUN: nasc check %s 2>&1 | count 0
// The keyword-like sharing keys name the decision sets they share:
// RUN: nasc info %s | FileCheck %s
// CHECK: space Net.space (network Net)
// CHECK-NEXT: size: 8 architectures
// CHECK: block/w: categorical [8, 16]
// CHECK-NEXT: cell/k: categorical [3, 5]
// CHECK-NEXT: network/k: categorical [3, 5]

op linear(out: int = 10) = "linear";
op conv(out: int = in_channels, kernel: int = 3) = "conv2d";
strategy random() = "random";
dataset cifar10() = "cifar10";
estimator train() = "train";
optimizer adam(lr: float = 0.001) = "adam";
metric accuracy: float maximize;

cell Cell() {
  input x;
  choice k: [3, 5];
  output x |> conv(kernel=k);
}

block Block() {
  input x;
  choice w: [8, 16];
  output x |> conv(w);
}

network Net() {
  input image: tensor(3, 32, 32);
  node a = image |> Cell() shared as cell;
  node b = a |> Block() shared as block;
  node c = b |> Cell() shared as network;
  output c |> linear;
}

search S {
  space = Net();
  strategy = random();
  dataset = cifar10();
  estimator = train();
  optimizer = adam(lr=0.01);
  maximize accuracy;
}
