// Exact counts where decisions depend on one another: requirements and
// blocks used only in some architectures link decisions into components,
// each enumerated, the rest multiplied. Spaces far beyond enumeration count
// exactly.
//
// 30 independent layers, each with its own requirement: 9^30 raw, 7^30
// feasible.
// RUN: nasc info %S/Inputs/many-layers.nas | FileCheck %s --check-prefix=MANY
// MANY: size: 42391158275216203514294433201 architectures
// MANY: feasible: 22539340290692258087863249 architectures meet the requirements over decisions
//
// Nested blocks: counted where used; a requirement in a block binds only
// where the block is chosen (the hand count is in the input).
// RUN: nasc info %S/Inputs/nested-blocks.nas | FileCheck %s --check-prefix=NESTED
// NESTED: size: 21 architectures
// NESTED: unique: 18 (benchmark rule), 18 (algebraic rule)
// NESTED: feasible: 20 architectures meet the requirements over decisions
// NESTED: Deep#0/Cell#0.1/k: categorical [3, 5] (used only when 'top' is Deep and 'Deep#0/depth' repeats at least 2 times)
// NESTED: Deep#0/depth: int range 1..3 step 1 (used only when 'top' is Deep)
// The same in JSON.
// RUN: nasc info %S/Inputs/nested-blocks.nas --json | FileCheck %s --check-prefix=JSON
// JSON: "conditional": true,
// JSON: "when": "'top' is Deep and 'Deep#0/depth' repeats at least once"
// JSON: "feasible": "20",
// JSON: "size": "21",
//
// A conflict names only the requirements that conflict, not those of the
// other, satisfiable layers.
// RUN: not nasc info %s 2>&1 | FileCheck %s

op conv(out: int = in_channels) = "conv2d" { out_channels = out; }

block Layer {
  input x;
  choice width: [16, 24, 32];
  choice heads: [2, 3, 4];
  require width % heads == 0;
  output x |> conv(width);
}

// CHECK: feasible-components.nas:[[@LINE+1]]:1: error: no architecture of space 'Conflict.space' meets all its requirements: they conflict
network Conflict() {
  input image: tensor(3, 8, 8);
  choice a: [1, 2];
  choice b: [1, 2];
  // CHECK: note: requirement 'a > b'
  require a > b;
  // CHECK: note: requirement 'b > a'
  require b > a;
  output image |> repeat(4, Layer independent) |> conv(8 * a * b);
}
// The layers' requirement is not among them.
// CHECK-NOT: note: requirement 'width % heads == 0'
