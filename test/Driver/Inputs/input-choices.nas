// A network with every kind of input choice, for fixing by architecture ID.
import "std/ops";

network Picks() {
  input image: tensor(3, 8, 8);
  node a = image |> conv(8);
  node b = image |> conv(8, kernel=1);
  node c = image |> conv(8, kernel=5);
  choice two: 2 of [a, b, c];
  choice extra: any of [a, c];
  choice alone: any of [b, c];
  node s = sum(two[1], two[0]);
  node t = sum(alone);
  output concat(s, extra, t) |> global_avg_pool |> linear(10);
}
