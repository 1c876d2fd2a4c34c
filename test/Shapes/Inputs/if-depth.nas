// Blocks used only `if depth >= 5` / `if depth >= 6`: their choices (and
// the requirements in them) count only there.
import "std/ops";

block M(k: int) {
  input x;
  output x |> conv(8, kernel=k);
}

// A module that decides its kernel itself, and requires it not to be 1.
block R {
  input x;
  choice k: [1, 3, 5];
  require k != 1, "a 1 x 1 module is not wanted";
  output x |> conv(8, kernel=k);
}

network Depth() {
  input image: tensor(3, 8, 8);
  choice depth: 4..6;
  choice m5: [1, 3, 5];
  choice m6: [1, 3];
  node x = image |> conv(8);
  node y = if depth >= 5 then x |> M(m5) else x;
  node z = if depth >= 6 then y |> M(m6) else y;
  output z |> global_avg_pool |> linear(10);
}

network DepthReq() {
  input image: tensor(3, 8, 8);
  choice depth: 4..6;
  node x = image |> conv(8);
  node y = if depth >= 5 then x |> R independent else x;
  node z = if depth >= 6 then y |> R independent else y;
  output z |> global_avg_pool |> linear(10);
}
