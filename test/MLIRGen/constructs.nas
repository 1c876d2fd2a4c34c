// What each construct of the language lowers to.
// RUN: nasc compile --emit=mlir %s | FileCheck %s

op conv(out: int = in_channels, kernel: int = 3, stride: int = 1) = "conv2d" {
  require kernel >= 1, "kernel size must be at least 1";
  out_channels = out;
  stride = stride;
  params = kernel * kernel * in_channels * out;
  trait convolution;
}
op relu() = "relu";
op act(kind: string = "relu") = "act" { require kind == "relu" || kind == "swish"; }
metric accuracy: float maximize;
metric latency(device: string): float minimize;
strategy evolution(population: int = 50) = "evolution";

// CHECK-LABEL: nas.opdef @conv impl "conv2d" params ["out", "kernel", "stride"] traits ["convolution"] defaults {
// CHECK-NEXT:  ^bb0(%out: i64, %kernel: i64, %stride: i64, %in_channels: i64, %in_h: i64, %in_w: i64):
// CHECK:         nas.yield %in_channels, %{{.*}}, %{{.*}} : i64, i64, i64
// CHECK:       } body {
// CHECK:         %[[OK:.*]] = arith.cmpi sge, %kernel, %{{.*}} : i64
// CHECK-NEXT:    nas.require %[[OK]] {message = "kernel size must be at least 1", text = "kernel >= 1"}
// CHECK:         nas.properties out_channels %out stride %stride params %{{.*}} flops %{{.*}} : i64, i64
// CHECK-LABEL: nas.opdef @act
// CHECK:         nas.string_eq %kind, %{{.*}}

const OPS = [relu, conv(kernel=1)];

cell Cell(c: int) {
  input x0;
  input x1;
  choice e: OPS;
  choice w: [1, 2];
  choice d: 1..3;
  choice lr: 0.001..0.1 log;
  choice two: 2 of [x0, x1, y];
  choice some: any of [x0];
  let width = c * w;
  node y = e(x0);
  node z = sum(two, concat(some, x1)) |> conv(width, kernel=if width > 16 then 3 else 1);
  require width % 8 == 0;
  output z |> repeat(d, relu);
}
// CHECK-LABEL: nas.template cell @Cell params ["c"] inputs ["x0", "x1"] {
// CHECK-NEXT:  ^bb0(%c: i64, %x0: !nas.tensor, %x1: !nas.tensor):
// CHECK:         nas.categorical "e" [%{{.*}}, %{{.*}}] labels ["relu", "conv(kernel=1)"] : !nas.layer
// CHECK:         nas.categorical "w" [%{{.*}}, %{{.*}}] : i64
// CHECK:         nas.range "d" %{{.*}} to %{{.*}} step %{{.*}} : i64
// CHECK:         nas.range "lr" %{{.*}} to %{{.*}} step %{{.*}} log : f64
// CHECK:         nas.pick "two" %{{.*}} of [%x0, %x1, %{{.*}}]
// CHECK:         nas.subset "some" of [%x0]
// CHECK:         nas.sum %{{.*}}, %{{.*}} : !nas.tensors, !nas.tensor
// CHECK:         arith.select
// CHECK:         nas.require %{{.*}} {text = "width % 8 == 0"}
// CHECK:         nas.repeat %{{.*}}, %{{.*}}
// CHECK:         nas.output

network Net() {
  input image: tensor(3, 32, 32);
  node a = image |> relu;
  node b = (Cell(8) shared as k)(a, a);
  node c = Cell(16)(b, b) independent;
  output c;
}
// CHECK-LABEL: nas.template network @Net params [] inputs ["image"] {
// CHECK:         nas.instance shared "k" @Cell(%{{.*}}) names ["c"] : i64
// CHECK:         nas.instance independent @Cell(%{{.*}}) names ["c"] : i64

search S {
  space = Net();
  strategy = evolution(population=10);
  time_limit = 2h;
  maximize accuracy * (latency("pixel3") / 80.0) ** -0.07;
  require latency("pixel3") <= 80.0;
}
// CHECK-LABEL: nas.search @S {
// CHECK:         nas.metric @latency(%{{.*}}) names ["device"] : (!nas.string) -> f64
// CHECK:         nas.require
// CHECK:         nas.instance root @Net() names []
// CHECK:         nas.setting "space" = %{{.*}} : !nas.layer
// CHECK:         nas.extern @evolution(%{{.*}}) names ["population"] : i64
// CHECK:         nas.setting "time_limit" = %{{.*}} : f64
// CHECK:         math.powf
// CHECK:         nas.objective maximize %{{.*}} : f64
