// Keywords cannot be names of declarations, parameters or locals, nor be
// read as names. Each such mistake is one error that says so, with the
// source line and a caret; the keyword is then read as the name it was
// meant to be, so the rest of the statement parses and the next mistake is
// reported as itself (contextual-names.nas has the names that are allowed).
// RUN: not nasc check %s 2>&1 | FileCheck %s --implicit-check-not=error: --match-full-lines --strict-whitespace
// Never twice at one place, and never "expected identifier":
// RUN: not nasc check %s 2>&1 | grep 'error:' | sort | uniq -d | count 0
// RUN: not nasc check %s 2>&1 | not grep 'expected identifier'

// CHECK:{{.*}}keyword-as-name.nas:[[@LINE+3]]:7: error: 'op' is a keyword and cannot be used as a name
// CHECK-NEXT:const op = 3;
// CHECK-NEXT:      ^
const op = 3;
// CHECK:{{.*}}keyword-as-name.nas:[[@LINE+1]]:6: error: 'input' is a keyword and cannot be used as a name
cell input() {
  input x;
  output x;
}
// CHECK:{{.*}}keyword-as-name.nas:[[@LINE+1]]:7: error: 'require' is a keyword and cannot be used as a name
block require(w: int) {
  input x;
  output x;
}
// An op's parameter, first or later.
// CHECK:{{.*}}keyword-as-name.nas:[[@LINE+1]]:9: error: 'choice' is a keyword and cannot be used as a name
op conv(choice: int = 3) = "conv2d";
// CHECK:{{.*}}keyword-as-name.nas:[[@LINE+1]]:22: error: 'op' is a keyword and cannot be used as a name
op pool(kernel: int, op: int) = "pool";
// CHECK:{{.*}}keyword-as-name.nas:[[@LINE+1]]:10: error: 'choice' is a keyword and cannot be used as a name
strategy choice() = "random";

cell C() {
  input x;
  // CHECK:{{.*}}keyword-as-name.nas:[[@LINE+1]]:8: error: 'node' is a keyword and cannot be used as a name
  node node = x;
  // CHECK:{{.*}}keyword-as-name.nas:[[@LINE+1]]:7: error: 'output' is a keyword and cannot be used as a name
  let output = 3;
  // CHECK:{{.*}}keyword-as-name.nas:[[@LINE+3]]:10: error: 'op' is a keyword and cannot be used as a name
  // CHECK-NEXT:  choice op: [1, 2];
  // CHECK-NEXT:         ^
  choice op: [1, 2];
  // The statement after one such mistake is read afresh: its own mistake
  // is reported too.
  // CHECK:{{.*}}keyword-as-name.nas:[[@LINE+1]]:10: error: 'log' is a keyword and cannot be used as a name
  choice log: [1, 2];
  // CHECK:{{.*}}keyword-as-name.nas:[[@LINE+1]]:10: error: 'require' is a keyword and cannot be used as a name
  choice require: [3, 5];
  // Uses of a keyword declared as a name above are that one mistake:
  // nothing more is reported for them.
  node y = x |> conv(op) |> pool(kernel=op, 2) |> conv(1, op);
  output y;
}

// CHECK:11 errors generated.
