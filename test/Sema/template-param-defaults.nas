// A parameter default may use the earlier parameters only, in templates as
// in ops: a later parameter, the parameter itself or an unknown name is a
// located error, never an internal one.
// RUN: nasc check --verify-diagnostics %s
// RUN: not nasc check %s 2>&1 | FileCheck %s --implicit-check-not="internal error"
// CHECK: template-param-defaults.nas:[[@LINE+2]]:23: error: default value of parameter 'cin' uses parameter 'C', which is declared after it
// expected-error @+1 {{default value of parameter 'cin' uses parameter 'C', which is declared after it; a default may use only earlier parameters}}
cell Later(cin: int = C, C: int = 8) {
  // expected-note @-1 {{'C' is declared here}}
  input x;
  output x;
}

// CHECK: template-param-defaults.nas:[[@LINE+2]]:35: error: default value of parameter 'k' uses the parameter itself
// expected-error @+1 {{default value of parameter 'k' uses the parameter itself}}
block Itself(C: int = 4, k: int = k + 1) {
  input x;
  output x;
}

// CHECK: template-param-defaults.nas:[[@LINE+2]]:40: error: unknown name 'Cc'
// expected-error @+1 {{unknown name 'Cc'}}
network Unknown(C: int = 4, cin: int = Cc) {
  input x: tensor(3, 8, 8);
  output x;
}

// CHECK: template-param-defaults.nas:[[@LINE+2]]:34: error: default value of parameter 'half' must be int, got float
// expected-error @+1 {{default value of parameter 'half' must be int, got float}}
cell Typed(C: int, half: int = C / 2) {
  input x;
  output x;
}

// The same rule for ops.
// CHECK: template-param-defaults.nas:[[@LINE+2]]:22: error: default value of parameter 'a' uses parameter 'b'
// expected-error @+1 {{default value of parameter 'a' uses parameter 'b', which is declared after it}}
op later_op(a: int = b, b: int = 1) = "later_op";
// expected-note @-1 {{'b' is declared here}}

// Earlier parameters, with or without defaults themselves: fine.
cell Fine(C: int, cin: int = C, mid: int = round(cin / 2) + C, wide: bool = mid > 16) {
  input x;
  output x;
}
