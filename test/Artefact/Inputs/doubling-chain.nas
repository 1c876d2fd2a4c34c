// Ten stages, each of which may double the width: stage i's width is a
// `let` over stage i-1's, read twice (by the conditional doubling and by
// the shortcut's test), so written out as a tree the last width would
// hold 2^10 copies of the first.
import "std/ops";

block Stage(out: int, cin: int) {
  input x;
  node y = x |> conv(out, kernel=3);
  node shortcut = if cin != out then (x |> conv(out, kernel=1)) else x;
  output sum(y, shortcut);
}

network DoublingChain() {
  input image: tensor(3, 8, 8);
  choice d1: 1..2;
  choice d2: 1..2;
  choice d3: 1..2;
  choice d4: 1..2;
  choice d5: 1..2;
  choice d6: 1..2;
  choice d7: 1..2;
  choice d8: 1..2;
  choice d9: 1..2;
  choice d10: 1..2;
  let c1 = if d1 == 2 then 2 * 4 else 4;
  let c2 = if d2 == 2 then 2 * c1 else c1;
  let c3 = if d3 == 2 then 2 * c2 else c2;
  let c4 = if d4 == 2 then 2 * c3 else c3;
  let c5 = if d5 == 2 then 2 * c4 else c4;
  let c6 = if d6 == 2 then 2 * c5 else c5;
  let c7 = if d7 == 2 then 2 * c6 else c6;
  let c8 = if d8 == 2 then 2 * c7 else c7;
  let c9 = if d9 == 2 then 2 * c8 else c8;
  let c10 = if d10 == 2 then 2 * c9 else c9;
  require c10 <= 256, "at most six doublings";
  node stem = image |> conv(4, kernel=3);
  output stem |> Stage(c1, 4) |> Stage(c2, c1) |> Stage(c3, c2) |> Stage(c4, c3) |> Stage(c5, c4)
              |> Stage(c6, c5) |> Stage(c7, c6) |> Stage(c8, c7) |> Stage(c9, c8) |> Stage(c10, c9)
              |> global_avg_pool |> linear(10);
}
