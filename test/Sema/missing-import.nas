// An import that names no file is an error at the import, saying where the
// file was looked for; `std/` imports look in the --stdlib folder.
// RUN: not nasc check %s 2>&1 | FileCheck %s
// RUN: not nasc check --stdlib %S/Inputs %s 2>&1 | FileCheck %s --check-prefix=STDLIB

// CHECK: missing-import.nas:[[@LINE+2]]:8: error: cannot find imported file 'Inputs/does-not-exist' (looked for '{{.*}}Inputs{{/|\\}}does-not-exist.nas')
// STDLIB: missing-import.nas:[[@LINE+1]]:8: error: cannot find imported file 'Inputs/does-not-exist'
import "Inputs/does-not-exist";
// CHECK: Inputs/imports-missing.nas:2:8: error: cannot find imported file 'not-here' (looked for '{{.*}}Inputs{{/|\\}}not-here.nas')
import "Inputs/imports-missing";
// STDLIB: missing-import.nas:[[@LINE+1]]:8: error: cannot find imported file 'std/no-such-module' (looked for '{{.*}}Inputs{{/|\\}}no-such-module.nas')
import "std/no-such-module";
// An import with the extension written out is looked for as written.
// CHECK: missing-import.nas:[[@LINE+1]]:8: error: cannot find imported file 'Inputs/gone.nas' (looked for '{{.*}}Inputs{{/|\\}}gone.nas')
import "Inputs/gone.nas";

// A file next to the missing one with a close name is suggested.
// CHECK: missing-import.nas:[[@LINE+1]]:8: error: cannot find imported file 'Inputs/opss' (looked for '{{.*}}opss.nas'); did you mean 'Inputs/ops'?
import "Inputs/opss";

// Loading failed, so the names below are not checked.
// CHECK-NOT: unknown
cell C() {
  input x;
  output x |> undefined_op;
}
// CHECK: 5 errors generated.
// STDLIB: 5 errors generated.
