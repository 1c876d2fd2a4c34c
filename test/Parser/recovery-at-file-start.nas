// A stray token before the first declaration is one mistake: the parser
// recovers and goes on to report the mistakes after it.
// RUN: not nasc check %s 2>&1 | FileCheck %s

foo bar;
// CHECK: recovery-at-file-start.nas:[[@LINE-1]]:1: error: {{.*}}'foo'
const X = 1 2;
// CHECK: recovery-at-file-start.nas:[[@LINE-1]]:13: error: unexpected '2'; expected ';'
cell C() {
  input x;
  output x
  // CHECK: recovery-at-file-start.nas:[[@LINE-1]]:11: error: expected ';', found '}'
}
// CHECK: 3 errors generated.
