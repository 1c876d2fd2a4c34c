// A vision transformer: kernels the ONNX exporter refuses by name.
import "std/ops";

network OnnxVit {
  input image: tensor(3, 32, 32);
  output image |> patch_embed(16, 4) |> transformer_block(2, 2.0, 16) |> global_avg_pool |> linear(10);
}
