// MnasNet's block shape: the first layer and the later ones are two
// repetitions of one depth, `repeat(min(n, 1), first)` and
// `repeat(max(n - 1, 0), rest)`, reading the same decisions.
import "std/ops";

block Res(w: int, k: int, skip: bool) {
  input x;
  node y = x |> conv(w, kernel=k);
  output if skip then sum(x, y) else y;
}

block Stage {
  input x;
  choice n: 0..2;
  choice w: [8, 16];
  choice k: [3, 5];
  choice skip: [true, false];
  let first = conv(w, kernel=k, stride=2);
  let rest = Res(w, k, skip);
  output x |> repeat(min(n, 1), first) |> repeat(max(n - 1, 0), rest);
}

network Two() {
  input image: tensor(3, 8, 8);
  output image |> Stage independent |> global_avg_pool |> linear(10);
}
