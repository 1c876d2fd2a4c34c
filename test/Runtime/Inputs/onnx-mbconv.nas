// The mobile kernels the ONNX exporter writes (MnasNet, ProxylessNAS, FBNet,
// MobileNetV3 and EfficientNet spaces use them): inverted residuals with each
// activation, squeeze-and-excite with both gates, grouped convolutions with
// their channel shuffle. test/Runtime/export-onnx.test.
import "std/ops";
import "std/search";

network OnnxMobile {
  input image: tensor(3, 32, 32);
  choice act: ["relu", "relu6", "swish", "hard_swish"];
  node stem = image |> conv_bn_relu(16, kernel=3, stride=2);
  node a = stem |> mbconv(16, expand=3, kernel=5, act=act, se=true);
  node b = a |> mbconv(24, expand=4, kernel=3, stride=2, se=true, se_gate="hard_sigmoid", act="hard_swish");
  node c = b |> mbconv(24, expand=2, groups=2, act="relu6") |> mbconv(24, expand=1, act="swish");
  node d = c |> squeeze_excite(gate="hard_sigmoid") |> channel_shuffle(4) |> hard_swish |> swish;
  output d |> global_avg_pool |> linear(10);
}

search OnnxMobileTrain {
  space = OnnxMobile();
  dataset = cifar10(root="../shared/data/cifar10-subset", valid_fraction=0.2);
  estimator = low_fidelity(epochs=1, subset=0.2);
  optimizer = sgd(lr=0.05, batch_size=32);
  seed = 3;
  maximize accuracy;
}
