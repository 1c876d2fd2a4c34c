// The domain of a choice: lists, integer and float ranges.
// RUN: nasc check --verify-diagnostics %s

op conv(out: int = in_channels, kernel: int = 3) = "conv2d";
const NONE = [];

cell C() {
  input x;
  // expected-error @+1 {{choice 'a' has no alternatives}}
  choice a: [];
  // expected-error @+1 {{choice 'b' has no alternatives}}
  choice b: NONE;
  // expected-warning @+1 {{choice 'c' has a single alternative (3); it is not a decision}}
  choice c: [3];
  // expected-warning @+1 {{choice 'd' has a single alternative (16); it is not a decision}}
  choice d: 16..16;
  // expected-error @+1 {{range step must be positive, got 0}}
  choice e: 8..64 step 0;
  // expected-error @+1 {{range step must be positive, got -8}}
  choice e2: 8..64 step -8;
  // expected-error @+1 {{empty range 64..8 in choice 'f': the lower bound is above the upper bound}}
  choice f: 64..8;
  // expected-error @+1 {{a log-scale range needs a positive lower bound, got 0}}
  choice g: 0.0..0.1 log;
  // expected-error @+1 {{a log-scale range needs a positive lower bound, got -1}}
  choice g2: -1..10 log;
  // expected-warning @+1 {{range 16..60 step 8 ends at 56, not 60}}
  choice h: 16..60 step 8;
  // Domains are fixed: they cannot depend on another choice.
  // expected-error @+1 {{the domain of choice 'i' depends on another choice; domains must be fixed}}
  choice i: [h, 2 * h];
  // expected-error @+1 {{the domain of choice 'j' depends on another choice; domains must be fixed}}
  choice j: 1..h;
  // expected-error @+1 {{choice 'k' needs a list of alternatives, got int; write [a, b, ...] or a range lo..hi}}
  choice k: 32;
  // expected-error @+1 {{range bounds must be numbers, got string}}
  choice l: "a"..4;
  // expected-error @+1 {{range step must be a number, got bool}}
  choice m: 1..4 step true;
  // expected-error @+1 {{a choice among tensors is an input choice; write '1 of [...]'}}
  choice n: [x, x];
  // Fine: an int range, a stepped range, a float range and a log range.
  choice o: 1..4;
  choice p: 0.0..0.5;
  choice q: 1e-4..1e-1 log;
  require a + b + c + d + e + e2 + f + g + g2 + h + i + j + k + l + m + o + p + q > 0;
  output x |> conv(16);
}
