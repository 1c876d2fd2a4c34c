// Types of operators, lists, indexing and 'if'.
// RUN: nasc check --verify-diagnostics %s

op relu() = "relu";
op conv(out: int = in_channels, kernel: int = 3) = "conv2d";
op pool(kernel: int = 3) = "max_pool";

cell C() {
  input x;
  input y;
  // Tensors are combined with builtins, not arithmetic.
  // expected-error @+1 {{operator '+' cannot be applied to tensor and tensor; combine tensors with sum(a, b) or concat(a, b)}}
  node s = x + y;
  // expected-error @+1 {{operator '*' cannot be applied to tensor and int; combine tensors with sum(a, b) or concat(a, b)}}
  node m = x * 2;
  // expected-error @+1 {{operator '-' cannot be applied to string and int}}
  let a = "a" - 1;
  // expected-error @+1 {{operator '&&' cannot be applied to bool and int}}
  let b = true && 1;
  // expected-error @+1 {{operator '==' cannot be applied to op and op}}
  let c = relu == relu;
  // expected-error @+1 {{operator '<' cannot be applied to string and string}}
  let d = "a" < "b";
  // expected-error @+1 {{operator '-' cannot be applied to string}}
  let e = -"a";
  // expected-error @+1 {{operator '!' cannot be applied to int}}
  let f = !3;
  // expected-error @+1 {{operator '+' cannot be applied to duration and int}}
  let g = 10min + 5;
  // expected-error @+2 {{list elements must have one type: this is string, the first is int}}
  // expected-note @+1 {{first element is here}}
  let h = [1, 2, "three"];
  // expected-error @+2 {{list elements must have one type: this is op, the first is int}}
  // expected-note @+1 {{first element is here}}
  choice k: [3, relu];
  // expected-error @+1 {{lists of lists are not supported}}
  let i = [[1], [2]];
  // expected-error @+1 {{the condition of 'if' must be bool, got int}}
  let j = if 1 then 2 else 3;
  // expected-error @+1 {{both branches of 'if' must have one type: int and string}}
  let l = if true then 2 else "two";
  // expected-error @+1 {{both branches of 'if' must have one type: op and int}}
  let op_or_int = if true then relu else 0;
  // expected-error @+1 {{only lists can be indexed, this is int}}
  let n = 3[0];
  // expected-error @+1 {{a list index must be int, got float}}
  let o = [1, 2][0.5];
  // `a < b < c` compares a bool with a number.
  // expected-error @+1 {{operator '<' cannot be applied to bool and int}}
  let chain = 1 < 2 < 3;
  // Fine: mixed int/float lists are float, int/float branches are float,
  // durations add and scale, layers choose by 'if'.
  let p = [1, 2.5];
  let q = if true then 1 else 2.5;
  let r = 10min + 30s * 2;
  let t = if q > 1.0 then conv(16) else pool;
  require a + b + c + d + e + f + g + h + k + i + j + l + n + o + p[0] + q > 0 && r > 1min && chain;
  output sum(s, m, x |> op_or_int, x |> t, y);
}
