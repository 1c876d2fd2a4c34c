// Keywords cannot be names of declarations, parameters or locals. Each such
// mistake is reported, also in the declaration after another mistake
// (contextual-names.nas has the names that are allowed).
// RUN: not nasc check %s 2>&1 | FileCheck %s

// CHECK: keyword-as-name.nas:[[@LINE+1]]:7: error: expected identifier, found 'op'
const op = 3;
// CHECK: keyword-as-name.nas:[[@LINE+1]]:6: error: expected identifier, found 'input'
cell input() {
  input x;
  output x;
}
// Not a parameter name: the message says what one is, not a list of keywords.
// CHECK: keyword-as-name.nas:[[@LINE+1]]:9: error: expected {{('\)' or )?(identifier|a parameter name)( or '\)')?}}, found 'choice'
op conv(choice: int = 3) = "conv2d";

cell C() {
  input x;
  // CHECK: keyword-as-name.nas:[[@LINE+1]]:8: error: expected identifier, found 'node'
  node node = x;
  // CHECK: keyword-as-name.nas:[[@LINE+1]]:7: error: expected identifier, found 'output'
  let output = 3;
  // CHECK: keyword-as-name.nas:[[@LINE+1]]:10: error: expected identifier, found 'log'
  choice log: [1, 2];
  output x;
}

// CHECK-NOT: error
// CHECK: 6 errors generated.
