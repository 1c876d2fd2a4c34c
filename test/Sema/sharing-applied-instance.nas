// The sharing mode of a multi-input template may be written after the
// application, as in `DartsCell(C)(s0, s1) shared as normal`: it belongs to
// the instance being applied.
// RUN: nasc check --verify-diagnostics %s
// c1 and c2 share the `normal` decisions; c3 has its own:
// RUN: nasc info %s | FileCheck %s
// CHECK: size: 4 architectures
// CHECK: decisions: 2
// CHECK-NEXT: DartsCell#0/picks: input choice 1 of 2
// CHECK-NEXT: normal/picks: input choice 1 of 2

op relu() = "relu";

cell DartsCell(C: int) {
  input s0;
  input s1;
  choice picks: 1 of [s0, s1];
  output sum(picks) |> relu;
}

network Net(C: int = 16) {
  input image: tensor(3, 32, 32);
  node s0 = image |> relu;
  node s1 = image;
  node c1 = DartsCell(C)(s0, s1) shared as normal;
  node c2 = DartsCell(C)(s1, c1) shared as normal;
  node c3 = DartsCell(C)(c1, c2) independent;
  output c3;
}
