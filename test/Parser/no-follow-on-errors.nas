// After a syntax error inside a setting, property or objective, the next
// item is parsed afresh: a correct line is never reported.
// RUN: not nasc check %s 2>&1 | FileCheck %s --implicit-check-not=error:

op a() = "a" {
  flops = ;
  // CHECK: no-follow-on-errors.nas:[[@LINE-1]]:11: error: {{.*}}expected an expression
  params = 1;
}

search S {
  space = ;
  // CHECK: no-follow-on-errors.nas:[[@LINE-1]]:11: error: {{.*}}expected an expression
  evaluations = 10;
  maximize ;
  // CHECK: no-follow-on-errors.nas:[[@LINE-1]]:12: error: {{.*}}expected an expression
  seed = 1;
  time_limit = 1 +;
  // CHECK: no-follow-on-errors.nas:[[@LINE-1]]:19: error: {{.*}}expected an expression
  seed = 2;
}
// CHECK: 4 errors generated.
