// Where a value is missing the error says an expression was expected.
// RUN: nasc check --verify-diagnostics %s

// expected-error @+1 {{expected an expression, found ';'}}
const A = ;
// expected-error @+1 {{expected an expression, found ';'}}
const B = (1 + ;

cell C() {
  input x;
  // expected-error @+1 {{expected an expression, found ';'}}
  node y = x |> ;
  // expected-error @+1 {{expected an expression, found ';'}}
  choice a: 1..;
  // expected-error @+1 {{expected an expression, found ';'}}
  choice b: 1..4 step;
  // expected-error @+1 {{unexpected ','; expected an expression or ')'}}
  let c = max(, 1);
  // A trailing comma is fine.
  let d = max(1, 2, );
  // expected-error @+1 {{expected an expression, found ';'}}
  output;
}
