// A character that starts no token is reported where it is, whatever the
// parser expected there.
// RUN: not nasc check %s 2>&1 | FileCheck %s --strict-whitespace

const A = 1 $ 2;
// CHECK: invalid-character.nas:[[@LINE-1]]:13: error: invalid character '$'
// CHECK-NEXT: {{^}}const A = 1 $ 2;
// CHECK-NEXT: {{^}}            ^

cell C() {
  input x;
  node y = x @ x;
  // CHECK: invalid-character.nas:[[@LINE-1]]:14: error: invalid character '@'
  output y;
}

const B = #;
// CHECK: invalid-character.nas:[[@LINE-1]]:11: error: invalid character '#'
// CHECK: 3 errors generated.
