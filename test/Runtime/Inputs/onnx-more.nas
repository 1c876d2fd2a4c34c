// The residual, reduction, normalization and smooth-activation kernels of
// the ONNX exporter, in one network trained briefly on the CIFAR-10 subset:
// NAS-Bench-201's residual block (same width, a channel change, stride 2),
// NAS-Bench-101's reduction block, layer and instance norm, mish and GELU,
// a linear layer on a spatial map.
import "std/ops";
import "std/search";

network OnnxMore {
  input image: tensor(3, 32, 32);
  choice act: [mish, gelu];
  node stem = image |> conv(16, kernel=3) |> batch_norm |> relu;
  node r = stem |> residual_block(16) |> residual_block(24) |> residual_block(32, stride=2);
  node m = r |> reduction_block(32) |> layer_norm |> act |> instance_norm |> linear(24);
  output m |> global_avg_pool |> linear(10);
}

search OnnxMoreTrain {
  space = OnnxMore();
  dataset = cifar10(root="../shared/data/cifar10-subset", valid_fraction=0.2);
  estimator = low_fidelity(epochs=1, subset=0.2);
  optimizer = sgd(lr=0.05, batch_size=32);
  seed = 3;
  maximize accuracy;
}

// Trained at half width (low_fidelity's width_mult): the exported network
// is the half-width one its weights belong to.
search OnnxHalfWidth {
  space = OnnxMore();
  dataset = cifar10(root="../shared/data/cifar10-subset", valid_fraction=0.2);
  estimator = low_fidelity(epochs=1, subset=0.2, width_mult=0.5);
  optimizer = sgd(lr=0.05, batch_size=32);
  seed = 3;
  maximize accuracy;
}
