// Syntax errors inside a choice's list of alternatives name what the list
// can continue with, as they do in any other list.
// RUN: nasc check --verify-diagnostics %s

cell C() {
  input x;
  // expected-error @+1 {{unexpected '3'; expected ',' or ']'}}
  choice k: [1, 2 3];
  // expected-error @+1 {{unexpected ';'; expected ',' or ']'}}
  choice e: [1, 2;
  output x;
}
