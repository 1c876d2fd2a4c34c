// A choice among blocks whose alternative holds 21 choices among blocks:
// 2 x 2^21 combinations decide which blocks are used. The error is at the
// outer choice (its decision used to carry the location of where it is
// applied, and the error pointed at an argument of Wide's `sum`).
// RUN: not nasc info %s 2>&1 | FileCheck %s --match-full-lines --strict-whitespace --implicit-check-not=error: --implicit-check-not=nas.

import "std/ops";

block A(C: int) {
  input x;
  choice k: [3, 5];
  output x |> conv(C, kernel=k);
}

block B(C: int) {
  input x;
  output x |> conv(C, kernel=1);
}

block Wide(C: int) {
  input x;
  choice c0: [A(C) independent, B(C) independent];
  choice c1: [A(C) independent, B(C) independent];
  choice c2: [A(C) independent, B(C) independent];
  choice c3: [A(C) independent, B(C) independent];
  choice c4: [A(C) independent, B(C) independent];
  choice c5: [A(C) independent, B(C) independent];
  choice c6: [A(C) independent, B(C) independent];
  choice c7: [A(C) independent, B(C) independent];
  choice c8: [A(C) independent, B(C) independent];
  choice c9: [A(C) independent, B(C) independent];
  choice c10: [A(C) independent, B(C) independent];
  choice c11: [A(C) independent, B(C) independent];
  choice c12: [A(C) independent, B(C) independent];
  choice c13: [A(C) independent, B(C) independent];
  choice c14: [A(C) independent, B(C) independent];
  choice c15: [A(C) independent, B(C) independent];
  choice c16: [A(C) independent, B(C) independent];
  choice c17: [A(C) independent, B(C) independent];
  choice c18: [A(C) independent, B(C) independent];
  choice c19: [A(C) independent, B(C) independent];
  choice c20: [A(C) independent, B(C) independent];
  output sum(c0(x), c1(x), c2(x), c3(x), c4(x), c5(x), c6(x), c7(x), c8(x), c9(x), c10(x), c11(x), c12(x), c13(x), c14(x), c15(x), c16(x), c17(x), c18(x), c19(x), c20(x));
}

network Net() {
  input image: tensor(3, 8, 8);
  // CHECK:{{.*}}count-too-many-blocks.nas:[[@LINE+3]]:3: error: cannot count the space: decision 'outer' and the 21 decisions linked with it ('Wide#0/c0', 'Wide#0/c1', 'Wide#0/c10', 'Wide#0/c11' and 17 more) decide which blocks are used, with more than 1048576 combinations to enumerate
  // CHECK-NEXT:  choice outer: [Wide(4) independent, B(4) independent];
  // CHECK-NEXT:  ^
  choice outer: [Wide(4) independent, B(4) independent];
  output image |> outer |> global_avg_pool |> linear(10);
}
