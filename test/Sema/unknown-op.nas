// RUN: nasc check --verify-diagnostics %s

op sep_conv(kernel: int = 3) = "sep_conv";

cell C() {
  input x;
  // expected-error @+1 {{unknown operation 'sepconv'; did you mean 'sep_conv'?}}
  node y = sepconv(x);
  output y;
}
