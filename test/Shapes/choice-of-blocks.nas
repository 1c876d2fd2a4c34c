// A choice among blocks and a condition over a block are applied once per
// alternative (nas-instantiate); an alternative the architecture does not
// pick costs nothing: each architecture's cost is its fixed network's.
// RUN: printf 'big=true,comb=Plain\nbig=false,comb=Mixed(8)\nbig=true,comb=Mixed(8)\nbig=false,comb=Plain\n' > %t.ids
// RUN: nasc info --archs %t.ids %s | FileCheck %s
// RUN: nasc compile --emit=mlir-lowered --arch "big=true,comb=Plain" %s | FileCheck %s --check-prefix=FIXED1
// RUN: nasc compile --emit=mlir-lowered --arch "big=false,comb=Mixed(8)" %s | FileCheck %s --check-prefix=FIXED2
import "std/ops";

block Plain {
  input a;
  input b;
  output sum(a, b);
}

block Mixed(C: int) {
  input a;
  input b;
  output concat(a, b) |> conv(C, kernel=1);
}

block Big {
  input x;
  output x |> conv(8, kernel=5);
}

network Net() {
  input image: tensor(3, 8, 8);
  node x = image |> conv(8);
  choice comb: [Plain, Mixed(8)];
  node y = comb(x, x);
  choice big: [true, false];
  node z = y |> (if big then Big else conv(8, kernel=1));
  output z |> global_avg_pool |> linear(10);
}

// Per architecture (cost model, no fixing): each differs, and each equals
// its fixed network's (below).
// CHECK: big=true,comb=Plain	{{[0-9a-f]+}}	1906	116816
// CHECK: big=false,comb=Mixed(8)	{{[0-9a-f]+}}	498	26704
// CHECK: big=true,comb=Mixed(8)	{{[0-9a-f]+}}	2034	125008
// CHECK: big=false,comb=Plain	{{[0-9a-f]+}}	370	18512
// FIXED1: params = array<f64: 1.906000e+03, 1.906000e+03>
// FIXED1-NOT: nas.switch
// FIXED2: params = array<f64: 4.980000e+02, 4.980000e+02>
// FIXED2-NOT: arith.select
