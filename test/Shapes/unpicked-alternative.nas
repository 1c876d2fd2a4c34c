// A rule inside an alternative binds only where the alternative is picked:
// Add sums its inputs (equal channels needed), and it is picked only when
// w == 8, where they are equal; with w == 16 Cat is used.
// RUN: nasc info %s | FileCheck %s
// But a picked alternative that breaks a rule is an error, naming when.
// RUN: sed 's/w == 8 then/w == 16 then/' %s > %t.nas
// RUN: not nasc info %t.nas 2>&1 | FileCheck %s --check-prefix=BROKEN
import "std/ops";

block Add {
  input a;
  input b;
  output sum(a, b);
}

block Cat {
  input a;
  input b;
  output concat(a, b) |> conv(8, kernel=1);
}

network Net() {
  input image: tensor(3, 8, 8);
  choice w: [8, 16];
  node a = image |> conv(w);
  node b = image |> conv(8);
  node y = (if w == 8 then Add else Cat)(a, b);
  output y |> global_avg_pool |> linear(10);
}

// CHECK: size: 2 architectures
// CHECK: params: {{[0-9]+}} .. {{[0-9]+}}
// BROKEN: unpicked-alternative.nas.tmp.nas:13:13: error: sum: input 2 has other channels than input 1, but channels of input 1 = 16, channels of input 2 = 8 (when w = 16)
