// Imported files share the one global namespace: a file imported twice is
// loaded once (no redefinitions), but a name defined again is an error with
// a note in the imported file.
// RUN: not nasc check %s 2>&1 | FileCheck %s

import "Inputs/ops";
import "Inputs/uses-ops.nas";
import "./Inputs/ops.nas";

// CHECK: imported-names.nas:[[@LINE+1]]:4: error: redefinition of 'relu'
op relu() = "my_relu";
// CHECK: Inputs{{/|\\}}ops.nas:9:4: note: previous definition is here

network Net() {
  input image: tensor(3, 32, 32);
  output image |> Stem() |> conv(32, kernel=5);
}
// CHECK-NOT: error
// CHECK: 1 error generated.
