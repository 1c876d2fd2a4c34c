// 'shared as' and 'independent' on values that are not template instances:
// the message names what the value is, with the right article.
// RUN: nasc check --verify-diagnostics %s

op relu() = "relu";

cell C() {
  input x;
  // expected-error @+1 {{'independent' applies to instances of a cell, block or network; this is an int}}
  let n = 3 independent;
  // expected-error @+1 {{'shared as' applies to instances of a cell, block or network; this is an int[]}}
  let l = [1, 2] shared as ints;
  // expected-error @+1 {{'independent' applies to instances of a cell, block or network; this is a float}}
  let f = 0.5 independent;
  // expected-error @+1 {{'independent' applies to instances of a cell, block or network; this is a tensor}}
  node t = x independent;
  require n + len(l) + f > 0;
  output t |> relu;
}
