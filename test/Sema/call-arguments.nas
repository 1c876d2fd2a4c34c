// Arguments are bound to parameters by position, then by name, and each is
// checked against its parameter's type.
// RUN: nasc check --verify-diagnostics %s

op conv(out: int = in_channels, kernel: int = 3) = "conv2d";
// The verifier matches every note of one text on a line with one
// expectation, so each text is expected once (the more specific first).
// expected-note @-3 {{parameter declared here}}
// expected-note @-4 {{declared here}}
// expected-note @+1 {{parameter declared here}}
op dropout(p: float) = "dropout";
// expected-note @+1 {{parameter declared here}}
op act(kind: string = "relu") = "act";
// expected-note @+2 {{parameter declared here}}
// expected-note @+1 {{declared here}}
strategy evolution(population: int = 50) = "evolution";
// expected-note @+1 {{parameter declared here}}
estimator early_stop(epochs: int = 10, budget: duration = 1h) = "early_stop";
dataset cifar10() = "cifar10";

network Net() {
  input image: tensor(3, 32, 32);
  // expected-error @+1 {{op 'conv' has no parameter named 'kernal'; did you mean 'kernel'?}}
  node a = image |> conv(16, kernal=3);
  // expected-error @+1 {{too many arguments to op 'conv': expected at most 2, got 3}}
  node b = image |> conv(16, 3, 1);
  // expected-error @+1 {{missing argument 'p' in call to op 'dropout'}}
  node c = image |> dropout();
  // expected-error @+1 {{positional argument after a named one in call to op 'conv'}}
  node d = image |> conv(kernel=3, 16);
  // expected-error @+1 {{parameter 'kernel' of op 'conv' is given twice}}
  node e = image |> conv(16, kernel=3, kernel=5);
  // expected-error @+1 {{parameter 'out' of op 'conv' is given twice}}
  node f = image |> conv(16, out=32);
  // expected-error @+1 {{argument 'kernel' of op 'conv' must be int, got string}}
  node g = image |> conv(16, kernel="3");
  // A division is a float: say how to make it an int.
  // expected-error @+1 {{argument 'out' of op 'conv' must be int, got float; use round(), floor() or ceil()}}
  node h = image |> conv(32 / 2);
  // expected-error @+1 {{argument 'out' of op 'conv' must be int, got float; use round(), floor() or ceil()}}
  node i = image |> conv(out=1.5);
  // An int is fine where a float is expected.
  node j = image |> dropout(1);
  // expected-error @+1 {{argument 'kind' of op 'act' must be string, got bool}}
  node k = image |> act(true);
  output concat(a, b, c, d, e, f, g, h, i, j, k);
}

search S { maximize accuracy;
  space = Net();
  dataset = cifar10();
  // expected-error @+1 {{argument 'population' of strategy 'evolution' must be int, got float; use round(), floor() or ceil()}}
  strategy = evolution(population=0.5);
  // expected-error @+1 {{argument 'budget' of estimator 'early_stop' must be duration, got int}}
  estimator = early_stop(epochs=5, budget=30);
  // expected-error @+1 {{strategy 'evolution' has no parameter named 'populaton'; did you mean 'population'?}}
  evaluations = len([evolution(populaton=3)]);
}

// Searches need an objective.
metric accuracy: float maximize;
