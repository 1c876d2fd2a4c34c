// Everything in a body must reach the output or a requirement: an unused
// node is an error (part of the network would silently do nothing), other
// unused names are warnings.
// RUN: nasc check --verify-diagnostics %s

op relu() = "relu";
op conv(out: int = in_channels, kernel: int = 3) = "conv2d";

cell C(unused_param: int) {
  input x;
  // expected-warning @+1 {{input 'y' is never used}}
  input y;
  // expected-error @+1 {{node 'dead' is never used: it does not reach the output of cell 'C'}}
  node dead = x |> relu;
  // A node that only feeds an unused node is unused too.
  // expected-error @+1 {{node 'feeds_dead' is never used: it does not reach the output of cell 'C'}}
  node feeds_dead = x |> conv(8);
  // expected-error @+1 {{node 'dead2' is never used: it does not reach the output of cell 'C'}}
  node dead2 = feeds_dead |> relu;
  // expected-warning @+1 {{choice 'k' is never used: it multiplies the space without changing any network}}
  choice k: [3, 5];
  // expected-warning @+1 {{let 'w' is never used}}
  let w = 16;
  // expected-warning @+1 {{const 'c' is never used}}
  const c = 2;
  // Used only by a requirement: fine.
  choice depth: [1, 2];
  require depth > 0;
  output x |> relu;
}

network Net() {
  input image: tensor(3, 8, 8);
  output (C(1) independent)(image, image);
}

search S { maximize accuracy;
  space = Net();
  // expected-warning @+1 {{choice 'lr' is never used: it multiplies the space without changing any network}}
  choice lr: 0.01..0.1 log;
}

// Searches need an objective.
metric accuracy: float maximize;
