// Whether a decision is used follows the data flow: a decision whose every
// use reaches the output only through one branch of `if`s (between feature
// maps, or between layers) counts only where those branches are taken, as
// the copies of a decided repetition and the alternatives of a choice among
// blocks do; a requirement on such decisions binds only there. The order
// the `if`s are written in changes nothing.
//
// Inputs/if-depth.nas, by hand: Depth: depth 4 uses neither module (1),
// depth 5 uses M(m5) (3), depth 6 both (3 x 2): 10 architectures (not 3 x 3
// x 2 = 18). DepthReq: R's k counts where R is used, 1 + 3 + 3 x 3 = 13
// (not 27), and R requires k != 1 only there: 1 + 2 + 2 x 2 = 7 feasible
// (not 3 x 2 x 2 = 12).
// RUN: nasc info %S/Inputs/if-depth.nas | FileCheck %s
// CHECK: space Depth.space
// CHECK: size: 10 architectures
// CHECK: depth: int range 4..6 step 1
// CHECK-NEXT: m5: categorical [1, 3, 5] (used only when the condition on 'depth' is true)
// CHECK-NEXT: m6: categorical [1, 3] (used only when the condition on 'depth' is true)
// CHECK: space DepthReq.space
// CHECK: size: 13 architectures
// CHECK: feasible: 7 architectures meet the requirements over decisions
// Enumerated: the 18 decision vectors are 10 architectures (canonical IDs).
// RUN: %python %S/Inputs/enumerate-archs.py %S/Inputs/if-depth.nas Depth.space "depth=4|5|6" "m5=1|3|5" "m6=1|3" | FileCheck %s --check-prefix=DEPTH-ENUM
// DEPTH-ENUM: 18 vectors, 10 architectures
// An unused module's choice is at its first value in the canonical ID.
// RUN: nasc info --space Depth.space --arch "depth=4,m5=5,m6=3" --arch "depth=5,m5=5,m6=3" %S/Inputs/if-depth.nas | FileCheck %s --check-prefix=DEPTH-ARCH
// DEPTH-ARCH: depth=4,m5=1,m6=1
// DEPTH-ARCH: depth=5,m5=5,m6=1
//
// Inputs/if-nest-outer.nas and Inputs/if-nest-inner.nas are one network
// with the `if`s nested either way: a b p 3, a !b q 2, !a r 3 (b unused):
// 8 architectures (not 2 x 2 x 3 x 2 x 3 = 72), and the same `info`.
// RUN: nasc info %S/Inputs/if-nest-outer.nas > %t.outer
// RUN: nasc info %S/Inputs/if-nest-inner.nas > %t.inner
// RUN: diff %t.outer %t.inner
// RUN: FileCheck %s --check-prefix=NEST < %t.outer
// NEST: size: 8 architectures
// NEST: a: categorical [true, false]
// NEST-NEXT: b: categorical [true, false] (used only when the condition on 'a' is true)
// NEST-NEXT: p: categorical [1, 3, 5] (used only when the condition on 'b' is true and the condition on 'a' is true)
// NEST-NEXT: q: categorical [1, 3] (used only when the condition on 'b' is false and the condition on 'a' is true)
// NEST-NEXT: r: categorical [3, 5, 7] (used only when the condition on 'a' is false)
// RUN: %python %S/Inputs/enumerate-archs.py %S/Inputs/if-nest-inner.nas Nest.space "a=true|false" "b=true|false" "p=1|3|5" "q=1|3" "r=3|5|7" | FileCheck %s --check-prefix=NEST-ENUM
// NEST-ENUM: 72 vectors, 8 architectures
//
// Inputs/two-repetitions.nas: MnasNet's block, whose first layer and later
// layers are two repetitions of one depth n reading the same w and k. w and
// k are used when the first repeats (n >= 1; the second repeating implies
// it), skip when the second does: n=0 1, n=1 4, n=2 8 -> 13 architectures
// (16 while a decision two repetitions read counted as always used).
// RUN: nasc info %S/Inputs/two-repetitions.nas | FileCheck %s --check-prefix=TWO
// TWO: size: 13 architectures
// TWO: Stage#0/k: categorical [3, 5] (used only when 'Stage#0/n' is at least 1)
// TWO-NEXT: Stage#0/n: int range 0..2 step 1
// TWO-NEXT: Stage#0/skip: categorical [true, false] (used only when 'Stage#0/n' is 2)
// TWO-NEXT: Stage#0/w: categorical [8, 16] (used only when 'Stage#0/n' is at least 1)
// RUN: %python %S/Inputs/enumerate-archs.py %S/Inputs/two-repetitions.nas Two.space "Stage#0/n=0|1|2" "Stage#0/w=8|16" "Stage#0/k=3|5" "Stage#0/skip=true|false" | FileCheck %s --check-prefix=TWO-ENUM
// TWO-ENUM: 24 vectors, 13 architectures
//
// An `if` between layers: k only where c is true: 1 + 3 = 4.
// RUN: nasc info %s | FileCheck %s --check-prefix=LAYER
// LAYER: size: 4 architectures
// LAYER: k: categorical [3, 5, 7] (used only when the condition on 'c' is true)
import "std/ops";

network Layers() {
  input image: tensor(3, 8, 8);
  choice c: [true, false];
  choice k: [3, 5, 7];
  output image |> (if c then conv(8, kernel=k) else conv(8, kernel=1)) |> global_avg_pool |> linear(10);
}
