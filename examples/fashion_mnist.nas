// A small space on Fashion-MNIST that a 2-core CPU searches in minutes.
//
// Fashion-MNIST (Xiao et al. 2017): 60,000 + 10,000 grey 28 x 28 images of
// 10 kinds of clothing. On Debian/Ubuntu `apt-get install dataset-fashion-mnist`
// puts the IDX files in /usr/share/datasets/fashion-mnist.
//
// Space: 3 * 2 * 3 * 2 * 2 * 2 = 144 networks of at most ~88k parameters
// and ~18M multiply-accumulates; `require params <= 60_000` drops the
// largest. The search also draws the learning rate. Each evaluation trains
// two epochs on half of the training images (27,000; ~15 s on 2 cores); the
// 6,000 held out score it; the best is then tested on the 10,000 test
// images. 20 evaluations take about 4 minutes on a 2-core machine; the
// time limit stops the search at 9 minutes whatever the machine.
//
//   nasc search examples/fashion_mnist.nas

import "std/ops";
import "std/search";

network FashionNet(classes: int = 10) {
  input image: tensor(1, 28, 28);

  choice width1: [8, 16, 24];
  choice kernel1: [3, 5];
  choice width2: [16, 32, 48];
  choice kernel2: [3, 5];
  choice depth2: 1..2;
  choice drop: [0.0, 0.25];

  // 28 x 28 -> 14 x 14 -> 7 x 7.
  node stage1 = image |> conv_bn_relu(width1, kernel=kernel1) |> max_pool(3, stride=2);
  node stage2 = stage1 |> repeat(depth2, conv_bn_relu(width2, kernel=kernel2)) |> max_pool(3, stride=2);

  output stage2 |> global_avg_pool |> dropout(drop) |> linear(classes);
}

search FashionMNIST {
  space = FashionNet();
  dataset = fashion_mnist(root="/usr/share/datasets/fashion-mnist", valid_fraction=0.1);
  estimator = low_fidelity(epochs=2, subset=0.5);

  // A training hyperparameter searched together with the architecture.
  choice lr: 0.02..0.2 log;
  optimizer = sgd(lr=lr, momentum=0.9, nesterov=true, weight_decay=5e-4, batch_size=128, grad_clip=0.0);

  strategy = evolution(population=8, sample=3);
  evaluations = 20;
  time_limit = 9min;
  seed = 0;

  require params <= 60_000;
  maximize accuracy;
}
