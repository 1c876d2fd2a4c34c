// A block comment that never ends is reported as such, at its start,
// rather than as a stray '/'.
// RUN: not nasc check %s 2>&1 | FileCheck %s --implicit-check-not=error:

const A = 1;
// CHECK: unterminated-comment.nas:[[@LINE+1]]:1: error: unterminated comment
/* this comment runs to the end of the file
const B = 2;
// CHECK: 1 error generated.
