// Which estimators a space supports is decided before anything trains: a
// differentiable supernet (DARTS, GDAS) sums every alternative everywhere,
// so every feature map must have one shape in every architecture.
// RUN: not nasc compile --emit=mlir-lowered %s 2>&1 | FileCheck %s
// RUN: nasc info %stdlib/spaces/nb201.nas | FileCheck %s --check-prefix=NB201
// NB201: estimators: full training, low fidelity, zero-cost, single-path supernet: yes; differentiable supernet (darts, gdas, pc_darts, fair_darts, drnas, proxyless, fbnet): yes
// RUN: nasc info %examples/fashion_mnist.nas | FileCheck %s --check-prefix=WIDTH
// WIDTH: differentiable supernet (darts, gdas, pc_darts, fair_darts, drnas, proxyless, fbnet): no: the shape of the feature map at {{.*}}fashion_mnist.nas:{{[0-9]+}}:{{[0-9]+}} depends on 'width1'

op conv(out: int = in_channels) = "conv2d" { out_channels = out; }
op relu() = "relu";
metric accuracy: float maximize;
strategy darts() = "darts";
strategy evolution() = "evolution";

network Wide() {
  input image: tensor(3, 8, 8);
  choice width: [8, 16];
  output image |> conv(width) |> relu;
}

// Evolution trains each architecture on its own: any space will do.
search Evolve {
  space = Wide();
  strategy = evolution();
  maximize accuracy;
}

search Differentiable {
  space = Wide();
  // CHECK: estimators.nas:[[@LINE+1]]:3: error: strategy 'darts' trains a differentiable supernet, which this space cannot have: the shape of the feature map at {{.*}}estimators.nas:{{[0-9]+}}:{{[0-9]+}} depends on 'width'
  strategy = darts();
  maximize accuracy;
}
// CHECK-NOT: error:
