// A choice's alternatives may be an `if` between lists of different lengths
// when the condition is fixed by parameters (a domain that depends on a
// parameter): each block instance gets the list its arguments select, as
// written or through a `let`, nested `if`s too. B(5) has 4 kernels, B(3) 3,
// B(1) one (a warning: not a decision); L(false) 2 activations, L(true) one:
// 4 x 3 x 2 = 24 architectures.
// RUN: nasc info %s 2>&1 | FileCheck %s
// CHECK: warning: choice 'k' has a single alternative (3); it is not a decision
// CHECK: size: 24 architectures
// CHECK: B#0/k: categorical [1, 3, 5, 7]
// CHECK-NEXT: B#1/k: categorical [3, 5, 7]
// CHECK-NEXT: L#0/act: categorical [relu, identity]{{$}}
// CHECK-NOT: B#2/k
// IDs take only the instance's own alternatives.
// RUN: not nasc info %s --arch "B#0/k=1,B#1/k=1,L#0/act=relu" 2>&1 | FileCheck %s --check-prefix=ARCH
// ARCH: decision 'B#1/k' has no alternative '1' (it has 3, 5, 7)
// A condition on another choice stays an error: domains are fixed.
// RUN: not nasc check %S/Inputs/if-lists-decision.nas 2>&1 | FileCheck %s --check-prefix=DECIDED
// DECIDED: if-lists-decision.nas:6:13: error: the domain of choice 'k' depends on another choice; domains must be fixed
import "std/ops";

block B(n: int) {
  input x;
  choice k: if n > 2 then (if n > 4 then [1, 3, 5, 7] else [3, 5, 7]) else [3];
  output x |> conv(8, kernel=k);
}

block L(plain: bool) {
  input x;
  let acts = if plain then [relu] else [relu, identity];
  choice act: acts;
  output x |> act;
}

network N() {
  input image: tensor(3, 8, 8);
  output image |> B(5) independent |> B(3) independent |> B(1) independent |> L(false) independent
               |> L(true) independent |> global_avg_pool |> linear(10);
}
