// Names that would run together into one DOT id: an input named like a
// numbered vertex, and a template whose name extends another's.
import "std/ops";
cell A {
  input n0;
  input decisions;
  choice mix: [skip_connect, max_pool_3x3];
  node c = sum(mix(n0), decisions |> relu);
  output c |> relu;
}
block A_n0 {
  input x;
  output x |> relu;
}
