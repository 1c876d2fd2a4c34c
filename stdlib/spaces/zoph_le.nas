// std/spaces/zoph_le: the macro search space of "Neural Architecture Search
// with Reinforcement Learning" (Zoph & Le, ICLR 2017), CIFAR-10 with skip
// connections.
//
// A plain stack of 15 convolution layers (Conv-BN-ReLU). For every layer the
// controller picks the filter height and width in {1, 3, 5, 7} and the number
// of filters in {24, 36, 48, 64}; a layer reads the concatenation of the
// previous layer and `any of` the earlier layers (its skip connections); the
// last layer is pooled into the classifier.
//
// Spatial sizes. Concatenation needs equal sizes, so strides are chosen only
// where no skip connection crosses: the 15 layers form 3 stages of 5, skips
// stay inside a stage, and the first layer of stages 2 and 3 picks stride 1
// or 2 (`stride2`, `stride3`). The paper lets every layer pick a stride and
// pads mismatched inputs; it also feeds the image to a layer with no input
// and concatenates all loose ends at the top, which this space replaces by
// always reading the previous layer.
//
// Counting: 4 * 4 * 4 = 64 per layer, 64^15 = 2^90; skips per stage:
// layer 3 has 1 candidate, layer 4 has 2, layer 5 has 3: 2^(1+2+3) = 64 per
// stage, 2^18 in all; 2 stride choices: 2^2. 2^110 ~ 1.3e33 architectures.

import "std/ops";

const FILTER_SIZES = [1, 3, 5, 7];
const FILTER_COUNTS = [24, 36, 48, 64];

// One layer: its own filter height, width and count.
block ZophLayer(stride: int = 1) {
  input x;
  choice height: FILTER_SIZES;
  choice width: FILTER_SIZES;
  choice filters: FILTER_COUNTS;
  output x |> conv_bn_relu(filters, kernel=height, kernel_w=width, stride=stride);
}

// Layers 2..5 of a stage, after its first layer l1: each reads the previous
// layer; layers 3..5 may also read any earlier layer of the stage.
block ZophStageRest {
  input l1;

  node l2 = l1 |> ZophLayer independent;

  choice skip3: any of [l1];
  node l3 = concat(l2, skip3) |> ZophLayer independent;

  choice skip4: any of [l1, l2];
  node l4 = concat(l3, skip4) |> ZophLayer independent;

  choice skip5: any of [l1, l2, l3];
  node l5 = concat(l4, skip5) |> ZophLayer independent;

  output l5;
}

// Three stages of five layers; the first layer of stages 2 and 3 picks its
// stride (no skip crosses it); then global average pooling and a classifier.
network ZophLe(classes: int = 10) {
  input image: tensor(3, 32, 32);

  choice stride2: [1, 2];
  choice stride3: [1, 2];

  node s1 = image |> ZophLayer independent |> ZophStageRest independent;
  node s2 = s1 |> ZophLayer(stride2) independent |> ZophStageRest independent;
  node s3 = s2 |> ZophLayer(stride3) independent |> ZophStageRest independent;

  output s3 |> global_avg_pool |> linear(classes);
}
