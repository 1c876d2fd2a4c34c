// Suggestions for misspelt names: a swapped pair of letters is the most
// common typo and must be suggested; a name close to nothing gets no
// suggestion at all.
// RUN: not nasc check %s 2>&1 | FileCheck %s

op relu() = "relu";
const width = 16;

// CHECK: did-you-mean.nas:[[@LINE+1]]:18: error: unknown type 'flaot'; did you mean 'float'?
op scale(factor: flaot = 1.0) = "scale";

cell C() {
  input x;
  // CHECK: did-you-mean.nas:[[@LINE+1]]:11: error: unknown name 'widht'; did you mean 'width'?
  let w = widht * 2;
  // CHECK: did-you-mean.nas:[[@LINE+1]]:12: error: unknown operation 'reul'; did you mean 'relu'?
  node y = reul(x);
  // CHECK: did-you-mean.nas:[[@LINE+1]]:11: error: unknown name 'qqqqqq'{{$}}
  let q = qqqqqq + w;
  require q > 0;
  output y;
}
// CHECK: 4 errors generated.
