// A choice whose alternatives depend on another choice: refused (if-lists-lengths.nas).
import "std/ops";
network N() {
  input image: tensor(3, 8, 8);
  choice big: [true, false];
  choice k: if big then [3, 5, 7] else [3, 5];
  output image |> conv(8, kernel=k) |> global_avg_pool |> linear(10);
}
