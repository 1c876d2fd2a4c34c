// A small vision transformer: patch embedding, then a transformer block or
// a bare multi-head attention (the choice), for the ONNX exporter's
// transformer kernels.
import "std/ops";
import "std/search";

network OnnxVit {
  input image: tensor(3, 32, 32);
  choice mixer: [transformer_block(2, 2.0, 16), multi_head_attention(4, 24)];
  output image |> patch_embed(16, 4) |> mixer |> layer_norm |> relu6 |> global_avg_pool |> linear(10);
}

search OnnxVitTrain {
  space = OnnxVit();
  dataset = cifar10(root="../shared/data/cifar10-subset", valid_fraction=0.2);
  estimator = low_fidelity(epochs=1, subset=0.2);
  optimizer = sgd(lr=0.05, batch_size=32);
  seed = 3;
  maximize accuracy;
}
