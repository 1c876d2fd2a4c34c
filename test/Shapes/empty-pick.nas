// RUN: nasc info %s | FileCheck %s
// RUN: nasc compile %s -o %t.nasa && FileCheck %s --check-prefix=ART < %t.nasa
// A sum of an `any of` choice alone has nothing to add when the choice
// picks nothing: that architecture cannot be built, so counting excludes it
// as the runtime does (4 subsets of [a, b], 3 feasible). len() of an `any of`
// choice is its count (a decision), usable in requirements: of the 8
// subsets of [c, d, e], the empty one and the full one are excluded.
// CHECK-LABEL: space Alone.space
// CHECK: size: 4 architectures
// CHECK: feasible: 3 architectures meet the requirements over decisions
// CHECK-LABEL: space AtMostTwo.space
// CHECK: size: 8 architectures
// CHECK: feasible: 6 architectures meet the requirements over decisions
// CHECK-LABEL: space WithPrev.space
// CHECK: size: 4 architectures
// CHECK-NOT: feasible
// CHECK: decisions: 1
// The requirement travels to the runtime as a tree over the choice's count.
// ART: "condition":{"args":[{"count":"in1"},{"const":1}],"op":"arith.cmpi","predicate":"sge"}
// ART-SAME: "message":"'sum' of 'any of' choices alone needs at least one picked input","text":"len(in1) >= 1"
import "std/ops";

network Alone {
  input image: tensor(3, 8, 8);
  node a = image |> conv(8);
  node b = image |> conv(8);
  choice in1: any of [a, b];
  output sum(in1) |> global_avg_pool |> linear(2);
}

network AtMostTwo {
  input image: tensor(3, 8, 8);
  node c = image |> conv(8);
  node d = image |> conv(8);
  node e = image |> conv(8);
  choice in2: any of [c, d, e];
  require len(in2) <= 2, "at most two";
  output concat(in2) |> global_avg_pool |> linear(2);
}

// With another input the sum is never empty: nothing is required.
network WithPrev {
  input image: tensor(3, 8, 8);
  node f = image |> conv(8);
  node g = image |> conv(8);
  choice in3: any of [f, g];
  output sum(f, in3) |> global_avg_pool |> linear(2);
}
