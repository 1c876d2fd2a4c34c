// nas-instantiate: instances inlined, repetitions unrolled, decisions named
// by who owns them.
// RUN: nas-opt %s --nas-instantiate --mlir-print-op-on-diagnostic=false | FileCheck %s

nas.opdef @relu impl "relu" params [] traits [] defaults {
^bb0(%in_channels: i64, %in_h: i64, %in_w: i64):
  nas.yield
} body {
^bb0(%in_channels: i64, %in_h: i64, %in_w: i64):
  %c0 = arith.constant 0 : i64
  %c1 = arith.constant 1 : i64
  nas.properties out_channels %in_channels stride %c1 params %c0 flops %c0 : i64, i64
}
nas.opdef @conv impl "conv2d" params ["out"] traits [] defaults {
^bb0(%out: i64, %in_channels: i64, %in_h: i64, %in_w: i64):
  nas.yield %in_channels : i64
} body {
^bb0(%out: i64, %in_channels: i64, %in_h: i64, %in_w: i64):
  %c1 = arith.constant 1 : i64
  nas.properties out_channels %out stride %c1 params %out flops %out : i64, i64
}

// A cell with one decision; a block with an independent decision.
nas.template cell @Cell params ["c"] inputs ["x"] {
^bb0(%c: i64, %x: !nas.tensor):
  %r = nas.layer @relu() names []
  %k = nas.layer @conv(%c) names ["out"] : i64
  %op = nas.categorical "op" [%r, %k] labels ["relu", "conv"] : !nas.layer
  %y = nas.apply %op(%x)
  nas.output %y
}
nas.template block @Block params [] inputs ["x"] {
^bb0(%x: !nas.tensor):
  %c8 = arith.constant 8 : i64
  %c16 = arith.constant 16 : i64
  %w = nas.categorical "w" [%c8, %c16] : i64
  %k = nas.layer @conv(%w) names ["out"] : i64
  %y = nas.apply %k(%x)
  nas.output %y
}
nas.template network @Net params ["n"] inputs ["image"] attributes {param_defaults = [2]} {
^bb0(%n: i64, %image: !nas.tensor):
  %c16 = arith.constant 16 : i64
  %cell = nas.instance shared "cell" @Cell(%c16) names ["c"] : i64
  %cells = nas.repeat %n, %cell
  %a = nas.apply %cells(%image)
  %b = nas.instance independent @Block() names []
  %two = nas.repeat %n, %b
  %c = nas.apply %two(%a)
  nas.output %c
}

// CHECK-LABEL: nas.space @Net.space network @Net inputs ["image"]
// CHECK-NEXT:  ^bb0(%image: !nas.tensor):
// Both copies of the shared cell decide "cell/op"; each independent block
// copy has its own "Block#0.j/w" (ordinal 0, copy j).
// CHECK-DAG:     nas.categorical "cell/op" [{{.*}}] labels ["relu", "conv"] : !nas.layer
// CHECK-DAG:     nas.categorical "Block#0.0/w" [{{.*}}] : i64
// CHECK-DAG:     nas.categorical "Block#0.1/w" [{{.*}}] : i64
// CHECK-NOT:     nas.instance
// CHECK-NOT:     nas.repeat
// CHECK:         nas.output


// Independent instances inside a shared cell are named by their place in the
// cell's body, so every application of the shared cell decides the same
// "cells/Inner#0/w" and "cells/Inner#1/w": 2 x 2 = 4 architectures.
// RUN: nasc compile --emit=mlir-lowered %S/Inputs/shared-holds-independent.nas | FileCheck %s --check-prefix=NESTED
// NESTED: nas.space @Net.space {{.*}}attributes {decisions = 2 : i64, {{.*}}size = "4"
// NESTED-DAG: nas.categorical "cells/Inner#0/w"
// NESTED-DAG: nas.categorical "cells/Inner#1/w"
// NESTED-NOT: "cells/Inner#2
