// A file with syntax errors is not checked further: the names, types and
// values below are all wrong, but only the syntax error is reported.
// RUN: not nasc check %s 2>&1 | FileCheck %s --implicit-check-not=error: --implicit-check-not=warning:

cell C() {
  input x;
  node y = x |> undefined_op;
  node unused = x + 1;
  choice k: [];
  output x
  // CHECK: stops-before-sema.nas:[[@LINE-1]]:11: error: expected ';', found '}'
}

const sum = 1;
const C = 2;
// CHECK: 1 error generated.
