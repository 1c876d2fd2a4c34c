// An op's requirements are checked at every call site, for every value of
// every choice its arguments depend on.
// RUN: nasc check --verify-diagnostics %s

op conv(out: int = in_channels, kernel: int = 3) = "conv2d" {
  out_channels = out;
  require kernel >= 1, "kernel size must be at least 1";
  // expected-note @-1 {{requirement declared here}}
  require out >= 1, "output channels must be positive";
  // expected-note @-1 {{requirement declared here}}
}

op pool(kernel: int = 3) = "max_pool" {
  require kernel % 2 == 1;
  // expected-note @-1 {{requirement declared here}}
}

cell Fixed() {
  input x;
  // expected-error @+1 {{'conv' requires kernel >= 1 (kernel size must be at least 1), but kernel = 0}}
  node a = x |> conv(16, kernel=0);
  // expected-error @+1 {{'conv' requires out >= 1 (output channels must be positive), but out = -8}}
  node b = x |> conv(-8);
  // A requirement without a message shows its condition only.
  // expected-error @+1 {{'pool' requires kernel % 2 == 1, but kernel = 4}}
  node c = x |> pool(4);
  output sum(a, b, c);
}

cell SomeAlternatives() {
  input x;
  choice k: [1, 2, 3];
  // Only k = 2 breaks the rule, and the message says so.
  // expected-error @+1 {{'pool' requires kernel % 2 == 1, but kernel = 2 (when k = 2)}}
  node a = x |> pool(kernel=k);
  output a;
}

cell ThroughLet() {
  input x;
  choice width: [16, 32];
  let half = width - 24;
  // A let derived from a choice carries the choice along.
  // expected-error @+1 {{'conv' requires out >= 1 (output channels must be positive), but out = -8 (when width = 16)}}
  node a = x |> conv(half);
  output a;
}

cell Param(k: int) {
  input x;
  // expected-error @+1 {{'conv' requires kernel >= 1 (kernel size must be at least 1), but kernel = 0}}
  output x |> conv(kernel=k);
}

cell Param2(k: int) {
  input x;
  // expected-error @+1 {{'pool' requires kernel % 2 == 1, but kernel = 2}}
  output x |> pool(kernel=k);
}

network Net() {
  input image: tensor(3, 32, 32);
  // expected-note @+1 {{in cell 'Param' instantiated here}}
  node a = image |> Param(0);
  node b = image |> SomeAlternatives() shared as s;
  node c = image |> ThroughLet() independent;
  choice kk: [3, 2];
  // The note names the choice value the instance was made with.
  // expected-note @+1 {{in cell 'Param2' instantiated here with kk = 2}}
  node d = image |> Param2(kk);
  output concat(a, b, c, d, image |> Fixed());
}
