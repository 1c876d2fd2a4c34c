// Syntax errors in cells, blocks and networks: one per statement, and
// parsing goes on with the next statement and the next template.
// RUN: nasc check --verify-diagnostics %s

cell C() {
  // expected-error @+1 {{expected ';' or ':', found 'node'}}
  input x
  node y = x;
  // expected-error @+1 {{expected an expression, found ';'}}
  node z = x |> ;
  // expected-error @+1 {{expected identifier, found '='}}
  let = 3;
  // expected-error @+1 {{expected ':', found '['}}
  choice k [1, 2];
  // expected-error @+1 {{expected ')', found ';'}}
  require (k > 1;
  // expected-error @+1 {{unexpected 'y'; expected ';'}}
  output z y;
}

// expected-error @+1 {{expected '{', found 'input'}}
block B()
  input x;
  output x;
}

network N(C: int = 16) {
  // expected-error @+1 {{expected an expression, found ')'}}
  input image: tensor(3, 32, );
  // A statement keyword that does not exist.
  // expected-error @+1 {{unexpected 'nodes'}}
  nodes a = image;
  output image;
}
