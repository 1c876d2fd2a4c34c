// A missing ';' is reported just past the token before it, where clang
// puts it, not at the next token (often on the next line).
// RUN: not nasc check %s 2>&1 | FileCheck %s --strict-whitespace --match-full-lines

const A = 1
// CHECK:{{.*}}missing-semicolon.nas:[[@LINE-1]]:12: error: expected ';', found 'const'
// CHECK-NEXT:const A = 1
// CHECK-NEXT:           ^
const B = 2;

op conv(k: int = 3) = "conv2d" {
  stride = 1
  // CHECK:{{.*}}missing-semicolon.nas:[[@LINE-1]]:13: error: expected ';', found '}'
}

import "x.nas"
// CHECK:{{.*}}missing-semicolon.nas:[[@LINE-1]]:15: error: expected ';', found 'cell'

cell C() {
  input x
  // CHECK:{{.*}}missing-semicolon.nas:[[@LINE-1]]:10: error: expected ';' or ':', found 'node'
  node y = x |> conv(k=3)
  // CHECK:{{.*}}missing-semicolon.nas:[[@LINE-1]]:26: error: expected ';', found 'output'
  output y;
}

search S {
  evaluations = 10
  // CHECK:{{.*}}missing-semicolon.nas:[[@LINE-1]]:19: error: expected ';', found 'seed'
  // CHECK-NEXT:  evaluations = 10
  // CHECK-NEXT:                  ^
  seed = 1;
}
// CHECK:6 errors generated.
