// A keyword read where a name is expected, in an expression, an argument
// list or a search: one error that says so, the keyword then read as the
// name (keyword-as-name.nas has declarations).
// RUN: not nasc check %s 2>&1 | FileCheck %s --implicit-check-not=error: --match-full-lines --strict-whitespace
// RUN: not nasc check %s 2>&1 | grep 'error:' | sort | uniq -d | count 0

cell D() {
  input x;
  // A keyword read as a name, never declared: each use is a mistake.
  // CHECK:{{.*}}keyword-read-as-name.nas:[[@LINE+1]]:17: error: 'trait' is a keyword and cannot be used as a name
  node a = x |> trait;
  // CHECK:{{.*}}keyword-read-as-name.nas:[[@LINE+1]]:13: error: 'block' is a keyword and cannot be used as a name
  node b = [block, 1];
  // CHECK:{{.*}}keyword-read-as-name.nas:[[@LINE+1]]:16: error: 'cell' is a keyword and cannot be used as a name
  node c = [1, cell];
  // `step` is a parameter name in a call (`f(step=2)`): read alone, it is
  // a name.
  // CHECK:{{.*}}keyword-read-as-name.nas:[[@LINE+1]]:17: error: 'step' is a keyword and cannot be used as a name
  node d = conv(step);
  // CHECK:{{.*}}keyword-read-as-name.nas:[[@LINE+1]]:20: error: 'const' is a keyword and cannot be used as a name
  node e = conv(1, const);
  // CHECK:{{.*}}keyword-read-as-name.nas:[[@LINE+1]]:24: error: 'if' is a keyword and cannot be used as a name
  node f = x shared as if;
  // A keyword that starts the next statement after a missing expression
  // is that statement's, not a name.
  node g =
  // CHECK:{{.*}}keyword-read-as-name.nas:[[@LINE+1]]:3: error: unexpected 'output'; expected an expression
  output x;
}

// CHECK:{{.*}}keyword-read-as-name.nas:[[@LINE+1]]:8: error: 'network' is a keyword and cannot be used as a name
search network {
  // A setting whose key is a keyword, and a choice named by one.
  // CHECK:{{.*}}keyword-read-as-name.nas:[[@LINE+1]]:3: error: 'choice' is a keyword and cannot be used as a name
  choice = 3;
  // CHECK:{{.*}}keyword-read-as-name.nas:[[@LINE+1]]:10: error: 'shared' is a keyword and cannot be used as a name
  choice shared: [1, 2];
  // CHECK:{{.*}}keyword-read-as-name.nas:[[@LINE+1]]:7: error: 'maximize' is a keyword and cannot be used as a name
  let maximize = 3;
  maximize maximize;
}

// CHECK:11 errors generated.
