// A space nasc cannot count: the error is at the choice that links the
// decisions it would have to enumerate (here the repetition's depth, which
// decides which layers, and so which of their choices, are used), and names
// decisions as the source does, never the IR.
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

block Layer(C: int) {
  input x;
  choice b: [A(C) independent, B(C) independent];
  output x |> b;
}

network Net() {
  input image: tensor(3, 8, 8);
  // CHECK:{{.*}}count-too-many-depth.nas:[[@LINE+3]]:3: error: cannot count the space: decision 'depth' and the 24 decisions linked with it ('Layer#0.0/b', 'Layer#0.1/b', 'Layer#0.10/b', 'Layer#0.11/b' and 20 more) decide which blocks are used, with more than 1048576 combinations to enumerate
  // CHECK-NEXT:  choice depth: 1..24;
  // CHECK-NEXT:  ^
  choice depth: 1..24;
  node y = image
    |> repeat(depth, Layer(4) independent)
    |> global_avg_pool;
  output y |> linear(10);
}
