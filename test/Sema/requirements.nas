// A template requirement that no combination of choices satisfies leaves
// nothing to search; one that some combinations break only prunes the space.
// RUN: nasc check --verify-diagnostics %s

op conv(out: int = in_channels, kernel: int = 3) = "conv2d";

cell Fixed(width: int = 16) {
  input x;
  // expected-error @+1 {{requirement 'width % 3 == 0' (width must be a multiple of 3) does not hold}}
  require width % 3 == 0, "width must be a multiple of 3";
  // expected-error @+1 {{requirement 'width > 100' does not hold}}
  require width > 100;
  // Holds: fine.
  require width >= 16;
  output x |> conv(width);
}

cell Chosen() {
  input x;
  choice width: [16, 32, 64];
  choice heads: [3, 5];
  // expected-error @+1 {{requirement 'width % heads == 0' can never be satisfied: it is false for every value of width, heads}}
  require width % heads == 0;
  // Prunes (width = 64, heads = 3) and others, but some combinations hold.
  require width * heads <= 160;
  output x |> conv(width);
}

cell NotACondition() {
  input x;
  // expected-error @+1 {{requirement must be a condition (bool), got int}}
  require 1 + 1;
  output x;
}

network Net() {
  input image: tensor(3, 8, 8);
  // Fixed's parameter is only known here, so that is where its errors come from.
  // expected-note @+1 {{in cell 'Fixed' instantiated here}}
  output image |> Fixed() |> Chosen() independent |> NotACondition();
}
