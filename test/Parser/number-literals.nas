// Integer literals must fit in 64 bits and floats must be finite; '_'
// separates digits. These are found after parsing, and stop the checks that
// would follow.
// RUN: not nasc check %s 2>&1 | FileCheck %s

// CHECK: number-literals.nas:[[@LINE+1]]:11: error: integer literal '99999999999999999999' is too large
const A = 99999999999999999999;
// CHECK: number-literals.nas:[[@LINE+1]]:11: error: integer literal '9_223_372_036_854_775_808' is too large
const B = 9_223_372_036_854_775_808;
// The largest int is fine.
const C = 9_223_372_036_854_775_807;
// CHECK: number-literals.nas:[[@LINE+1]]:11: error: number '1e999' is out of range
const D = 1e999;

// Not checked: the file did not parse into a program.
// CHECK-NOT: unknown
const E = undefined_name;
// CHECK: 3 errors generated.
