// A template `require` prunes the combinations it rules out; an op's own
// requirements are judged only on the combinations that remain (docs §9).
// RUN: nasc check --verify-diagnostics %s

op mha(heads: int = 8, dim: int = in_channels) = "mha" {
  require dim % heads == 0, "the heads must split the attention width evenly";
  // expected-note @-1 {{requirement declared here}}
}

// heads = 3 with dim 64 breaks mha, but the cell rules it out: no error.
cell Pruned() {
  input x;
  choice heads: [3, 4];
  require heads != 3;
  output x |> mha(heads, 64);
}

// Here nothing rules out dim = 96 with heads = 5.
cell NotPruned() {
  input x;
  choice heads: [4, 5];
  choice dim: [64, 96];
  require dim >= 64;
  // expected-error @+1 {{'mha' requires dim % heads == 0 (the heads must split the attention width evenly), but dim = 64, heads = 5 (when heads = 5, dim = 64)}}
  output x |> mha(heads, dim);
}
