// BOHB on real Fashion-MNIST training (test/Runtime/search-bohb.test): a
// small space, 2 % of the training split, 1 to 3 epochs. top_percent 50 so
// that six evaluations at one budget make a model (two decisions: each side
// needs three points), and random_fraction 0 so that every new architecture
// after that comes from it.
import "std/ops";
import "std/search";

network SmallFashion() {
  input image: tensor(1, 28, 28);
  choice width: [8, 16];
  choice kernel: [3, 5, 7];
  output image |> conv_bn_relu(width, kernel=kernel) |> max_pool(3, stride=2) |> global_avg_pool |> linear(10);
}

search FashionBohb {
  space = SmallFashion();
  dataset = fashion_mnist(root="/usr/share/datasets/fashion-mnist", valid_fraction=0.1);
  estimator = low_fidelity(epochs=2, subset=0.02);
  optimizer = sgd(lr=0.1, momentum=0.9, batch_size=64);
  strategy = bohb(min_epochs=1, max_epochs=3, eta=3, top_percent=50.0, random_fraction=0.0);
  evaluations = 18;
  seed = 0;
  maximize accuracy;
}
