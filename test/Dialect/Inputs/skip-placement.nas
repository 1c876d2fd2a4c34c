// Layers that may be skipped (the identity): where a skip stands in a stage
// does not matter, so [a, skip] and [skip, a] are one network.
//   Stage: 3 FBNet layers, 16 -> 16 channels, stride 1, each of 8 blocks or
//          the identity: sequences of 0..3 blocks, 1 + 8 + 64 + 512 = 585.
//   Down:  4 FBNet layers, the first 16 -> 24 at stride 2 (its skip is a 1x1
//          conv, never the identity: 9 forms), then 585: 5,265.
import "std/ops";
import "std/spaces/fbnet";

network Stage() {
  input image: tensor(16, 8, 8);
  output image |> FBNetStage(16, 16, 3, 1) independent;
}

network Down() {
  input image: tensor(16, 8, 8);
  output image |> FBNetStage(16, 24, 4, 2) independent;
}
