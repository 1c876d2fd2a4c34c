// Syntax errors are reported one per line, at most 20 per file.
// RUN: not nasc check %s 2>&1 | FileCheck %s --implicit-check-not=error:

const A1 = ;
// CHECK: error-limit.nas:[[@LINE-1]]:12: error: expected an expression, found ';'
const A2 = ;
// CHECK: error-limit.nas:[[@LINE-1]]:12: error: expected an expression, found ';'
const A3 = ;
// CHECK: error-limit.nas:[[@LINE-1]]:12: error: expected an expression, found ';'
const A4 = ;
// CHECK: error-limit.nas:[[@LINE-1]]:12: error: expected an expression, found ';'
const A5 = ;
// CHECK: error-limit.nas:[[@LINE-1]]:12: error: expected an expression, found ';'
const A6 = ;
// CHECK: error-limit.nas:[[@LINE-1]]:12: error: expected an expression, found ';'
const A7 = ;
// CHECK: error-limit.nas:[[@LINE-1]]:12: error: expected an expression, found ';'
const A8 = ;
// CHECK: error-limit.nas:[[@LINE-1]]:12: error: expected an expression, found ';'
const A9 = ;
// CHECK: error-limit.nas:[[@LINE-1]]:12: error: expected an expression, found ';'
const A10 = ;
// CHECK: error-limit.nas:[[@LINE-1]]:13: error: expected an expression, found ';'
const A11 = ;
// CHECK: error-limit.nas:[[@LINE-1]]:13: error: expected an expression, found ';'
const A12 = ;
// CHECK: error-limit.nas:[[@LINE-1]]:13: error: expected an expression, found ';'
const A13 = ;
// CHECK: error-limit.nas:[[@LINE-1]]:13: error: expected an expression, found ';'
const A14 = ;
// CHECK: error-limit.nas:[[@LINE-1]]:13: error: expected an expression, found ';'
const A15 = ;
// CHECK: error-limit.nas:[[@LINE-1]]:13: error: expected an expression, found ';'
const A16 = ;
// CHECK: error-limit.nas:[[@LINE-1]]:13: error: expected an expression, found ';'
const A17 = ;
// CHECK: error-limit.nas:[[@LINE-1]]:13: error: expected an expression, found ';'
const A18 = ;
// CHECK: error-limit.nas:[[@LINE-1]]:13: error: expected an expression, found ';'
const A19 = ;
// CHECK: error-limit.nas:[[@LINE-1]]:13: error: expected an expression, found ';'
const A20 = ;
// CHECK: error-limit.nas:[[@LINE-1]]:13: error: expected an expression, found ';'
const A21 = ;
// CHECK: error-limit.nas:[[@LINE-1]]:13: error: too many syntax errors; stopping here
const A22 = ;
const A23 = ;
const A24 = ;
const A25 = ;

// CHECK-NOT: error:
// CHECK: 21 errors generated.
