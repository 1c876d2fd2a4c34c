// A string the line ends inside is reported at its opening quote.
// RUN: not nasc check %s 2>&1 | FileCheck %s

const A = "abc;
// CHECK: unterminated-string.nas:[[@LINE-1]]:11: error: unterminated string

op conv(k: int = 3) = "conv2d {
// CHECK: unterminated-string.nas:[[@LINE-1]]:23: error: unterminated string
  require k >= 1;
}

// An escaped quote does not end a string.
import "Inputs/a\";
// CHECK: unterminated-string.nas:[[@LINE-1]]:8: error: unterminated string
// CHECK-NOT: error
// CHECK: 3 errors generated.
