// Columns count bytes, as everywhere in LLVM: after a non-ASCII character
// in a string the column of a later error is still the byte column. (LLVM's
// printer shows no caret under a line with non-ASCII characters.)
// RUN: not nasc check %s 2>&1 | FileCheck %s --strict-whitespace

const A = "éé"; const B = ;
// CHECK: non-ascii-columns.nas:[[@LINE-1]]:29: error: expected an expression, found ';'
// CHECK-NEXT: {{^}}const A = "éé"; const B = ;
// CHECK: 1 error generated.
