// Canonicalization of nas ops: a one-alternative choice is its alternative;
// a switch at a known index is that copy; string equality of constants folds.
// RUN: nas-opt %s --canonicalize | FileCheck %s

// CHECK-LABEL: nas.space @S
nas.space @S network @N inputs ["x"] {
^bb0(%x: !nas.tensor):
  %c16 = arith.constant 16 : i64
  // CHECK-NOT: nas.categorical "only"
  %w = nas.categorical "only" [%c16] : i64
  %c1 = arith.constant 1 : i64
  %a = nas.string "relu"
  %b = nas.string "relu"
  %eq = nas.string_eq %a, %b
  // CHECK-NOT: nas.string_eq
  // CHECK-NOT: nas.require
  nas.require %eq {text = "always"}
  // CHECK-NOT: nas.switch
  // CHECK: nas.output %x
  %y = nas.switch %c1 [%x, %x] {id = "repeat#0"}
  nas.output %y
}
