// Paths that are zero in every architecture (test/Dialect/nas-prune-zero-paths.test).
import "std/ops";

network Z {
  input image: tensor(3, 8, 8);
  choice e: [zero, identity];
  node a = image |> conv(8);
  node b = sum(a, a |> zero, a |> zero |> avg_pool(3), a |> e);
  output b;
}
