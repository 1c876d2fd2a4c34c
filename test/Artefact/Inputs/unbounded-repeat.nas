// A repetition of a searched block over more copies than nasc unrolls
// (256): the block stays a layer, which the runtime cannot build.
import "std/ops";

block Layer {
  input x;
  choice w: [8, 16];
  output x |> conv(w);
}

network Net() {
  input image: tensor(3, 8, 8);
  choice depth: 1..300;
  output image |> repeat(depth, Layer independent) |> global_avg_pool |> linear(10);
}
