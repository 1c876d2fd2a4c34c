// A syntax error in an imported file stops the checks of the whole program.
// RUN: not nasc check %s 2>&1 | FileCheck %s --implicit-check-not=error: --implicit-check-not=warning:

import "Inputs/bad-syntax";
// CHECK: Inputs{{/|\\}}bad-syntax.nas:2:19: error: expected ';' or '{', found end of file

cell C() {
  input x;
  output x |> undefined_op;
}
// CHECK: 1 error generated.
