// Layer identity under CSE: every application of a layer with weights (or
// randomness) is a layer of its own, as a PyTorch module instantiation is;
// only applications of `parameter_free`, non-`stochastic` ops merge.
// RUN: nas-opt %s --cse | FileCheck %s

nas.opdef @conv impl "conv2d" params ["out"] traits ["convolution"] defaults {
^bb0(%out: i64, %in_channels: i64, %in_h: i64, %in_w: i64):
  nas.yield %in_channels : i64
} body {
^bb0(%out: i64, %in_channels: i64, %in_h: i64, %in_w: i64):
  %c1 = arith.constant 1 : i64
  %p = arith.muli %in_channels, %out : i64
  nas.properties out_channels %out stride %c1 params %p flops %p : i64, i64
}
nas.opdef @relu impl "relu" params [] traits ["activation", "parameter_free"] defaults {
^bb0(%in_channels: i64, %in_h: i64, %in_w: i64):
  nas.yield
} body {
^bb0(%in_channels: i64, %in_h: i64, %in_w: i64):
  %c0 = arith.constant 0 : i64
  %c1 = arith.constant 1 : i64
  nas.properties out_channels %in_channels stride %c1 params %c0 flops %c0 : i64, i64
}
nas.opdef @dropout impl "dropout" params [] traits ["parameter_free", "stochastic"] defaults {
^bb0(%in_channels: i64, %in_h: i64, %in_w: i64):
  nas.yield
} body {
^bb0(%in_channels: i64, %in_h: i64, %in_w: i64):
  %c0 = arith.constant 0 : i64
  %c1 = arith.constant 1 : i64
  nas.properties out_channels %in_channels stride %c1 params %c0 flops %c0 : i64, i64
}

// CHECK-LABEL: nas.space @S
nas.space @S network @N inputs ["x"] {
^bb0(%x: !nas.tensor):
  %c16 = arith.constant 16 : i64
  // Two equal convolution layers on one input: one layer descriptor (the
  // recipe), two applications (two weight tensors).
  // CHECK: %[[CONV:.*]] = nas.layer @conv
  // CHECK-NOT: nas.layer @conv
  // CHECK: %[[A:.*]] = nas.apply %[[CONV]](%x)
  // CHECK: %[[B:.*]] = nas.apply %[[CONV]](%x)
  %l1 = nas.layer @conv(%c16) names ["out"] : i64
  %l2 = nas.layer @conv(%c16) names ["out"] : i64
  %a = nas.apply %l1(%x)
  %b = nas.apply %l2(%x)
  // The same layer value applied twice to one input: still two layers.
  // CHECK: %[[C:.*]] = nas.apply %[[CONV]](%x)
  %c = nas.apply %l1(%x)
  // Two relus on one input: one function, merged.
  // CHECK: %[[R:.*]] = nas.apply %{{.*}}(%x)
  %r1 = nas.layer @relu() names []
  %r2 = nas.layer @relu() names []
  %ra = nas.apply %r1(%x)
  %rb = nas.apply %r2(%x)
  // Two dropouts draw two masks: kept apart.
  // CHECK: %[[D1:.*]] = nas.apply %[[DROP:.*]](%x)
  // CHECK: %[[D2:.*]] = nas.apply %[[DROP]](%x)
  %d = nas.layer @dropout() names []
  %d1 = nas.apply %d(%x)
  %d2 = nas.apply %d(%x)
  // A choice with a weighted alternative: its applications stay apart; a
  // choice among weight-free ops merges.
  // CHECK: %[[M1:.*]] = nas.apply %[[MIX:.*]](%x)
  // CHECK: %[[M2:.*]] = nas.apply %[[MIX]](%x)
  %mix = nas.categorical "op" [%r1, %l1] : !nas.layer
  %m1 = nas.apply %mix(%x)
  %m2 = nas.apply %mix(%x)
  // CHECK: %[[F:.*]] = nas.apply %{{.*}}(%x)
  // CHECK-NOT: nas.apply
  %free = nas.categorical "act" [%r1, %r2] : !nas.layer
  %f1 = nas.apply %free(%x)
  %f2 = nas.apply %free(%x)
  // CHECK: nas.sum %[[A]], %[[B]], %[[C]], %[[R]], %[[R]], %[[D1]], %[[D2]], %[[M1]], %[[M2]], %[[F]], %[[F]]
  %s = nas.sum %a, %b, %c, %ra, %rb, %d1, %d2, %m1, %m2, %f1, %f2 : !nas.tensor, !nas.tensor, !nas.tensor, !nas.tensor, !nas.tensor, !nas.tensor, !nas.tensor, !nas.tensor, !nas.tensor, !nas.tensor, !nas.tensor
  nas.output %s
}
