// Templates with every kind of statement and every kind of choice domain.
// The CHECK lines are at the end so the locations above stay put.
// RUN: nasc compile --emit=ast %s | FileCheck %s --strict-whitespace --match-full-lines

op relu() = "relu";
op conv(out: int = in_channels, kernel: int = 3) = "conv2d";
const OPS = [relu, conv(kernel=1)];

cell Cell(C: int, ks: int[] = [1, 3]) {
  input x0;
  input x1: tensor;
  const two = 2;
  choice e: OPS;
  choice k: [3, 5, 7];
  choice w: 16..64 step 8;
  choice d: 0..4;
  choice lr: 1e-4..1e-1 log;
  choice p: 0.0..0.5;
  choice picks: 1 of [x0, x1];
  choice skips: any of [x0, x1];
  let hidden = C * two;
  node a = e(x0);
  node b = sum(picks, a |> conv(hidden, kernel=k));
  require hidden % w == 0, "width must divide";
  require d >= 0 && lr * p < 1.0;
  output concat(b, skips);
}

block Block {
  input x;
  output x;
}

network Net(C: int = 16) {
  input image: tensor(3, 32, 32);
  output (Cell(C) shared as cell)(image, image);
}

// CHECK:Module "{{(.*/)?}}templates.nas"
// CHECK-NEXT:  OpDecl <5:1> relu impl="relu"
// CHECK-NEXT:  OpDecl <6:1> conv impl="conv2d"
// CHECK-NEXT:    Param <6:9> out: int
// CHECK-NEXT:      Name <6:20> in_channels
// CHECK-NEXT:    Param <6:33> kernel: int
// CHECK-NEXT:      Int <6:47> 3
// CHECK-NEXT:  ConstDecl <7:1> OPS
// CHECK-NEXT:    List <7:13>
// CHECK-NEXT:      Name <7:14> relu
// CHECK-NEXT:      Call <7:24>
// CHECK-NEXT:        Name <7:20> conv
// CHECK-NEXT:        Arg <7:25> kernel
// CHECK-NEXT:          Int <7:32> 1
// CHECK-NEXT:  TemplateDecl <9:1> cell Cell
// CHECK-NEXT:    Param <9:11> C: int
// CHECK-NEXT:    Param <9:19> ks: int[]
// CHECK-NEXT:      List <9:31>
// CHECK-NEXT:        Int <9:32> 1
// CHECK-NEXT:        Int <9:35> 3
// CHECK-NEXT:    Input <10:3> x0
// CHECK-NEXT:    Input <11:3> x1
// CHECK-NEXT:      Type <11:13> tensor
// CHECK-NEXT:    Const <12:3> two
// CHECK-NEXT:      Int <12:15> 2
// CHECK-NEXT:    Choice <13:3> e
// CHECK-NEXT:      Values <13:13>
// CHECK-NEXT:        Name <13:13> OPS
// CHECK-NEXT:    Choice <14:3> k
// CHECK-NEXT:      Values <14:13>
// CHECK-NEXT:        List <14:13>
// CHECK-NEXT:          Int <14:14> 3
// CHECK-NEXT:          Int <14:17> 5
// CHECK-NEXT:          Int <14:20> 7
// CHECK-NEXT:    Choice <15:3> w
// CHECK-NEXT:      Range <15:13>
// CHECK-NEXT:        Int <15:13> 16
// CHECK-NEXT:        Int <15:17> 64
// CHECK-NEXT:        Step <15:25>
// CHECK-NEXT:          Int <15:25> 8
// CHECK-NEXT:    Choice <16:3> d
// CHECK-NEXT:      Range <16:13>
// CHECK-NEXT:        Int <16:13> 0
// CHECK-NEXT:        Int <16:16> 4
// CHECK-NEXT:    Choice <17:3> lr
// CHECK-NEXT:      Range <17:14> log
// CHECK-NEXT:        Float <17:14> 0.0001
// CHECK-NEXT:        Float <17:20> 0.1
// CHECK-NEXT:    Choice <18:3> p
// CHECK-NEXT:      Range <18:13>
// CHECK-NEXT:        Float <18:13> 0
// CHECK-NEXT:        Float <18:18> 0.5
// CHECK-NEXT:    Choice <19:3> picks
// CHECK-NEXT:      Pick <19:17>
// CHECK-NEXT:        Int <19:17> 1
// CHECK-NEXT:        List <19:22>
// CHECK-NEXT:          Name <19:23> x0
// CHECK-NEXT:          Name <19:27> x1
// CHECK-NEXT:    Choice <20:3> skips
// CHECK-NEXT:      Subset <20:17>
// CHECK-NEXT:        List <20:24>
// CHECK-NEXT:          Name <20:25> x0
// CHECK-NEXT:          Name <20:29> x1
// CHECK-NEXT:    Let <21:3> hidden
// CHECK-NEXT:      Binary <21:18> *
// CHECK-NEXT:        Name <21:16> C
// CHECK-NEXT:        Name <21:20> two
// CHECK-NEXT:    Node <22:3> a
// CHECK-NEXT:      Call <22:13>
// CHECK-NEXT:        Name <22:12> e
// CHECK-NEXT:        Arg <22:14>
// CHECK-NEXT:          Name <22:14> x0
// CHECK-NEXT:    Node <23:3> b
// CHECK-NEXT:      Call <23:15>
// CHECK-NEXT:        Name <23:12> sum
// CHECK-NEXT:        Arg <23:16>
// CHECK-NEXT:          Name <23:16> picks
// CHECK-NEXT:        Arg <23:23>
// CHECK-NEXT:          Pipe <23:28>
// CHECK-NEXT:            Name <23:23> a
// CHECK-NEXT:            Call <23:32>
// CHECK-NEXT:              Name <23:28> conv
// CHECK-NEXT:              Arg <23:33>
// CHECK-NEXT:                Name <23:33> hidden
// CHECK-NEXT:              Arg <23:41> kernel
// CHECK-NEXT:                Name <23:48> k
// CHECK-NEXT:    Require <24:3> "width must divide"
// CHECK-NEXT:      Binary <24:22> ==
// CHECK-NEXT:        Binary <24:18> %
// CHECK-NEXT:          Name <24:11> hidden
// CHECK-NEXT:          Name <24:20> w
// CHECK-NEXT:        Int <24:25> 0
// CHECK-NEXT:    Require <25:3>
// CHECK-NEXT:      Binary <25:18> &&
// CHECK-NEXT:        Binary <25:13> >=
// CHECK-NEXT:          Name <25:11> d
// CHECK-NEXT:          Int <25:16> 0
// CHECK-NEXT:        Binary <25:28> <
// CHECK-NEXT:          Binary <25:24> *
// CHECK-NEXT:            Name <25:21> lr
// CHECK-NEXT:            Name <25:26> p
// CHECK-NEXT:          Float <25:30> 1
// CHECK-NEXT:    Output <26:3>
// CHECK-NEXT:      Call <26:16>
// CHECK-NEXT:        Name <26:10> concat
// CHECK-NEXT:        Arg <26:17>
// CHECK-NEXT:          Name <26:17> b
// CHECK-NEXT:        Arg <26:20>
// CHECK-NEXT:          Name <26:20> skips
// CHECK-NEXT:  TemplateDecl <29:1> block Block
// CHECK-NEXT:    Input <30:3> x
// CHECK-NEXT:    Output <31:3>
// CHECK-NEXT:      Name <31:10> x
// CHECK-NEXT:  TemplateDecl <34:1> network Net
// CHECK-NEXT:    Param <34:13> C: int
// CHECK-NEXT:      Int <34:22> 16
// CHECK-NEXT:    Input <35:3> image
// CHECK-NEXT:      Type <35:16> tensor(...)
// CHECK-NEXT:        Int <35:23> 3
// CHECK-NEXT:        Int <35:26> 32
// CHECK-NEXT:        Int <35:30> 32
// CHECK-NEXT:    Output <36:3>
// CHECK-NEXT:      Call <36:34>
// CHECK-NEXT:        Shared <36:19> as cell
// CHECK-NEXT:          Call <36:15>
// CHECK-NEXT:            Name <36:11> Cell
// CHECK-NEXT:            Arg <36:16>
// CHECK-NEXT:              Name <36:16> C
// CHECK-NEXT:        Arg <36:35>
// CHECK-NEXT:          Name <36:35> image
// CHECK-NEXT:        Arg <36:42>
// CHECK-NEXT:          Name <36:42> image
// Nothing else is printed.
// CHECK-NOT:{{.}}
