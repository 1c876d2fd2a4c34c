// `op` is the type of a layer value and can be written wherever a type can,
// alone or as a list, although it is also the keyword that declares ops.
// RUN: nasc check --verify-diagnostics %s
// The type reads as `op` and `op[]` wherever it is written:
// RUN: nasc compile --emit=ast %s | FileCheck %s
// CHECK: ConstDecl <{{[0-9]+}}:1> ACTS
// CHECK-NEXT: Type <{{[0-9:]+}}> op[]
// CHECK: ConstDecl <{{[0-9]+}}:1> ACT
// CHECK-NEXT: Type <{{[0-9:]+}}> op{{$}}
// CHECK: TemplateDecl <{{[0-9:]+}}> cell Cell
// CHECK-NEXT: Param <{{[0-9:]+}}> act: op{{$}}
// CHECK: Param <{{[0-9:]+}}> choices: op[]

op relu() = "relu";
op conv(out: int = in_channels, kernel: int = 3) = "conv2d";
const ACTS: op[] = [relu, conv(kernel=1)];
const ACT: op = relu;

cell Cell(act: op = relu, choices: op[] = ACTS) {
  input x;
  choice e: choices;
  output x |> act |> e;
}

network Net() {
  input image: tensor(3, 32, 32);
  output image |> Cell(act=ACT) independent;
}
