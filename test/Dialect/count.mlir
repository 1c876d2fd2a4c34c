// nas.count: how many feature maps an input choice picks. A `k of` pick
// folds to its k; an `any of` choice's count stays (it is a decision).
// RUN: nas-opt %s --canonicalize | FileCheck %s

// CHECK-LABEL: nas.space @S
nas.space @S network @N inputs ["x0", "x1"] {
^bb0(%x0: !nas.tensor, %x1: !nas.tensor):
  %two = arith.constant 2 : i64
  %one = arith.constant 1 : i64
  %in = nas.pick "in" %two of [%x0, %x1]
  %skips = nas.subset "skips" of [%x0, %x1]
  // CHECK-NOT: nas.count %{{.*}}in
  %n = nas.count %in
  %ok = arith.cmpi sge, %n, %one : i64
  // CHECK: %[[C:.*]] = nas.count %[[SKIPS:.*]]
  // CHECK: arith.cmpi sge, %[[C]]
  %m = nas.count %skips
  %some = arith.cmpi sge, %m, %one : i64
  // The pick's requirement holds whatever is picked: folded away.
  // CHECK-NOT: nas.require {{.*}}"two"
  nas.require %ok {text = "two"}
  // CHECK: nas.require %{{.*}} {text = "some"}
  nas.require %some {text = "some"}
  %s = nas.sum %in, %skips : !nas.tensors, !nas.tensors
  nas.output %s
}
