// Syntax errors in op declarations: each is reported, and parsing goes on
// with the next item of the body and the next declaration.
// RUN: nasc check --verify-diagnostics %s

op a(k: int = 3) = "a" {
  // expected-error @+1 {{expected an expression, found ';'}}
  stride = 2 *;
  // expected-error @+1 {{unexpected 'identity'; expected ';' or ','}}
  trait zero identity;
  // expected-error @+1 {{unexpected ','; expected an expression}}
  require k >= , "bad";
  // expected-error @+1 {{expected ';', found '}'}}
  out_channels = k
}

// expected-error @+1 {{unexpected '3'}}
op b(k: int 3) = "b";

op c(k: int = 3) = "c" {
  params = 1;
  // expected-error @+1 {{expected identifier, found ';'}}
  trait;
}

// expected-error @+1 {{expected one of}}
op d(k: int = 3) "d";
