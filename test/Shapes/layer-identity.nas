// RUN: nasc info %s | FileCheck %s
// RUN: nasc compile --emit=mlir-lowered %s | FileCheck %s --check-prefix=IR
// Every application of an op with weights is its own layer (docs/language.md
// 6.5): two equal convolutions on the image are two (2 x 432 params), and a
// two-input cell applied to (stem, stem) keeps both preprocessing
// convolutions (2 x 144), as the first cell of DARTS and NASNet does; the
// classifier has 18. Merging equal applications gave 594.
// CHECK: params: 1170 .. 1170
// IR: %[[A:.*]] = nas.apply %[[CONV:.*]](%image)
// IR-NEXT: %[[B:.*]] = nas.apply %[[CONV]](%image)
// IR-NEXT: nas.sum %[[A]], %[[B]]
import "std/ops";

cell Pre(C: int) {
  input s0;
  input s1;
  node x0 = s0 |> relu_conv_bn(C, kernel=1);
  node x1 = s1 |> relu_conv_bn(C, kernel=1);
  output sum(x0, x1);
}

network N {
  input image: tensor(3, 8, 8);
  node a = image |> conv(16, kernel=3);
  node b = image |> conv(16, kernel=3);
  node stem = sum(a, b);
  node c0 = Pre(8)(stem, stem);
  output c0 |> global_avg_pool |> linear(2);
}
