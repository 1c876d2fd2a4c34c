// Each instance of a template with decisions says how it shares them:
// `shared as KEY` or `independent`. Ops and other values take neither.
// RUN: nasc check --verify-diagnostics %s

op relu() = "relu";
op conv(out: int = in_channels, kernel: int = 3) = "conv2d";

// expected-note @+1 {{cell 'Searchable' is declared here}}
cell Searchable() {
  input x;
  choice k: [3, 5];
  output x |> conv(kernel=k);
}

// No choices of its own, but it instantiates a template that has some.
// expected-note @+1 {{cell 'Wrapper' is declared here}}
cell Wrapper() {
  input x;
  output x |> Searchable() shared as inner;
}

cell Other() {
  input x;
  choice w: [8, 16];
  output x |> conv(w);
}

// A template without decisions needs no annotation.
cell Plain() {
  input x;
  output x |> relu;
}

network Net() {
  input image: tensor(3, 8, 8);
  // expected-error @+1 {{cell 'Searchable' has decisions of its own; say how its instances share them: add 'shared as KEY' (one decision set for every instance with that key) or 'independent' (fresh decisions for each instance)}}
  node a = image |> Searchable();
  // expected-error @+1 {{cell 'Wrapper' has decisions of its own; say how its instances share them}}
  node b = a |> Wrapper();
  // expected-error @+1 {{'shared as' applies to instances of a cell, block or network; this is an op}}
  node c = b |> conv(16) shared as convs;
  // expected-error @+1 {{'independent' applies to instances of a cell, block or network; this is an op}}
  node d = c |> relu independent;
  node e = d |> repeat(2, Plain());
  node f = e |> Other() shared as cell;
  // expected-error @+1 {{sharing key 'cell' is used for cell 'Searchable' and for cell 'Other'; instances sharing decisions must be of one template}}
  node g = f |> Searchable() shared as cell;
  // expected-note @-3 {{first used here}}
  // The same key for the same template is what sharing is for.
  node h = g |> Other() shared as cell;
  node i = h |> Plain() independent;
  output i;
}
