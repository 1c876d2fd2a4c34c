// A search block: settings, objectives, requirements, choices, consts and
// lets. Settings are printed first, then objectives, then the other items.
// The CHECK lines are at the end so the locations above stay put.
// RUN: nasc compile --emit=ast %s | FileCheck %s --strict-whitespace --match-full-lines

op relu() = "relu";
metric accuracy: float maximize;
metric latency(device: string): float minimize;
strategy evolution(population: int = 50) = "evolution";
estimator train(epochs: int = 10) = "train";
dataset cifar10() = "cifar10";
optimizer sgd(lr: float = 0.1) = "sgd";

network Net(C: int = 16) {
  input image: tensor(3, 32, 32);
  output image |> relu;
}

search NB201 {
  space = Net(C=16);
  strategy = evolution(population=64);
  estimator = train();
  dataset = cifar10;
  const base = 0.05;
  optimizer = sgd(lr=base);
  seed = 42;
  evaluations = 1_000;
  time_limit = 12h;
  let target = latency("pixel3");
  maximize accuracy * (target / 80.0) ** -0.07;
  minimize latency("cpu");
  require target <= 80.0;
}

// CHECK:Module "{{(.*/)?}}search.nas"
// CHECK-NEXT:  OpDecl <6:1> relu impl="relu"
// CHECK-NEXT:  MetricDecl <7:1> accuracy: float maximize
// CHECK-NEXT:  MetricDecl <8:1> latency: float minimize
// CHECK-NEXT:    Param <8:16> device: string
// CHECK-NEXT:  ExternDecl <9:1> strategy evolution impl="evolution"
// CHECK-NEXT:    Param <9:20> population: int
// CHECK-NEXT:      Int <9:38> 50
// CHECK-NEXT:  ExternDecl <10:1> estimator train impl="train"
// CHECK-NEXT:    Param <10:17> epochs: int
// CHECK-NEXT:      Int <10:31> 10
// CHECK-NEXT:  ExternDecl <11:1> dataset cifar10 impl="cifar10"
// CHECK-NEXT:  ExternDecl <12:1> optimizer sgd impl="sgd"
// CHECK-NEXT:    Param <12:15> lr: float
// CHECK-NEXT:      Float <12:27> 0.1
// CHECK-NEXT:  TemplateDecl <14:1> network Net
// CHECK-NEXT:    Param <14:13> C: int
// CHECK-NEXT:      Int <14:22> 16
// CHECK-NEXT:    Input <15:3> image
// CHECK-NEXT:      Type <15:16> tensor(...)
// CHECK-NEXT:        Int <15:23> 3
// CHECK-NEXT:        Int <15:26> 32
// CHECK-NEXT:        Int <15:30> 32
// CHECK-NEXT:    Output <16:3>
// CHECK-NEXT:      Pipe <16:19>
// CHECK-NEXT:        Name <16:10> image
// CHECK-NEXT:        Name <16:19> relu
// CHECK-NEXT:  SearchDecl <19:1> NB201
// CHECK-NEXT:    Setting <20:3> space
// CHECK-NEXT:      Call <20:14>
// CHECK-NEXT:        Name <20:11> Net
// CHECK-NEXT:        Arg <20:15> C
// CHECK-NEXT:          Int <20:17> 16
// CHECK-NEXT:    Setting <21:3> strategy
// CHECK-NEXT:      Call <21:23>
// CHECK-NEXT:        Name <21:14> evolution
// CHECK-NEXT:        Arg <21:24> population
// CHECK-NEXT:          Int <21:35> 64
// CHECK-NEXT:    Setting <22:3> estimator
// CHECK-NEXT:      Call <22:20>
// CHECK-NEXT:        Name <22:15> train
// CHECK-NEXT:    Setting <23:3> dataset
// CHECK-NEXT:      Name <23:13> cifar10
// CHECK-NEXT:    Setting <25:3> optimizer
// CHECK-NEXT:      Call <25:18>
// CHECK-NEXT:        Name <25:15> sgd
// CHECK-NEXT:        Arg <25:19> lr
// CHECK-NEXT:          Name <25:22> base
// CHECK-NEXT:    Setting <26:3> seed
// CHECK-NEXT:      Int <26:10> 42
// CHECK-NEXT:    Setting <27:3> evaluations
// CHECK-NEXT:      Int <27:17> 1000
// CHECK-NEXT:    Setting <28:3> time_limit
// CHECK-NEXT:      Duration <28:16> 12h (43200 s)
// CHECK-NEXT:    Objective <30:3> maximize
// CHECK-NEXT:      Binary <30:21> *
// CHECK-NEXT:        Name <30:12> accuracy
// CHECK-NEXT:        Binary <30:39> **
// CHECK-NEXT:          Binary <30:31> /
// CHECK-NEXT:            Name <30:24> target
// CHECK-NEXT:            Float <30:33> 80
// CHECK-NEXT:          Unary <30:42> -
// CHECK-NEXT:            Float <30:43> 0.07
// CHECK-NEXT:    Objective <31:3> minimize
// CHECK-NEXT:      Call <31:19>
// CHECK-NEXT:        Name <31:12> latency
// CHECK-NEXT:        Arg <31:20>
// CHECK-NEXT:          String <31:20> "cpu"
// CHECK-NEXT:    Const <24:3> base
// CHECK-NEXT:      Float <24:16> 0.05
// CHECK-NEXT:    Let <29:3> target
// CHECK-NEXT:      Call <29:23>
// CHECK-NEXT:        Name <29:16> latency
// CHECK-NEXT:        Arg <29:24>
// CHECK-NEXT:          String <29:24> "pixel3"
// CHECK-NEXT:    Require <32:3>
// CHECK-NEXT:      Binary <32:18> <=
// CHECK-NEXT:        Name <32:11> target
// CHECK-NEXT:        Float <32:21> 80
// Nothing else is printed.
// CHECK-NOT:{{.}}
