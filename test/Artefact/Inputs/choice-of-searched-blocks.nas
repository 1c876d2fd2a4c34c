// A choice between a block with decisions of its own and a plain layer:
// its decisions would count only when it is chosen, which nasc cannot
// express yet, so the block stays a layer and the artefact is refused.
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
