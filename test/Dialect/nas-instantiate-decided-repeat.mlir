// nas-instantiate: a repetition whose count is a decision is unrolled to the
// largest count; nas.switch picks the output, and each copy's decisions are
// active only when the count reaches it.
// RUN: nas-opt %s --nas-instantiate --nas-space-size --mlir-print-op-on-diagnostic=false 2>&1 | FileCheck %s

nas.opdef @conv impl "conv2d" params ["out"] traits [] defaults {
^bb0(%out: i64, %in_channels: i64, %in_h: i64, %in_w: i64):
  nas.yield %in_channels : i64
} body {
^bb0(%out: i64, %in_channels: i64, %in_h: i64, %in_w: i64):
  %c1 = arith.constant 1 : i64
  nas.properties out_channels %out stride %c1 params %out flops %out : i64, i64
}
nas.template block @Layer params [] inputs ["x"] {
^bb0(%x: !nas.tensor):
  %c8 = arith.constant 8 : i64
  %c16 = arith.constant 16 : i64
  %c32 = arith.constant 32 : i64
  %w = nas.categorical "w" [%c8, %c16, %c32] : i64
  %k = nas.layer @conv(%w) names ["out"] : i64
  %y = nas.apply %k(%x)
  nas.output %y
}
nas.template network @Deep params [] inputs ["image"] {
^bb0(%image: !nas.tensor):
  %lo = arith.constant 1 : i64
  %hi = arith.constant 3 : i64
  %st = arith.constant 1 : i64
  %d = nas.range "depth" %lo to %hi step %st : i64
  %l = nas.instance independent @Layer() names []
  %r = nas.repeat %d, %l
  %y = nas.apply %r(%image)
  nas.output %y
}

// depth 1: 3 widths, depth 2: 3^2, depth 3: 3^3; 3 + 9 + 27 = 39.
// CHECK: remark: space 'Deep.space': 39 architectures over 4 decisions
// CHECK: nas.categorical "Layer#0.0/w" {{.*}} {nas.active_if = {{\[\[}}"repeat#0", 1]]}
// CHECK: nas.categorical "Layer#0.1/w" {{.*}} {nas.active_if = {{\[\[}}"repeat#0", 2]]}
// CHECK: nas.categorical "Layer#0.2/w" {{.*}} {nas.active_if = {{\[\[}}"repeat#0", 3]]}
// CHECK: nas.switch %{{.*}} [%image, %{{.*}}, %{{.*}}, %{{.*}}] {id = "repeat#0"}
