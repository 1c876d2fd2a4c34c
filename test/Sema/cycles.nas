// Bodies are order-independent, so bindings may not depend on themselves.
// RUN: nasc check --verify-diagnostics %s

op relu() = "relu";
op conv(out: int = in_channels, kernel: int = 3) = "conv2d";

cell TwoNodes() {
  input x;
  // expected-error @+1 {{cycle in cell 'TwoNodes': node 'a' depends on itself through a -> b -> a}}
  node a = sum(x, b);
  node b = a |> relu;
  // expected-note @-1 {{'b' uses 'a' here, closing the cycle}}
  output b;
}

cell ThreeNodes() {
  input x;
  // expected-error @+1 {{cycle in cell 'ThreeNodes': node 'p' depends on itself through p -> q -> r -> p}}
  node p = concat(x, q);
  node q = r |> conv(16);
  node r = sum(p, x);
  // expected-note @-1 {{'r' uses 'p' here, closing the cycle}}
  output r;
}

cell Self() {
  input x;
  // expected-error @+1 {{cycle in cell 'Self': node 's' depends on itself}}
  node s = sum(x, s);
  output s;
}

cell ChoiceAndLet() {
  input x;
  // expected-error @+1 {{cycle in cell 'ChoiceAndLet': choice 'k' depends on itself through k -> w -> k}}
  choice k: [w, 16];
  let w = k * 2;
  // expected-note @-1 {{'w' uses 'k' here, closing the cycle}}
  output x |> conv(w);
}

network Net() {
  input image: tensor(3, 8, 8);
  output image |> TwoNodes() |> ThreeNodes() |> Self() |> ChoiceAndLet() independent;
}

// expected-error @+1 {{const 'K' is defined in terms of itself}}
const K = L + 1;
const L = K * 2;
