// The builtin functions check their number and kinds of arguments.
// RUN: nasc check --verify-diagnostics %s

op relu() = "relu";

cell C() {
  input x;
  // expected-error @+1 {{'sum' takes at least one tensor, got 0}}
  node a = sum();
  // expected-error @+1 {{'concat' takes at least one tensor, got 0}}
  node b = concat();
  // expected-error @+1 {{argument 2 of 'sum' must be a tensor or a list of tensors, got int}}
  node c = sum(x, 1);
  // expected-error @+1 {{'repeat' takes 2 arguments (count, layer), got 1}}
  node d = x |> repeat(1);
  // expected-error @+1 {{argument 1 of 'repeat' must be int, got float}}
  node e = x |> repeat(1.5, relu);
  // expected-error @+1 {{argument 2 of 'repeat' must be an op or template instance, got tensor}}
  node f = x |> repeat(2, x);
  // expected-error @+1 {{argument 1 of 'ceil' must be a number, got string}}
  let g = ceil("x");
  // expected-error @+1 {{'round' takes 1 argument, got 2}}
  let h = round(1.5, 2);
  // expected-error @+1 {{argument 1 of 'len' must be a list, got int}}
  let i = len(3);
  // expected-error @+1 {{'min' takes at least 2 arguments, got 1}}
  let j = min(1);
  // expected-error @+1 {{argument 2 of 'max' must be a number, got bool}}
  let k = max(1, true);
  // expected-error @+1 {{argument 1 of 'abs' must be a number, got string}}
  let l = abs("-1");
  // expected-error @+1 {{builtin 'floor' takes no named arguments}}
  let m = floor(value=2.5);
  // expected-error @+1 {{'sum' is a builtin function; call it: sum(...)}}
  let n = sum;
  // Fine.
  let o = ceil(7 / 2) + floor(2.5) + round(0.5) + min(1, 2) + max(1, 2.5) + abs(-3) + len([1, 2]);
  require g + h + i + j + k + l + m + n + o > 0;
  output concat(a, b, c, d, e, f, sum(x, [x, x]));
}
