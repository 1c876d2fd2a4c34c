// An input choice with more combinations than nasc enumerates, deciding
// which operations are used: the error is at that choice.
// RUN: not nasc info %s 2>&1 | FileCheck %s --match-full-lines --strict-whitespace --implicit-check-not=error: --implicit-check-not=nas.

import "std/ops";

cell Edges(C: int) {
  input x;
  choice e0: [conv(C, kernel=3), conv(C, kernel=5)];
  choice e1: [conv(C, kernel=3), conv(C, kernel=5)];
  choice e2: [conv(C, kernel=3), conv(C, kernel=5)];
  choice e3: [conv(C, kernel=3), conv(C, kernel=5)];
  choice e4: [conv(C, kernel=3), conv(C, kernel=5)];
  choice e5: [conv(C, kernel=3), conv(C, kernel=5)];
  choice e6: [conv(C, kernel=3), conv(C, kernel=5)];
  choice e7: [conv(C, kernel=3), conv(C, kernel=5)];
  choice e8: [conv(C, kernel=3), conv(C, kernel=5)];
  choice e9: [conv(C, kernel=3), conv(C, kernel=5)];
  choice e10: [conv(C, kernel=3), conv(C, kernel=5)];
  choice e11: [conv(C, kernel=3), conv(C, kernel=5)];
  choice e12: [conv(C, kernel=3), conv(C, kernel=5)];
  choice e13: [conv(C, kernel=3), conv(C, kernel=5)];
  choice e14: [conv(C, kernel=3), conv(C, kernel=5)];
  choice e15: [conv(C, kernel=3), conv(C, kernel=5)];
  choice e16: [conv(C, kernel=3), conv(C, kernel=5)];
  choice e17: [conv(C, kernel=3), conv(C, kernel=5)];
  choice e18: [conv(C, kernel=3), conv(C, kernel=5)];
  choice e19: [conv(C, kernel=3), conv(C, kernel=5)];
  choice e20: [conv(C, kernel=3), conv(C, kernel=5)];
  choice e21: [conv(C, kernel=3), conv(C, kernel=5)];
  choice e22: [conv(C, kernel=3), conv(C, kernel=5)];
  choice e23: [conv(C, kernel=3), conv(C, kernel=5)];
  // CHECK:{{.*}}count-too-many-inputs.nas:[[@LINE+2]]:3: error: cannot count the space: input choice 'Edges#0/pick' has 2704156 combinations of inputs, more than 1048576 to enumerate, and decides which inputs are used
  // CHECK-NEXT:  choice pick: 12 of [{{.*}}];
  choice pick: 12 of [e0(x), e1(x), e2(x), e3(x), e4(x), e5(x), e6(x), e7(x), e8(x), e9(x), e10(x), e11(x), e12(x), e13(x), e14(x), e15(x), e16(x), e17(x), e18(x), e19(x), e20(x), e21(x), e22(x), e23(x)];
  output sum(pick);
}

network Net() {
  input image: tensor(3, 8, 8);
  output image |> Edges(4) independent |> global_avg_pool |> linear(10);
}
