// Every kind of expression, with operator precedence and associativity.
// The CHECK lines are at the end so the locations above stay put.
// RUN: nasc compile --emit=ast %s | FileCheck %s --strict-whitespace --match-full-lines

op relu() = "relu";
op conv(out: int = in_channels, kernel: int = 3) = "conv2d";
const I = 1_000;
const F = 2.5e-3;
const D = [5ms, 90s, 10min, 2h];
const S = "a \"quoted\" \\ string\n";
const B = [true, false];
const Arith = -1 + 2 * 3 ** 2 ** 2 % 4 - 6 / 3;
const Logic = !(1 < 2) || 3 >= 4 && 5 != 6 == true;
const Choose = if I > 10 then D[1] else D[0] + 1s;
const Paren = (1 + 2) * 3;

cell Inner() {
  input x;
  choice k: [3, 5];
  output x |> conv(kernel=k);
}

network Net() {
  input image: tensor(3, 32, 32);
  node a = image |> relu |> Inner() shared as block;
  node b = a |> repeat(2, Inner() independent);
  node c = conv(16)(b);
  output c;
}

// CHECK:Module "{{(.*/)?}}expressions.nas"
// CHECK-NEXT:  OpDecl <5:1> relu impl="relu"
// CHECK-NEXT:  OpDecl <6:1> conv impl="conv2d"
// CHECK-NEXT:    Param <6:9> out: int
// CHECK-NEXT:      Name <6:20> in_channels
// CHECK-NEXT:    Param <6:33> kernel: int
// CHECK-NEXT:      Int <6:47> 3
// CHECK-NEXT:  ConstDecl <7:1> I
// CHECK-NEXT:    Int <7:11> 1000
// CHECK-NEXT:  ConstDecl <8:1> F
// CHECK-NEXT:    Float <8:11> 0.0025
// CHECK-NEXT:  ConstDecl <9:1> D
// CHECK-NEXT:    List <9:11>
// CHECK-NEXT:      Duration <9:12> 5ms (0.005 s)
// CHECK-NEXT:      Duration <9:17> 90s (90 s)
// CHECK-NEXT:      Duration <9:22> 10min (600 s)
// CHECK-NEXT:      Duration <9:29> 2h (7200 s)
// CHECK-NEXT:  ConstDecl <10:1> S
// CHECK-NEXT:    String <10:11> "a \"quoted\" \\ string\n"
// CHECK-NEXT:  ConstDecl <11:1> B
// CHECK-NEXT:    List <11:11>
// CHECK-NEXT:      Bool <11:12> true
// CHECK-NEXT:      Bool <11:18> false
// CHECK-NEXT:  ConstDecl <12:1> Arith
// CHECK-NEXT:    Binary <12:40> -
// CHECK-NEXT:      Binary <12:18> +
// CHECK-NEXT:        Unary <12:15> -
// CHECK-NEXT:          Int <12:16> 1
// CHECK-NEXT:        Binary <12:36> %
// CHECK-NEXT:          Binary <12:22> *
// CHECK-NEXT:            Int <12:20> 2
// CHECK-NEXT:            Binary <12:26> **
// CHECK-NEXT:              Int <12:24> 3
// CHECK-NEXT:              Binary <12:31> **
// CHECK-NEXT:                Int <12:29> 2
// CHECK-NEXT:                Int <12:34> 2
// CHECK-NEXT:          Int <12:38> 4
// CHECK-NEXT:      Binary <12:44> /
// CHECK-NEXT:        Int <12:42> 6
// CHECK-NEXT:        Int <12:46> 3
// CHECK-NEXT:  ConstDecl <13:1> Logic
// CHECK-NEXT:    Binary <13:24> ||
// CHECK-NEXT:      Unary <13:15> !
// CHECK-NEXT:        Binary <13:19> <
// CHECK-NEXT:          Int <13:17> 1
// CHECK-NEXT:          Int <13:21> 2
// CHECK-NEXT:      Binary <13:34> &&
// CHECK-NEXT:        Binary <13:29> >=
// CHECK-NEXT:          Int <13:27> 3
// CHECK-NEXT:          Int <13:32> 4
// CHECK-NEXT:        Binary <13:44> ==
// CHECK-NEXT:          Binary <13:39> !=
// CHECK-NEXT:            Int <13:37> 5
// CHECK-NEXT:            Int <13:42> 6
// CHECK-NEXT:          Bool <13:47> true
// CHECK-NEXT:  ConstDecl <14:1> Choose
// CHECK-NEXT:    If <14:16>
// CHECK-NEXT:      Binary <14:21> >
// CHECK-NEXT:        Name <14:19> I
// CHECK-NEXT:        Int <14:23> 10
// CHECK-NEXT:      Index <14:33>
// CHECK-NEXT:        Name <14:31> D
// CHECK-NEXT:        Int <14:33> 1
// CHECK-NEXT:      Binary <14:46> +
// CHECK-NEXT:        Index <14:43>
// CHECK-NEXT:          Name <14:41> D
// CHECK-NEXT:          Int <14:43> 0
// CHECK-NEXT:        Duration <14:48> 1s (1 s)
// CHECK-NEXT:  ConstDecl <15:1> Paren
// CHECK-NEXT:    Binary <15:23> *
// CHECK-NEXT:      Binary <15:18> +
// CHECK-NEXT:        Int <15:16> 1
// CHECK-NEXT:        Int <15:20> 2
// CHECK-NEXT:      Int <15:25> 3
// CHECK-NEXT:  TemplateDecl <17:1> cell Inner
// CHECK-NEXT:    Input <18:3> x
// CHECK-NEXT:    Choice <19:3> k
// CHECK-NEXT:      Values <19:13>
// CHECK-NEXT:        List <19:13>
// CHECK-NEXT:          Int <19:14> 3
// CHECK-NEXT:          Int <19:17> 5
// CHECK-NEXT:    Output <20:3>
// CHECK-NEXT:      Pipe <20:15>
// CHECK-NEXT:        Name <20:10> x
// CHECK-NEXT:        Call <20:19>
// CHECK-NEXT:          Name <20:15> conv
// CHECK-NEXT:          Arg <20:20> kernel
// CHECK-NEXT:            Name <20:27> k
// CHECK-NEXT:  TemplateDecl <23:1> network Net
// CHECK-NEXT:    Input <24:3> image
// CHECK-NEXT:      Type <24:16> tensor(...)
// CHECK-NEXT:        Int <24:23> 3
// CHECK-NEXT:        Int <24:26> 32
// CHECK-NEXT:        Int <24:30> 32
// CHECK-NEXT:    Node <25:3> a
// CHECK-NEXT:      Pipe <25:29>
// CHECK-NEXT:        Pipe <25:21>
// CHECK-NEXT:          Name <25:12> image
// CHECK-NEXT:          Name <25:21> relu
// CHECK-NEXT:        Shared <25:37> as block
// CHECK-NEXT:          Call <25:34>
// CHECK-NEXT:            Name <25:29> Inner
// CHECK-NEXT:    Node <26:3> b
// CHECK-NEXT:      Pipe <26:17>
// CHECK-NEXT:        Name <26:12> a
// CHECK-NEXT:        Call <26:23>
// CHECK-NEXT:          Name <26:17> repeat
// CHECK-NEXT:          Arg <26:24>
// CHECK-NEXT:            Int <26:24> 2
// CHECK-NEXT:          Arg <26:27>
// CHECK-NEXT:            Independent <26:35>
// CHECK-NEXT:              Call <26:32>
// CHECK-NEXT:                Name <26:27> Inner
// CHECK-NEXT:    Node <27:3> c
// CHECK-NEXT:      Call <27:20>
// CHECK-NEXT:        Call <27:16>
// CHECK-NEXT:          Name <27:12> conv
// CHECK-NEXT:          Arg <27:17>
// CHECK-NEXT:            Int <27:17> 16
// CHECK-NEXT:        Arg <27:21>
// CHECK-NEXT:          Name <27:21> b
// CHECK-NEXT:    Output <28:3>
// CHECK-NEXT:      Name <28:10> c
// Nothing else is printed.
// CHECK-NOT:{{.}}
