// nas-instantiate: a choice (or a condition) among template instances
// applied to feature maps becomes one application per alternative, the
// output chosen by nas.switch on the choice's index (a categorical of the
// same name: the same decision), or on `cond ? 0 : 1`; the instances then
// inline like any other. What alternative k brings is used only when the
// switch is k (nas.active_if [id, k, k]): an alternative with decisions of
// its own (Wide's "w") counts them only there, so the space has
// 2 (comb) x 2 (flag) x (2 widths of Wide + 1 plain conv) = 12 architectures,
// not 2 x 2 x 2 x 2 = 16.
// RUN: nas-opt %s --nas-instantiate --nas-space-size --mlir-print-op-on-diagnostic=false 2>&1 | FileCheck %s

nas.opdef @conv impl "conv2d" params ["out"] traits [] defaults {
^bb0(%out: i64, %in_channels: i64, %in_h: i64, %in_w: i64):
  nas.yield %in_channels : i64
} body {
^bb0(%out: i64, %in_channels: i64, %in_h: i64, %in_w: i64):
  %c1 = arith.constant 1 : i64
  nas.properties out_channels %out stride %c1 params %out flops %out : i64, i64
}
nas.template block @Add params [] inputs ["a", "b"] {
^bb0(%a: !nas.tensor, %b: !nas.tensor):
  %y = nas.sum %a, %b : !nas.tensor, !nas.tensor
  nas.output %y
}
nas.template block @Cat params ["C"] inputs ["a", "b"] {
^bb0(%C: i64, %a: !nas.tensor, %b: !nas.tensor):
  %y = nas.concat %a, %b : !nas.tensor, !nas.tensor
  %k = nas.layer @conv(%C) names ["out"] : i64
  %z = nas.apply %k(%y)
  nas.output %z
}
nas.template block @Wide params [] inputs ["x"] {
^bb0(%x: !nas.tensor):
  %c8 = arith.constant 8 : i64
  %c16 = arith.constant 16 : i64
  %w = nas.categorical "w" [%c8, %c16] : i64
  %k = nas.layer @conv(%w) names ["out"] : i64
  %y = nas.apply %k(%x)
  nas.output %y
}
nas.template network @Net params [] inputs ["image"] {
^bb0(%image: !nas.tensor):
  %c4 = arith.constant 4 : i64
  %add = nas.instance independent @Add() names []
  %cat = nas.instance independent @Cat(%c4) names ["C"] : i64
  %comb = nas.categorical "comb" [%add, %cat] labels ["add", "cat"] : !nas.layer
  %y = nas.apply %comb(%image, %image)
  %true = arith.constant true
  %false = arith.constant false
  %flag = nas.categorical "flag" [%true, %false] : i1
  %add2 = nas.instance independent @Add() names []
  %cat2 = nas.instance independent @Cat(%c4) names ["C"] : i64
  %either = arith.select %flag, %add2, %cat2 : !nas.layer
  %z = nas.apply %either(%y, %y)
  %wide = nas.instance independent @Wide() names []
  %plain = nas.layer @conv(%c4) names ["out"] : i64
  %pick = nas.categorical "wide" [%wide, %plain] : !nas.layer
  %out = nas.apply %pick(%z)
  nas.output %out
}

// CHECK-NOT: is not inlined
// CHECK: remark: space 'Net.space': 12 architectures over 4 decisions
// CHECK-LABEL: nas.space @Net.space
// CHECK-NOT: nas.instance
// The choice's index: the same decision, with its labels.
// CHECK: %[[SUM:.*]] = nas.sum %image, %image
// CHECK: %[[CAT:.*]] = nas.concat %image, %image
// CHECK: %[[CONV:.*]] = nas.apply %{{.*}}(%[[CAT]])
// CHECK: %[[INDEX:.*]] = nas.categorical "comb" [%{{.*}}, %{{.*}}] labels ["add", "cat"] : i64
// CHECK: %[[Y:.*]] = nas.switch %[[INDEX]] [%[[SUM]], %[[CONV]]] {id = "choice#0"}
// The condition: a switch on feature maps, branch 0 when the flag holds.
// CHECK: %[[FLAG:.*]] = nas.categorical "flag"
// CHECK: %[[Z1:.*]] = nas.sum %[[Y]], %[[Y]]
// CHECK: %[[YY:.*]] = nas.concat %[[Y]], %[[Y]]
// CHECK: %[[Z2:.*]] = nas.apply %{{.*}}(%[[YY]])
// CHECK: %[[NOT:.*]] = arith.xori %[[FLAG]]
// CHECK: %[[BRANCH:.*]] = arith.extui %[[NOT]]
// CHECK: %[[Z:.*]] = nas.switch %[[BRANCH]] [%[[Z1]], %[[Z2]]] {id = "if#1"}
// The searched block is inlined; its decision is used only in branch 0
// (decisions, requirements and instances carry the condition; layers and
// applications stay plain, so equal layers of two branches still merge).
// CHECK: %[[W:.*]] = nas.categorical "Wide#0/w" [%{{.*}}, %{{.*}}] {nas.active_if = {{\[\["choice#2", 0, 0\]\]}}} : i64
// CHECK: %[[WIDE:.*]] = nas.layer @conv(%[[W]]) names ["out"] : i64
// CHECK: %[[A:.*]] = nas.apply %[[WIDE]](%[[Z]]){{$}}
// CHECK: %[[B:.*]] = nas.apply %{{.*}}(%[[Z]]){{$}}
// CHECK: nas.switch %{{.*}} [%[[A]], %[[B]]] {id = "choice#2"}
