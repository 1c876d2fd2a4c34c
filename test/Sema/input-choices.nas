// Input choices pick nodes: `k of [...]` exactly k, `any of [...]` a subset.
// RUN: nasc check --verify-diagnostics %s

op relu() = "relu";
op conv(out: int = in_channels) = "conv2d";

cell C() {
  input x0;
  input x1;
  node a = x0 |> relu;
  // expected-error @+1 {{input choice 'more' picks 3 inputs but only 2 are offered}}
  choice more: 3 of [x0, x1];
  // expected-error @+1 {{input choice 'more1' picks 2 inputs but only 1 is offered}}
  choice more1: 2 of [x0];
  // expected-error @+1 {{an input choice must pick at least 1 input, got 0}}
  choice none: 0 of [x0, x1];
  // expected-warning @+1 {{input choice 'all' picks all 3 inputs; it is not a decision}}
  choice all: 3 of [x0, x1, a];
  // expected-error @+1 {{input choice 'nothing' has no inputs to choose from}}
  choice nothing: any of [];
  // expected-error @+1 {{the number of inputs to pick must be int, got float}}
  choice half: 1.5 of [x0, x1];
  // expected-error @+1 {{an input choice picks among tensors (nodes or inputs), got int[]}}
  choice ints: 1 of [1, 2];
  // expected-error @+1 {{the domain of choice 'dep' depends on another choice; domains must be fixed}}
  choice dep: k of [x0, x1];
  choice k: [1, 2];
  // Fine, also with candidates that depend on other choices, and indexing
  // the picked list.
  choice two: 2 of [x0, x1, a];
  choice some: any of [x0, a];
  choice act: [relu, conv];
  choice mixed: 1 of [act(x0), act(x1)];
  require len(two) == 2;
  output concat(two, some, more, more1, none, all, nothing, half, ints, dep, x1, mixed[0]);
}

network Net() {
  input image: tensor(3, 8, 8);
  output (C() independent)(image, image);
}
