// A choice between a block with decisions of its own and a plain layer: the
// block's decision is used only when the block is chosen (active_if in the
// artefact: the choice's switch is 0).
import "std/ops";

block Wide {
  input x;
  choice w: [8, 16];
  output x |> conv(w);
}

network Net() {
  input image: tensor(3, 8, 8);
  choice layer: [Wide independent, conv(8)];
  output image |> layer |> global_avg_pool |> linear(10);
}
