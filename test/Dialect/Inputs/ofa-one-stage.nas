// One Once-for-All stage (std/spaces/ofa): depth 2..4 decides which layers
// count, each layer its kernel and expansion: 9^2 + 9^3 + 9^4 = 7,371, all
// different networks.
import "std/ops";
import "std/spaces/ofa";

network OneStage() {
  input image: tensor(16, 8, 8);
  output image |> OFAStage(24, 2, "relu", true) independent |> global_avg_pool |> linear(10);
}
