// Notes that point into an imported file are checked there by FileCheck.
// RUN: not nasc check %s 2>&1 | FileCheck %s

import "Inputs/ops";

cell C() {
  input x;
  // CHECK: imported-note.nas:[[@LINE+1]]:22: error: op 'conv' has no parameter named 'kernal'; did you mean 'kernel'?
  node y = x |> conv(kernal=3);
  // CHECK: Inputs/ops.nas:3:4: note: declared here
  output y;
}
// CHECK: 1 error generated.
