// Feature maps that do not depend on the input: a `zero` op, and a
// relu-conv-bn after it, whose output is the batch norm's shift (a constant,
// not zero, once trained), added to maps of the input; the ONNX writer folds
// them into constants (docs/export.md).
import "std/ops";
import "std/search";

network OnnxConstants {
  input image: tensor(3, 32, 32);
  node s = image |> conv(8, kernel=3, stride=2) |> batch_norm;
  node z = s |> zero;
  node shift = z |> relu_conv_bn(8, kernel=1);
  node two = sum(s, shift);                      // one map and a constant
  node three = sum(s |> relu, two |> max_pool(3), shift);  // several maps and a constant
  output three |> global_avg_pool |> linear(10);
}

search OnnxConstantsTrain {
  space = OnnxConstants();
  dataset = cifar10(root="../shared/data/cifar10-subset", valid_fraction=0.2);
  estimator = low_fidelity(epochs=1, subset=0.2);
  optimizer = sgd(lr=0.05, batch_size=32);
  seed = 3;
  maximize accuracy;
}
