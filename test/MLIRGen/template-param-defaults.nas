// Template parameter defaults may use the earlier parameters, as op defaults
// do: the value flows into each instance (given arguments override it), and
// a network's defaults so computed still make it a space as it stands.
// RUN: nasc compile --emit=mlir %s | FileCheck %s
// RUN: nasc compile --emit=mlir-lowered %s | FileCheck %s --check-prefix=LOW
// RUN: nasc info %s | FileCheck %s --check-prefix=INFO

op conv(out: int = in_channels, kernel: int = 3) = "conv2d" {
  out_channels = out;
  params = in_channels * out * kernel * kernel;
}

cell Stage(C: int, cin: int = C, k: int = round(cin / 4) + 1) {
  input x;
  output x |> conv(cin, kernel=k) |> conv(C);
}

// CHECK: nas.template network @Net params ["C", "D"] inputs ["x"] attributes {param_defaults = [16, 17]}
network Net(C: int = 2 * 8, D: int = C + 1) {
  input x: tensor(3, 8, 8);
  output x |> conv(D) |> Stage(C) |> Stage(C, cin=7) |> Stage(C, k=9) |> Stage(4, 12);
}

// Every instance: cin = C, k = round(cin / 4) + 1 unless given.
// LOW: nas.space @Net.space
// LOW-SAME: "Stage#0" = [@Stage, {C = 16 : i64, cin = 16 : i64, k = 5 : i64}]
// LOW-SAME: "Stage#1" = [@Stage, {C = 16 : i64, cin = 7 : i64, k = 3 : i64}]
// LOW-SAME: "Stage#2" = [@Stage, {C = 16 : i64, cin = 16 : i64, k = 9 : i64}]
// LOW-SAME: "Stage#3" = [@Stage, {C = 4 : i64, cin = 12 : i64, k = 4 : i64}]
// LOW-SAME: nas.root_params = {C = 16 : i64, D = 17 : i64}
// params (conv(C) has kernel 3): 3*17*9 + 17*16*25 + 16*16*9 + 16*7*9 + 7*16*9
//   + 16*16*81 + 16*16*9 + 16*12*16 + 12*4*9
//   = 459 + 6800 + 2304 + 1008 + 1008 + 20736 + 2304 + 3072 + 432 = 38123
// INFO: space Net.space (network Net)
// INFO: size: 1 architecture
// INFO: params: 38123 .. 38123
