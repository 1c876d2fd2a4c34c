// Syntax errors in search blocks: one per item, and parsing goes on with
// the next item.
// RUN: nasc check --verify-diagnostics %s

search S {
  // expected-error @+1 {{expected ';', found 'seed'}}
  evaluations = 10
  seed = 1;
  // expected-error @+1 {{expected an expression, found ';'}}
  choice lr: 0.01..;
  // expected-error @+1 {{expected ';', found '}'}}
  maximize accuracy
}

search T {
  // A misspelt keyword reads as a setting name.
  // expected-error @+1 {{expected '=', found 'accuracy'}}
  maximise accuracy;
  require latency("cpu") < 10.0;
  // expected-error @+1 {{expected '=', found '0.1'}}
  let lr 0.1;
}
