// Two blocks of MnasNet's factorized space (std/spaces/mnasnet) on a small
// image: MnasLayer decides nothing itself; its arguments come from
// MnasBlock's decisions, so its form is part of the block's.
import "std/ops";

// One layer of a block. The first layer of a block has the block's stride and
// changes the channel count, so it never has a skip.
block MnasLayer(conv_op: string, out: int, expand: int, kernel: int, stride: int, se: bool, skip: bool) {
  input x;
  let core = if conv_op == "conv" then conv_bn_relu(out, kernel, stride=stride)
             else mbconv(out, if conv_op == "mbconv" then expand else 1, kernel, stride, se=se, skip=false);
  // mbconv has squeeze-and-excite inside; a regular conv gets it appended.
  let excite = if se && conv_op == "conv" then squeeze_excite(0.25) else identity;
  node y = x |> core |> excite;
  output if skip then sum(x, y) else y;
}

// A block of the factorized space: `filters` and `layers` are MobileNetV2's.
block MnasBlock(filters: int, layers: int, stride: int) {
  input x;

  choice conv_op: ["conv", "sep_conv", "mbconv"];
  choice expand: [3, 6];
  choice kernel: [3, 5];
  choice se: [false, true];
  choice skip: [true, false];
  choice width: [0.75, 1.0, 1.25];
  choice n: layers - 1 .. layers + 1;

  let out = 8 * max(1, round(filters * width / 8));
  let first = MnasLayer(conv_op, out, expand, kernel, stride, se, false);
  let rest = MnasLayer(conv_op, out, expand, kernel, 1, se, skip);

  output x |> repeat(min(n, 1), first) |> repeat(max(n - 1, 0), rest);
}

network Two {
  input image: tensor(3, 32, 32);
  node stem = image |> conv_bn_relu(16, kernel=3, stride=1);
  node b1 = stem |> MnasBlock(16, 1, 1) independent;
  node b2 = b1 |> MnasBlock(24, 2, 2) independent;
  output b2 |> global_avg_pool |> linear(10);
}
