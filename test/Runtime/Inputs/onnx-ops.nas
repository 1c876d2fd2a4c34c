// Every kernel the ONNX exporter writes, in one network trained briefly on
// the CIFAR-10 subset (real weights and batch-norm statistics): what
// test/Runtime/export-onnx.test compares between LibTorch and OpenCV.
import "std/ops";
import "std/search";

network OnnxOps {
  input image: tensor(3, 32, 32);
  choice act: [swish, sigmoid];
  node stem = image |> conv(16, kernel=3, bias=true) |> batch_norm |> relu;
  node s = sum(stem |> sep_conv(16, kernel=3), stem |> dil_conv(16, kernel=3), stem |> relu_conv_bn(16, kernel=1),
               stem |> max_pool(3), stem |> avg_pool(3), stem |> zero, stem |> identity);
  node r = s |> factorized_reduce(32);
  node t = concat(r |> avg_pool(2, stride=2), r |> max_pool(2, stride=2)) |> conv_bn_relu(32, kernel=5) |> act;
  output t |> global_avg_pool |> dropout(0.5) |> linear(10);
}

search OnnxOpsTrain {
  space = OnnxOps();
  dataset = cifar10(root="../shared/data/cifar10-subset", valid_fraction=0.2);
  estimator = low_fidelity(epochs=1, subset=0.2);
  optimizer = sgd(lr=0.05, batch_size=32);
  seed = 3;
  maximize accuracy;
}
