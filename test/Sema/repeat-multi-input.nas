// repeat chains a single-input layer: a two-input cell cannot be repeated,
// and the message says that rather than suggesting a call with all inputs.
// RUN: not nasc check %s 2>&1 | FileCheck %s
// RUN: not nasc check %s 2>&1 | not grep "pipe supplies one"

cell Two() {
  input a;
  input b;
  output sum(a, b);
}

cell C() {
  input x;
  // CHECK: repeat-multi-input.nas:[[@LINE+1]]:{{[0-9]+}}: error: {{.*}}repeat{{.*}}
  node y = x |> repeat(2, Two());
  output y;
}
// CHECK: 1 error generated.
