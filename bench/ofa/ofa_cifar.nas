// A scaled-down Once-for-All MobileNetV3 space for 32 x 32 CIFAR-10 images
// (bench/ofa.sh): std/spaces/ofa's stages (depth 2..4, kernel 3/5/7 and
// expansion 3/4/6 per layer), the first three of them, after a stride-1
// stem: 7,371^3 = 400,477,590,011 architectures.
import "std/ops";
import "std/search";
import "std/spaces/ofa";

network OfaCifarNet(classes: int = 10) {
  input image: tensor(3, 32, 32);
  node stem = image |> conv(16, kernel=3) |> batch_norm |> hard_swish |> mbconv(16, 1, 3);
  node s1 = stem |> OFAStage(24, 2, "relu", false) independent;
  node s2 = s1 |> OFAStage(40, 2, "relu", true) independent;
  node s3 = s2 |> OFAStage(80, 2, "hard_swish", false) independent;
  output s3 |> conv(160, kernel=1) |> batch_norm |> hard_swish |> global_avg_pool |> linear(classes);
}

search OfaCifar {
  space = OfaCifarNet();
  dataset = cifar10(root="../shared/data/cifar10-subset", valid_fraction=0.2);
  estimator = supernet(mode="progressive", epochs=2);
  optimizer = sgd(lr=0.05, momentum=0.9, nesterov=true, weight_decay=3e-5, batch_size=64);
  strategy = ofa_specialize(targets="20%,50%,80%", samples=60, population=100, generations=30);
  seed = 0;
  maximize accuracy;
}
