// An `if` between lists of different lengths, whose condition is a template
// parameter (so only lowering sees it), used other than as a choice's
// alternatives (here indexed), is an error at the `if` with both lengths; it
// had no location (`<unknown>:0`). As a choice's alternatives it is a domain
// that depends on a parameter (if-lists-lengths.nas).
// RUN: not nasc info %s 2>&1 | FileCheck %s
// CHECK: if-lists-location.nas:[[@LINE+5]]:11: error: an 'if' between lists needs two lists of one length (here 2 elements and 1 element), except as a choice's alternatives
// CHECK-NOT: <unknown>
import "std/ops";
network N(big: bool = true) {
  input image: tensor(3, 8, 8);
  let L = if big then [relu, identity] else [relu];
  output image |> L[0] |> global_avg_pool;
}
