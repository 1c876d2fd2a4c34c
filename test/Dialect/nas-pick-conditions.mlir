// nas-pick-conditions: an operation choice whose applications only feed
// candidate i of input choices named P is used only when P picks i: it gets
// [P, "picks", i] in nas.active_if, and counting counts it only there.
// Choices used anywhere else (ec also feeds a sum) stay unconditional.
// RUN: nas-opt %s --nas-pick-conditions --nas-space-size --mlir-print-op-on-diagnostic=false 2>&1 | FileCheck %s
// Without the pass every choice counts everywhere: 3 x 3 x 3 x 2.
// RUN: nas-opt %s --nas-space-size --mlir-print-op-on-diagnostic=false 2>&1 | FileCheck %s --check-prefix=RAW
// RAW: remark: space 'S': 54 architectures over 4 decisions

nas.opdef @conv impl "conv2d" params ["out"] traits [] defaults {
^bb0(%out: i64, %in_channels: i64, %in_h: i64, %in_w: i64):
  nas.yield %in_channels : i64
} body {
^bb0(%out: i64, %in_channels: i64, %in_h: i64, %in_w: i64):
  %c1 = arith.constant 1 : i64
  nas.properties out_channels %out stride %c1 params %out flops %out : i64, i64
}

// "in" picks 1 of 3 edges: edge 0 brings ea (3 ways), edge 1 eb (3 ways),
// edge 2 nothing searched; ec (2 ways) counts always:
// (3 + 3 + 1) x 2 = 14.
// CHECK: remark: space 'S': 14 architectures over 4 decisions
// CHECK-LABEL: nas.space @S
// CHECK: %[[EA:.*]] = nas.categorical "ea" {{.*}} {nas.active_if = {{\[\["in", "picks", 0\]\]}}} : !nas.layer
// CHECK: %[[EB:.*]] = nas.categorical "eb" {{.*}} {nas.active_if = {{\[\["in", "picks", 1\]\]}}} : !nas.layer
// CHECK: %[[EC:.*]] = nas.categorical "ec" [{{[^]]*}}] : !nas.layer
// eb also feeds edge 1 of a second pick of the same name (a second cell of
// one design): still that edge. Applications stay plain.
// CHECK: nas.apply %[[EA]](%x){{$}}
nas.space @S network @N inputs ["x", "y"] {
^bb0(%x: !nas.tensor, %y: !nas.tensor):
  %c4 = arith.constant 4 : i64
  %c8 = arith.constant 8 : i64
  %c16 = arith.constant 16 : i64
  %one = arith.constant 1 : i64
  %l4 = nas.layer @conv(%c4) names ["out"] : i64
  %l8 = nas.layer @conv(%c8) names ["out"] : i64
  %l16 = nas.layer @conv(%c16) names ["out"] : i64
  %ea = nas.categorical "ea" [%l4, %l8, %l16] : !nas.layer
  %eb = nas.categorical "eb" [%l4, %l8, %l16] : !nas.layer
  %ec = nas.categorical "ec" [%l4, %l8] : !nas.layer
  %a = nas.apply %ea(%x)
  %b = nas.apply %eb(%x)
  %b2 = nas.apply %eb(%y)
  %c = nas.apply %ec(%x)
  %p = nas.pick "in" %one of [%a, %b, %c]
  %p2 = nas.pick "in" %one of [%a, %b2, %c]
  %s = nas.sum %p, %p2, %c : !nas.tensors, !nas.tensors, !nas.tensor
  nas.output %s
}
