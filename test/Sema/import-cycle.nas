// Import cycles are reported where they close, with a note at each import
// on the way. The importing file itself is fine, so nothing is said about it
// and the checks after loading do not run.
// RUN: not nasc check %s 2>&1 | FileCheck %s

import "Inputs/cycle-a";
import "Inputs/self-import";

cell C() {
  input x;
  output x |> relu;
}

// CHECK: Inputs/cycle-b.nas:2:8: error: import cycle: cycle-a.nas -> cycle-b.nas -> cycle-a.nas
// CHECK-NEXT: import "cycle-a.nas";
// CHECK-NEXT: {{^       \^}}
// CHECK-NEXT: Inputs/cycle-a.nas:2:8: note: 'cycle-a.nas' imports 'cycle-b.nas' here
// CHECK: Inputs/self-import.nas:2:8: error: import cycle: self-import.nas -> self-import.nas
// CHECK-NOT: note:
// CHECK-NOT: import-cycle.nas:
// CHECK: 2 errors generated.
