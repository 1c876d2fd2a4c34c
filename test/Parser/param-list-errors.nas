// A parameter list left open is one mistake: the message says that a
// parameter name or ')' was expected (not a list of keywords), and the body
// that follows is not misread as more parameters.
// RUN: nasc check --verify-diagnostics %s

// expected-error-re @+1 {{{{.*'\{'.*(identifier|parameter name).*|.*(identifier|parameter name).*'\{'.*}}}}
cell C( {
  input x;
  output x;
}

op conv(k: int = 3) = "conv2d";
