// `if a then (if b then P else Q) else R`: the same network as
// if-nest-inner.nas, written with the other `if` outside.
import "std/ops";

network Nest() {
  input image: tensor(3, 8, 8);
  choice a: [true, false];
  choice b: [true, false];
  choice p: [1, 3, 5];
  choice q: [1, 3];
  choice r: [3, 5, 7];
  node x = image |> conv(8);
  node P = x |> conv(8, kernel=p);
  node Q = x |> conv(8, kernel=q);
  node R = x |> conv(8, kernel=r);
  node y = if a then (if b then P else Q) else R;
  output y |> global_avg_pool |> linear(10);
}
