// Top-level declarations: imports, consts, ops with properties, traits and
// requirements, externs of each kind, metrics. `compile` emits the AST by
// default. The CHECK lines are at the end so the locations above stay put.
// RUN: nasc compile --emit=ast --stdlib %S/Inputs %s | FileCheck %s --strict-whitespace --match-full-lines
// RUN: nasc compile --stdlib %S/Inputs %s | FileCheck %s --strict-whitespace --match-full-lines

import "std/ops";
import "Inputs/lib.nas";
const C = 16;
const K: int[] = [3, 5];
op conv(out: int = in_channels, kernel: int = 3) = "conv2d" {
  out_channels = out;
  trait convolution, parameter_free;
  require kernel >= 1, "kernel size must be at least 1";
  require out > 0;
}
op identity();
strategy evolution(population: int = 50) = "regularized_evolution";
estimator train(budget: duration = 1h) = "full";
dataset cifar10() = "cifar10";
optimizer sgd(lr: float = 0.1);
metric accuracy: float maximize;
metric latency(device: string): float minimize;
metric params: int;

// CHECK:Module "{{(.*/)?}}decls.nas"
// CHECK-NEXT:  ImportDecl <7:1> "std/ops"
// CHECK-NEXT:  ImportDecl <8:1> "Inputs/lib.nas"
// CHECK-NEXT:  ConstDecl <9:1> C
// CHECK-NEXT:    Int <9:11> 16
// CHECK-NEXT:  ConstDecl <10:1> K
// CHECK-NEXT:    Type <10:10> int[]
// CHECK-NEXT:    List <10:18>
// CHECK-NEXT:      Int <10:19> 3
// CHECK-NEXT:      Int <10:22> 5
// CHECK-NEXT:  OpDecl <11:1> conv impl="conv2d"
// CHECK-NEXT:    Param <11:9> out: int
// CHECK-NEXT:      Name <11:20> in_channels
// CHECK-NEXT:    Param <11:33> kernel: int
// CHECK-NEXT:      Int <11:47> 3
// CHECK-NEXT:    Property <12:3> out_channels
// CHECK-NEXT:      Name <12:18> out
// CHECK-NEXT:    Trait <13:9> convolution
// CHECK-NEXT:    Trait <13:22> parameter_free
// CHECK-NEXT:    Require <14:3> "kernel size must be at least 1"
// CHECK-NEXT:      Binary <14:18> >=
// CHECK-NEXT:        Name <14:11> kernel
// CHECK-NEXT:        Int <14:21> 1
// CHECK-NEXT:    Require <15:3>
// CHECK-NEXT:      Binary <15:15> >
// CHECK-NEXT:        Name <15:11> out
// CHECK-NEXT:        Int <15:17> 0
// CHECK-NEXT:  OpDecl <17:1> identity impl="identity"
// CHECK-NEXT:  ExternDecl <18:1> strategy evolution impl="regularized_evolution"
// CHECK-NEXT:    Param <18:20> population: int
// CHECK-NEXT:      Int <18:38> 50
// CHECK-NEXT:  ExternDecl <19:1> estimator train impl="full"
// CHECK-NEXT:    Param <19:17> budget: duration
// CHECK-NEXT:      Duration <19:36> 1h (3600 s)
// CHECK-NEXT:  ExternDecl <20:1> dataset cifar10 impl="cifar10"
// CHECK-NEXT:  ExternDecl <21:1> optimizer sgd impl="sgd"
// CHECK-NEXT:    Param <21:15> lr: float
// CHECK-NEXT:      Float <21:27> 0.1
// CHECK-NEXT:  MetricDecl <22:1> accuracy: float maximize
// CHECK-NEXT:  MetricDecl <23:1> latency: float minimize
// CHECK-NEXT:    Param <23:16> device: string
// CHECK-NEXT:  MetricDecl <24:1> params: int
// Nothing else is printed.
// CHECK-NOT:{{.}}
