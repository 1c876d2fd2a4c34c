// Requirements over decisions prune the space: nasc counts the feasible
// architectures, names the alternatives no feasible one takes, and reports
// requirements that no architecture meets together.
// RUN: nasc info %S/Inputs/pruned.nas | FileCheck %s --check-prefix=PRUNED
// PRUNED: size: 12 architectures
// 16 x {2, 4}, 24 x {2, 3, 4}, 32 x {2, 4}, less (16, 4): 6.
// PRUNED: feasible: 6 architectures meet the requirements over decisions
// PRUNED-NEXT: never feasible: heads = 5
// RUN: not nasc info %s 2>&1 | FileCheck %s

op conv(out: int = in_channels) = "conv2d" { out_channels = out; }

// CHECK: requirements.nas:[[@LINE+1]]:1: error: no architecture of space 'Conflict.space' meets all its requirements: they conflict
network Conflict() {
  input image: tensor(3, 8, 8);
  choice a: [1, 2];
  choice b: [1, 2];
  // Each holds for some values (the checker accepts each alone); together none.
  // CHECK: note: requirement 'a > b'
  require a > b;
  // CHECK: note: requirement 'b > a'
  require b > a;
  output image |> conv(8 * a * b);
}
