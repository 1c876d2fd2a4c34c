// nas-space-size: exact counts, arbitrary precision, one count per distinct
// decision name.
// RUN: nas-opt %s --nas-space-size --mlir-print-op-on-diagnostic=false -split-input-file -verify-diagnostics

// expected-remark @+1 {{space 'S': 126 architectures over 3 decisions}}
nas.space @S network @N inputs ["x"] {
^bb0(%x: !nas.tensor):
  %a = arith.constant 1 : i64
  %b = arith.constant 2 : i64
  %c = arith.constant 3 : i64
  %lo = arith.constant 16 : i64
  %hi = arith.constant 64 : i64
  %st = arith.constant 8 : i64
  // 3 alternatives, counted once although two ops carry the name.
  %w1 = nas.categorical "w" [%a, %b, %c] : i64
  %w2 = nas.categorical "w" [%a, %b, %c] : i64
  // 16..64 step 8: 7 values.
  %ch = nas.range "ch" %lo to %hi step %st : i64
  // 2 of 4 inputs: 6 ways.
  %two = arith.constant 2 : i64
  %p = nas.pick "in" %two of [%x, %x, %x, %x]
  %s = nas.sum %p : !nas.tensors
  nas.output %s
}

// -----

// No overflow: 17 decisions of 10^18 values each make 10^306 architectures.
// expected-remark-re @+1 {{space 'Big': 1000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000 architectures over 17 decisions}}
nas.space @Big network @N inputs ["x"] {
^bb0(%x: !nas.tensor):
  %one = arith.constant 1 : i64
  %big = arith.constant 1000000000000000000 : i64
  %r0 = nas.range "r0" %one to %big step %one : i64
  %r1 = nas.range "r1" %one to %big step %one : i64
  %r2 = nas.range "r2" %one to %big step %one : i64
  %r3 = nas.range "r3" %one to %big step %one : i64
  %r4 = nas.range "r4" %one to %big step %one : i64
  %r5 = nas.range "r5" %one to %big step %one : i64
  %r6 = nas.range "r6" %one to %big step %one : i64
  %r7 = nas.range "r7" %one to %big step %one : i64
  %r8 = nas.range "r8" %one to %big step %one : i64
  %r9 = nas.range "r9" %one to %big step %one : i64
  %r10 = nas.range "r10" %one to %big step %one : i64
  %r11 = nas.range "r11" %one to %big step %one : i64
  %r12 = nas.range "r12" %one to %big step %one : i64
  %r13 = nas.range "r13" %one to %big step %one : i64
  %r14 = nas.range "r14" %one to %big step %one : i64
  %r15 = nas.range "r15" %one to %big step %one : i64
  %r16 = nas.range "r16" %one to %big step %one : i64
  nas.output %x
}

// -----

// A float range makes the space continuous; the discrete part is counted.
// expected-remark @+1 {{space 'Lr': 2 architectures over 2 decisions, times continuous hyperparameters}}
nas.space @Lr network @N inputs ["x"] {
^bb0(%x: !nas.tensor):
  %lo = arith.constant 1.0e-4 : f64
  %hi = arith.constant 1.0e-1 : f64
  %z = arith.constant 0.0 : f64
  %lr = nas.range "lr" %lo to %hi step %z log : f64
  %t = arith.constant true
  %f = arith.constant false
  %b = nas.categorical "nesterov" [%t, %f] : i1
  nas.output %x
}

// -----

nas.space @Open network @N inputs ["x"] {
^bb0(%x: !nas.tensor, %n: i64):
  %one = arith.constant 1 : i64
  // expected-error @+1 {{the domain of decision 'd' is not a constant: instantiate the space first}}
  %d = nas.range "d" %one to %n step %one : i64
  nas.output %x
}
