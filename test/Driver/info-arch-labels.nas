// RUN: nasc info %s | FileCheck %s
// RUN: nasc info %s --arch 'a=#1' | FileCheck %s --check-prefix=ARCH
// An alternative with neither a label nor a constant value (an `if` between
// layers) reads in `info` as `--arch` takes it.
// CHECK: a: categorical [conv(8), #1, conv(8, kernel=5)]
// ARCH: a=#1	{{[0-9a-f]+}}	602	28832
import "std/ops";

network Q(wide: bool = true) {
  input image: tensor(3, 8, 8);
  choice a: [conv(8), if wide then conv(16) else conv(4), conv(8, kernel=5)];
  output image |> a |> global_avg_pool |> linear(10);
}
