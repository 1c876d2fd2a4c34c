// A token that cannot continue what came before is named, with what could.
// RUN: nasc check --verify-diagnostics %s

// expected-error @+1 {{unexpected '2'; expected ';'}}
const X = 1 2;

// expected-error @+1 {{unexpected 'foo'; expected one of end of file, 'import', 'const', 'op', 'strategy', 'estimator', ...}}
foo bar;

// expected-error @+1 {{unexpected ';'; expected ',' or ']'}}
const Z = [1, 2;

// expected-error @+1 {{unexpected 'biggest'; expected one of ';', 'maximize', 'minimize'}}
metric m: float biggest;

cell D() {
  input x;
  // expected-error @+1 {{expected 'else', found ';'}}
  let z = if true then 1;
  // expected-error @+1 {{expected ')', found ','}}
  node y = x |> conv(k=3,, 4);
  output x;
}
