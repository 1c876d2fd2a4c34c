// Parameter types, including layer types (`op`, `op[]`), tensor and list
// types, and parameter names that are keywords elsewhere.
// The CHECK lines are at the end so the locations above stay put.
// RUN: nasc compile --emit=ast %s | FileCheck %s --strict-whitespace --match-full-lines

op relu() = "relu";
estimator table(file: string, metric: string = "accuracy", budget: duration = 90min) = "table";
cell C(act: op = relu, acts: op[] = [relu], widths: int[] = [16, 32], rate: float = 0.5, on: bool = true) {
  input x;
  output x |> act;
}

// CHECK:Module "{{(.*/)?}}param-types.nas"
// CHECK-NEXT:  OpDecl <6:1> relu impl="relu"
// CHECK-NEXT:  ExternDecl <7:1> estimator table impl="table"
// CHECK-NEXT:    Param <7:17> file: string
// CHECK-NEXT:    Param <7:31> metric: string
// CHECK-NEXT:      String <7:48> "accuracy"
// CHECK-NEXT:    Param <7:60> budget: duration
// CHECK-NEXT:      Duration <7:79> 90min (5400 s)
// CHECK-NEXT:  TemplateDecl <8:1> cell C
// CHECK-NEXT:    Param <8:8> act: op
// CHECK-NEXT:      Name <8:18> relu
// CHECK-NEXT:    Param <8:24> acts: op[]
// CHECK-NEXT:      List <8:37>
// CHECK-NEXT:        Name <8:38> relu
// CHECK-NEXT:    Param <8:45> widths: int[]
// CHECK-NEXT:      List <8:61>
// CHECK-NEXT:        Int <8:62> 16
// CHECK-NEXT:        Int <8:66> 32
// CHECK-NEXT:    Param <8:71> rate: float
// CHECK-NEXT:      Float <8:85> 0.5
// CHECK-NEXT:    Param <8:90> on: bool
// CHECK-NEXT:      Bool <8:101> true
// CHECK-NEXT:    Input <9:3> x
// CHECK-NEXT:    Output <10:3>
// CHECK-NEXT:      Pipe <10:15>
// CHECK-NEXT:        Name <10:10> x
// CHECK-NEXT:        Name <10:15> act
// Nothing else is printed.
// CHECK-NOT:{{.}}
