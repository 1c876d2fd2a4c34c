// The verifiers of the nas dialect.
// RUN: nas-opt %s -split-input-file -verify-diagnostics

// expected-error @+1 {{decision 'e' has no alternatives}}
%0 = "nas.categorical"() {name = "e"} : () -> !nas.layer

// -----

%a = arith.constant 1 : i64
// expected-error @+1 {{has 2 labels for 1 alternatives}}
%0 = nas.categorical "w" [%a] labels ["one", "two"] : i64

// -----

%lo = arith.constant 8 : i64
%hi = arith.constant 4 : i64
%st = arith.constant 1 : i64
// expected-error @+1 {{decision 'd' has an empty range}}
%0 = nas.range "d" %lo to %hi step %st : i64

// -----

%lo = arith.constant 1 : i64
%hi = arith.constant 4 : i64
%st = arith.constant 0 : i64
// expected-error @+1 {{decision 'd' has a non-positive step}}
%0 = nas.range "d" %lo to %hi step %st : i64

// -----

%lo = arith.constant 0.0 : f64
%hi = arith.constant 1.0 : f64
// expected-error @+1 {{decision 'lr' is on a log scale but starts at 0}}
%0 = nas.range "lr" %lo to %hi step %hi log : f64

// -----

nas.template cell @C params [] inputs ["x"] {
^bb0(%x: !nas.tensor):
  %k = arith.constant 3 : i64
  // expected-error @+1 {{decision 'in' picks 3 of only 2 candidates}}
  %p = nas.pick "in" %k of [%x, %x]
  %s = nas.sum %p : !nas.tensors
  nas.output %s
}

// -----

nas.template cell @C params [] inputs ["x"] {
^bb0(%x: !nas.tensor):
  // expected-error @+1 {{refers to 'nope', which is not a nas.opdef}}
  %l = nas.layer @nope() names []
  %y = nas.apply %l(%x)
  nas.output %y
}

// -----

nas.template cell @C params ["c"] inputs ["x"] {
^bb0(%c: i64, %x: !nas.tensor):
  nas.output %x
}
nas.template network @N params [] inputs ["image"] {
^bb0(%image: !nas.tensor):
  %c = arith.constant 1 : i64
  // expected-error @+1 {{'C' has no parameter 'channels'}}
  %l = nas.instance independent @C(%c) names ["channels"] : i64
  %y = nas.apply %l(%image)
  nas.output %y
}

// -----

nas.template cell @C params [] inputs ["x"] {
^bb0(%x: !nas.tensor):
  nas.output %x
}
nas.template network @N params [] inputs ["image"] {
^bb0(%image: !nas.tensor):
  // expected-error @+1 {{a shared instance needs a key}}
  %l = nas.instance shared @C() names []
  %y = nas.apply %l(%image)
  nas.output %y
}

// -----

// expected-error @+1 {{takes 1 parameters and 1 inputs, but its body has 1 arguments}}
nas.template cell @C params ["c"] inputs ["x"] {
^bb0(%x: !nas.tensor):
  nas.output %x
}

// -----

// expected-error @+1 {{'defaults' must end in nas.yield with one value per parameter (1)}}
nas.opdef @op impl "op" params ["k"] traits [] defaults {
^bb0(%k: i64, %in_channels: i64, %in_h: i64, %in_w: i64):
  nas.yield
} body {
^bb0(%k: i64, %in_channels: i64, %in_h: i64, %in_w: i64):
  nas.properties out_channels %in_channels stride %k params %k flops %k : i64, i64
}

// -----

nas.template cell @C params [] inputs ["x"] {
^bb0(%x: !nas.tensor):
  // expected-error @+1 {{needs at least one input}}
  %s = "nas.concat"() : () -> !nas.tensor
  nas.output %x
}
