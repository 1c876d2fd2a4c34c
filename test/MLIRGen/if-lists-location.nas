// An `if` between lists of different lengths, whose condition is a template
// parameter (so only lowering sees it), is an error at the `if` with both
// lengths; it had no location (`<unknown>:0`).
// RUN: not nasc info %s 2>&1 | FileCheck %s
// CHECK: if-lists-location.nas:[[@LINE+5]]:11: error: an 'if' between lists needs two lists of one length (here 2 elements and 1 element)
// CHECK-NOT: <unknown>
import "std/ops";
network N(big: bool = true) {
  input image: tensor(3, 8, 8);
  let L = if big then [relu, identity] else [relu];
  choice k: L;
  output image |> k |> global_avg_pool;
}
