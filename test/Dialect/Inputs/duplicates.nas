// Choices that offer one alternative twice (test/Dialect/nas-merge-alternatives.test).
import "std/ops";
network D {
  input image: tensor(3, 8, 8);
  choice k: [3, 3, 5];
  choice e: [relu, identity, relu];
  output image |> conv(8, kernel=k) |> e;
}
