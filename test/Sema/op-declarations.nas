// Op bodies: known properties of the right type, known traits, and
// requirements that are conditions.
// RUN: nasc check --verify-diagnostics %s

op conv(out: int = in_channels, kernel: int = 3, stride: int = 1) = "conv2d" {
  out_channels = out;
  stride = stride;
  params = in_channels * out * kernel * kernel;
  flops = in_channels * out * kernel * kernel * (in_h / stride) * (in_w / stride);
  trait convolution;
  require kernel >= 1, "kernel size must be at least 1";
}

op bad(k: int = 3) = "bad" {
  // expected-error @+1 {{unknown op property 'out_channel'; did you mean 'out_channels'? (expected one of out_channels, stride, params, flops)}}
  out_channel = k;
  // expected-error @+1 {{unknown op property 'weight' (expected one of out_channels, stride, params, flops)}}
  weight = 3;
  stride = 2;
  // expected-note @-1 {{previously set here}}
  // expected-error @+1 {{property 'stride' is set twice}}
  stride = 1;
  // expected-error @+1 {{property 'out_channels' must be int, got float}}
  out_channels = in_channels / 2;
  // expected-error @+1 {{property 'params' must be a number, got string}}
  params = "many";
  // expected-error @+1 {{unknown trait 'convolutoin'; did you mean 'convolution'?}}
  trait pooling, convolutoin;
  // expected-error @+1 {{unknown trait 'fast'}}
  trait fast;
  // expected-error @+1 {{requirement must be a condition (bool), got int}}
  require k;
  // expected-error @+1 {{unknown name 'kernel'}}
  require kernel > 0;
}

// expected-error @+1 {{default value of parameter 'k' must be int, got string}}
op badDefault(k: int = "3") = "x";
// expected-error @+1 {{default value of parameter 'rate' must be float, got bool}}
strategy random(rate: float = true) = "random";
// Only ops know their input: in_channels means nothing elsewhere.
// expected-error @+1 {{unknown name 'in_channels'}}
cell UsesImplicit(width: int = in_channels) {
  input x;
  output x |> conv(width);
}
