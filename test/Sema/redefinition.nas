// Every name is defined once: top-level names share one namespace, and the
// names of one body (parameters included) share another.
// RUN: nasc check --verify-diagnostics %s

op relu() = "relu";
// expected-note @-1 {{previous definition is here}}

const C = 16;
// expected-note @-1 {{previous definition is here}}
// expected-error @+1 {{redefinition of 'C'}}
const C = 32;

// A template may not take the name of an op either.
// expected-error @+1 {{redefinition of 'relu'}}
cell relu() {
  input x;
  output x;
}

// Builtin functions cannot be redefined, at the top level or inside a body.
// expected-error @+1 {{'sum' is a builtin function and cannot be redefined}}
const sum = 1;
// expected-error @+1 {{'concat' is a builtin function and cannot be redefined}}
op concat() = "cat";

// expected-error @+2 {{duplicate parameter 'width'}}
// expected-note @+1 {{previous parameter is here}}
cell Dup(width: int, width: int) {
  input x;
  output x;
}

// expected-note @+1 {{previous definition is here}}
cell Local(w: int) {
  // expected-note @+1 {{previous definition is here}}
  input x;
  // expected-error @+1 {{redefinition of 'x'}}
  node x = x |> relu;
  // expected-note @+1 {{previous definition is here}}
  let k = 3;
  // expected-error @+1 {{redefinition of 'k'}}
  choice k: [1, 2];
  // A local may not reuse a parameter's name.
  // expected-error @+1 {{redefinition of 'w'}}
  let w = 4;
  // expected-error @+1 {{'max' is a builtin function and cannot be redefined}}
  let max = 2;
  require k + w > 0;
  output x;
}

network Net() {
  input image: tensor(3, 8, 8);
  output image;
}

search S { maximize accuracy;
  space = Net();
  // expected-note @+1 {{previous definition is here}}
  let lr = 0.1;
  // expected-error @+1 {{redefinition of 'lr'}}
  choice lr: [0.1, 0.2];
  require lr > 0.0;
}

// Searches need an objective.
metric accuracy: float maximize;
