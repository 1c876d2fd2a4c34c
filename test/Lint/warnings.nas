// nasc lint: each warning once, with its name.
// RUN: nasc lint %s 2>&1 | FileCheck %s
// Silenced by name; the rest still reported.
// RUN: nasc lint --disable=unused-definition,duplicate-alternative,always-true,budget,darts-collapse %s 2>&1 | FileCheck %s --check-prefix=ONLY
// ONLY-NOT: [-Wunused-definition]
// ONLY: [-Wobjective-conflict]
// ONLY-NOT: [-Wbudget]
// RUN: not nasc lint --disable=nope %s 2>&1 | FileCheck %s --check-prefix=BAD
// BAD: nasc: error: unknown warning 'nope' in --disable; the warnings are unused-definition, duplicate-alternative, always-true, budget, darts-collapse, objective-conflict

op conv(out: int = in_channels) = "conv2d" { out_channels = out; trait convolution; }
op identity() = "identity" { trait identity, parameter_free; }
op avg_pool() = "avg_pool2d" { trait pooling, parameter_free; }
op relu() = "relu";
metric accuracy: float maximize;
metric params: float minimize;
strategy grid() = "grid";
strategy darts() = "darts";

// CHECK: warnings.nas:[[@LINE+1]]:7: warning: 'Spare' is declared but never used [-Wunused-definition]
const Spare = 3;

cell Cell() {
  input x;
  // CHECK: warnings.nas:[[#CHOICE:@LINE+1]]:3: warning: choice 'e' offers 'relu' twice (alternatives 1 and 3): nasc merges them, the space counts it once [-Wduplicate-alternative]
  choice e: [relu, identity, relu, avg_pool];
  output x |> e;
}

network Net() {
  input image: tensor(3, 8, 8);
  choice w: [8, 16];
  // CHECK: warnings.nas:[[@LINE+1]]:3: warning: requirement 'w >= 8' holds for every architecture: it prunes nothing [-Walways-true]
  require w >= 8;
  output image |> conv(w) |> Cell() shared as c;
}

search Grid {
  space = Net();
  strategy = grid();
  // CHECK: warnings.nas:[[@LINE+1]]:3: warning: grid search over 8 architectures with a budget of 4 evaluations covers only part of the space; raise 'evaluations' or use a sampling strategy [-Wbudget]
  evaluations = 4;
  // CHECK: warnings.nas:[[@LINE+1]]:3: warning: requirement 'params >= 1e6' bounds 'params' in the direction the objective pushes it (minimize): the best architectures will sit on the limit [-Wobjective-conflict]
  require params >= 1e6;
  minimize params;
}

search Differentiable {
  space = Net2();
  strategy = darts();
  maximize accuracy;
}

network Net2() {
  input image: tensor(3, 8, 8);
  output image |> Cell() shared as c;
}
// The warning points at the choice in Cell, the note at the strategy.
// CHECK: warnings.nas:[[#CHOICE]]:3: warning: 'darts' mixes skip connections with parameter-free ops in decision 'c/e' (and others like it): differentiable search is known to collapse onto them [-Wdarts-collapse]
// CHECK: note: the strategy is chosen here
// CHECK: 6 warnings generated.
