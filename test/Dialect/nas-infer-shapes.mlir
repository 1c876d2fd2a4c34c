// nas-infer-shapes, alone: every feature map's (channels, height, width)
// over every architecture, from nas.input_shape and each op's properties.
// A map with one shape in every architecture gets `shape`; the space gets
// its cost range; a rule that breaks for some decision values is an error
// naming them.
// RUN: not nas-opt %s --nas-infer-shapes -split-input-file --mlir-print-op-on-diagnostic=false 2>/dev/null | FileCheck %s
// RUN: not nas-opt %s --nas-infer-shapes -split-input-file --mlir-print-op-on-diagnostic=false 2>&1 >/dev/null | FileCheck %s --check-prefix=ERR

nas.opdef @conv impl "conv2d" params ["out", "stride"] traits [] defaults {
^bb0(%out: i64, %stride: i64, %in_channels: i64, %in_h: i64, %in_w: i64):
  %c1 = arith.constant 1 : i64
  nas.yield %in_channels, %c1 : i64, i64
} body {
^bb0(%out: i64, %stride: i64, %in_channels: i64, %in_h: i64, %in_w: i64):
  %c9 = arith.constant 9 : i64
  %0 = arith.muli %in_channels, %out : i64
  %1 = arith.muli %0, %c9 : i64
  %2 = arith.muli %1, %in_h : i64
  %3 = arith.muli %2, %in_w : i64
  nas.properties out_channels %out stride %stride params %1 flops %3 : i64, i64
}

// Stride 2 halves 8 x 8; the searched width makes the second map's channels
// differ between architectures (no `shape`), and the cost a range:
// params 3*8*9 + 3*w*9 = 432 or 648.
// CHECK-LABEL: nas.space @Ok
// CHECK-SAME: params = array<f64: 4.320000e+02, 6.480000e+02>
// CHECK: nas.apply %{{.*}}(%image) {shape = array<i64: 8, 4, 4>}
// CHECK: %[[B:.*]] = nas.apply %{{.*}}(%image){{$}}
// CHECK: nas.concat %{{.*}}, %[[B]] : !nas.tensor, !nas.tensor{{$}}
nas.space @Ok network @N inputs ["image"] {
^bb0(%image: !nas.tensor):
  %c2 = arith.constant 2 : i64
  %c3 = arith.constant 3 : i64
  %c8 = arith.constant 8 : i64
  %c16 = arith.constant 16 : i64
  nas.input_shape %image [%c3, %c8, %c8]
  %w = nas.categorical "w" [%c8, %c16] : i64
  %l1 = nas.layer @conv(%c8, %c2) names ["out", "stride"] : i64, i64
  %a = nas.apply %l1(%image)
  %l2 = nas.layer @conv(%w, %c2) names ["out", "stride"] : i64, i64
  %b = nas.apply %l2(%image)
  %c = nas.concat %a, %b : !nas.tensor, !nas.tensor
  nas.output %c
}

// -----

nas.opdef @conv impl "conv2d" params ["out", "stride"] traits [] defaults {
^bb0(%out: i64, %stride: i64, %in_channels: i64, %in_h: i64, %in_w: i64):
  %c1 = arith.constant 1 : i64
  nas.yield %in_channels, %c1 : i64, i64
} body {
^bb0(%out: i64, %stride: i64, %in_channels: i64, %in_h: i64, %in_w: i64):
  %c9 = arith.constant 9 : i64
  nas.properties out_channels %out stride %stride params %c9 flops %c9 : i64, i64
}

// A sum of 8 channels and w channels: breaks when w = 16.
nas.space @Mismatch network @N inputs ["image"] {
^bb0(%image: !nas.tensor):
  %c2 = arith.constant 2 : i64
  %c3 = arith.constant 3 : i64
  %c8 = arith.constant 8 : i64
  %c16 = arith.constant 16 : i64
  nas.input_shape %image [%c3, %c8, %c8]
  %w = nas.categorical "w" [%c8, %c16] : i64
  %l1 = nas.layer @conv(%c8, %c2) names ["out", "stride"] : i64, i64
  %a = nas.apply %l1(%image)
  %l2 = nas.layer @conv(%w, %c2) names ["out", "stride"] : i64, i64
  %b = nas.apply %l2(%image)
  // ERR: nas-infer-shapes.mlir:{{[0-9]+}} offset :{{[0-9]+}}:8: error: sum: input 2 has other channels than input 1, but channels of input 1 = 8, channels of input 2 = 16 (when w = 16)
  %s = nas.sum %a, %b : !nas.tensor, !nas.tensor
  nas.output %s
}
