// Every op of the dialect survives a print/parse round trip unchanged.
// RUN: nas-opt %s | nas-opt | FileCheck %s

nas.opdef @conv impl "conv2d" params ["out", "kernel"] traits ["convolution"] defaults {
^bb0(%out: i64, %kernel: i64, %in_channels: i64, %in_h: i64, %in_w: i64):
  %c3 = arith.constant 3 : i64
  nas.yield %in_channels, %c3 : i64, i64
} body {
^bb0(%out: i64, %kernel: i64, %in_channels: i64, %in_h: i64, %in_w: i64):
  %c1 = arith.constant 1 : i64
  %ok = arith.cmpi sge, %kernel, %c1 : i64
  nas.require %ok {text = "kernel >= 1"}
  %p = arith.muli %kernel, %out : i64
  nas.properties out_channels %out stride %c1 params %p flops %p : i64, i64
}
nas.opdef @identity impl "identity" params [] traits ["identity"] defaults {
^bb0(%in_channels: i64, %in_h: i64, %in_w: i64):
  nas.yield
} body {
^bb0(%in_channels: i64, %in_h: i64, %in_w: i64):
  %c1 = arith.constant 1 : i64
  %c0 = arith.constant 0 : i64
  nas.properties out_channels %in_channels stride %c1 params %c0 flops %c0 : i64, i64
}
nas.template cell @Cell params ["c"] inputs ["x0"] {
^bb0(%c: i64, %x0: !nas.tensor):
  %id = nas.layer @identity() names []
  %conv = nas.layer @conv(%c) names ["out"] : i64
  %op = nas.categorical "e0_1" [%id, %conv] labels ["skip", "conv"] : !nas.layer
  %x1 = nas.apply %op(%x0)
  %two = arith.constant 2 : i64
  %in = nas.pick "in" %two of [%x0, %x1]
  %s = nas.sum %in, %x1 : !nas.tensors, !nas.tensor
  nas.output %s
}
nas.template network @Net params [] inputs ["image"] {
^bb0(%image: !nas.tensor):
  %c16 = arith.constant 16 : i64
  %n = arith.constant 3 : i64
  %cell = nas.instance shared "cell" @Cell(%c16) names ["c"] : i64
  %r = nas.repeat %n, %cell
  %y = nas.apply %r(%image)
  nas.output %y
}
nas.metricdef @accuracy params [] direction "maximize" : f64
nas.externdef strategy @evolution impl "evolution" params ["population"]
nas.search @S {
  %space = nas.instance root @Net() names []
  nas.setting "space" = %space : !nas.layer
  %c10 = arith.constant 10 : i64
  %s = nas.extern @evolution(%c10) names ["population"] : i64
  nas.setting "strategy" = %s : !nas.config
  %acc = nas.metric @accuracy() names [] : () -> f64
  nas.objective maximize %acc : f64
}

// CHECK-LABEL: nas.opdef @conv impl "conv2d" params ["out", "kernel"] traits ["convolution"] defaults {
// CHECK-NEXT:  ^bb0(%out: i64, %kernel: i64, %in_channels: i64, %in_h: i64, %in_w: i64):
// CHECK:         nas.yield %in_channels, %{{.*}} : i64, i64
// CHECK:       } body {
// CHECK:         nas.require %{{.*}} {text = "kernel >= 1"}
// CHECK:         nas.properties out_channels %out stride %{{.*}} params %{{.*}} flops %{{.*}} : i64, i64
// CHECK-LABEL: nas.template cell @Cell params ["c"] inputs ["x0"] {
// CHECK-NEXT:  ^bb0(%c: i64, %x0: !nas.tensor):
// CHECK-NEXT:    %[[ID:.*]] = nas.layer @identity() names []
// CHECK-NEXT:    %[[CONV:.*]] = nas.layer @conv(%c) names ["out"] : i64
// CHECK-NEXT:    %[[OP:.*]] = nas.categorical "e0_1" [%[[ID]], %[[CONV]]] labels ["skip", "conv"] : !nas.layer
// CHECK-NEXT:    %[[X1:.*]] = nas.apply %[[OP]](%x0)
// CHECK:         %[[IN:.*]] = nas.pick "in" %{{.*}} of [%x0, %[[X1]]]
// CHECK-NEXT:    %[[S:.*]] = nas.sum %[[IN]], %[[X1]] : !nas.tensors, !nas.tensor
// CHECK-NEXT:    nas.output %[[S]]
// CHECK-LABEL: nas.template network @Net params [] inputs ["image"] {
// CHECK:         %[[CELL:.*]] = nas.instance shared "cell" @Cell(%{{.*}}) names ["c"] : i64
// CHECK-NEXT:    %[[R:.*]] = nas.repeat %{{.*}}, %[[CELL]]
// CHECK-NEXT:    nas.apply %[[R]](%image)
// CHECK:       nas.metricdef @accuracy params [] direction "maximize" : f64
// CHECK:       nas.externdef strategy @evolution impl "evolution" params ["population"]
// CHECK-LABEL: nas.search @S {
// CHECK:         nas.instance root @Net() names []
// CHECK:         nas.setting "space" = %{{.*}} : !nas.layer
// CHECK:         nas.extern @evolution(%{{.*}}) names ["population"] : i64
// CHECK:         nas.objective maximize %{{.*}} : f64
