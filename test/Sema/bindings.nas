// node holds tensors, let holds everything else, const holds fixed values.
// RUN: nasc check --verify-diagnostics %s

op relu() = "relu";
op conv(out: int = in_channels, kernel: int = 3) = "conv2d";

// expected-error @+1 {{const 'Widths' is declared int but its value is int[]}}
const Widths: int = [16, 32];
const Rate: float = 1;

cell C() {
  input x;
  // expected-error @+1 {{node 'n' must be a feature map (tensor), but its value is int; use 'let' for other values}}
  node n = 3;
  // expected-error @+1 {{node 'layer' must be a feature map (tensor), but its value is op; use 'let' for other values}}
  node layer = conv(16);
  // expected-error @+1 {{'t' holds a tensor; declare it with 'node'}}
  let t = x |> relu;
  choice w: [16, 32];
  // expected-error @+1 {{const 'c' depends on a choice; use 'let' for derived values}}
  const c = w * 2;
  // expected-error @+1 {{const 'ct' holds a tensor; use 'node'}}
  const ct = x;
  // expected-error @+1 {{const 'typed' is declared string but its value is int}}
  const typed: string = 4;
  // A let may hold a layer, and a const may hold a fixed one.
  let wide = conv(w);
  const narrow = conv(8);
  require Rate > 0.5;
  output sum(x |> wide, x |> narrow, n, layer, t, x |> conv(c + ct + typed));
}
