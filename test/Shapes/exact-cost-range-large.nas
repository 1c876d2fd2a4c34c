// RUN: nasc info %s | FileCheck %s
// A space too large to cost one architecture at a time (8^12 x 3 ~ 2e11)
// still gets an exact range: its cost is a sum of terms that each read a
// few decisions (a layer reads its own width and the one before it), so
// decisions are eliminated one at a time along the chain.
//   a 3x3 conv from c_{i-1} to c_i has 9 c_{i-1} c_i parameters, c_0 = 1;
//   the depth d in 1..3 keeps d trailing 8-channel convs (9 x 8 w12, then
//   576 each).
// Least: every width 8, d = 1: 72 + 11 x 576 + 576 = 6,984.
// Greatest: the requirement forbids w11 = w12 = 64, so w11 = 64, w12 = 56,
// d = 3: 576 + 9 x 36,864 + 32,256 + 4,032 + 1,152 = 406,656 (brute force
// over w11, w12, d agrees). Interval arithmetic alone would allow w12 = 64.
// CHECK: size: 206158430208 architectures
// CHECK: params: 6984 .. 406656 (exact: the least and greatest architecture)
// RUN: nasc info %s --arch 'w1=8,w2=8,w3=8,w4=8,w5=8,w6=8,w7=8,w8=8,w9=8,w10=8,w11=8,w12=8,d=1' | FileCheck %s --check-prefix=MIN
// MIN: {{[0-9a-f]+}}	6984	
// RUN: nasc info %s --arch 'w1=64,w2=64,w3=64,w4=64,w5=64,w6=64,w7=64,w8=64,w9=64,w10=64,w11=64,w12=56,d=3' | FileCheck %s --check-prefix=MAX
// MAX: {{[0-9a-f]+}}	406656	
import "std/ops";

network Chain {
  input image: tensor(1, 4, 4);
  choice w1: [8, 16, 24, 32, 40, 48, 56, 64];
  choice w2: [8, 16, 24, 32, 40, 48, 56, 64];
  choice w3: [8, 16, 24, 32, 40, 48, 56, 64];
  choice w4: [8, 16, 24, 32, 40, 48, 56, 64];
  choice w5: [8, 16, 24, 32, 40, 48, 56, 64];
  choice w6: [8, 16, 24, 32, 40, 48, 56, 64];
  choice w7: [8, 16, 24, 32, 40, 48, 56, 64];
  choice w8: [8, 16, 24, 32, 40, 48, 56, 64];
  choice w9: [8, 16, 24, 32, 40, 48, 56, 64];
  choice w10: [8, 16, 24, 32, 40, 48, 56, 64];
  choice w11: [8, 16, 24, 32, 40, 48, 56, 64];
  choice w12: [8, 16, 24, 32, 40, 48, 56, 64];
  choice d: 1..3;
  require w11 + w12 < 128, "the last two widths together stay under 128";
  output image |> conv(w1) |> conv(w2) |> conv(w3) |> conv(w4) |> conv(w5) |> conv(w6)
               |> conv(w7) |> conv(w8) |> conv(w9) |> conv(w10) |> conv(w11) |> conv(w12)
               |> repeat(d, conv(8));
}
