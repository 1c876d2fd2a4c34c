// std/ops: the operations of the standard library.
//
// Each op is bound by its string to a LibTorch kernel of the nasc runtime and
// describes itself to the compiler:
//
//   out_channels  channels of the output (default: in_channels)
//   stride        spatial downsampling factor (default 1); an op with stride s
//                 maps an in_h x in_w map to ceil(in_h / s) x ceil(in_w / s)
//   params        learnable parameters (batch-norm scale and shift count,
//                 running statistics do not)
//   flops         multiply-accumulates (MACs) per sample, at inference.
//                 Convolutions, linear layers and attention count their MACs;
//                 a batch norm inside a composite op (relu_conv_bn, sep_conv,
//                 mbconv...) folds into its convolution and is free; a
//                 standalone batch_norm or layer_norm, and elementwise ops that
//                 multiply (swish, hard_swish, gelu, the squeeze-and-excite
//                 rescale), count one per element; pooling counts one per
//                 window element; relu, sigmoid, identity, zero and dropout
//                 count zero.
//
// in_channels, in_h and in_w are the input feature map's; they are known only
// once the op is placed in a network, so requirements that read them are
// checked when the network is built, the others at every call site for every
// alternative of every choice the arguments depend on.
//
// Convolutions and pools pad 'same' (padding = dilation * (kernel - 1) / 2),
// which needs odd kernels for convolutions; pools also take even kernels
// (a 2x2 pool), padded as TensorFlow's 'SAME' does: the missing rows and
// columns split with the extra one at the bottom and right.

// ---- convolutions ------------------------------------------------------------

// A 2-D convolution, kernel x kernel_w, without activation or normalization.
op conv(out: int = in_channels, kernel: int = 3, kernel_w: int = kernel, stride: int = 1,
        dilation: int = 1, groups: int = 1, bias: bool = false) = "conv2d" {
  require out >= 1, "a convolution needs at least one output channel";
  require kernel >= 1 && kernel_w >= 1, "kernel sizes must be at least 1";
  require kernel % 2 == 1 && kernel_w % 2 == 1, "'same' padding needs odd kernel sizes";
  require stride >= 1, "stride must be at least 1";
  require dilation >= 1, "dilation must be at least 1";
  require groups >= 1, "groups must be at least 1";
  require in_channels % groups == 0, "groups must divide the input channels";
  require out % groups == 0, "groups must divide the output channels";
  out_channels = out;
  stride = stride;
  params = round(in_channels / groups) * out * kernel * kernel_w + (if bias then out else 0);
  flops = round(in_channels / groups) * out * kernel * kernel_w * ceil(in_h / stride) * ceil(in_w / stride);
  trait convolution;
}

// DARTS SepConv: ReLU, depthwise k x k (stride), pointwise 1x1, BN, ReLU,
// depthwise k x k, pointwise 1x1 to `out`, BN (the separable conv applied twice).
op sep_conv(out: int = in_channels, kernel: int = 3, stride: int = 1) = "sep_conv" {
  require out >= 1, "a convolution needs at least one output channel";
  require kernel >= 1, "kernel size must be at least 1";
  require kernel % 2 == 1, "'same' padding needs an odd kernel size";
  require stride >= 1, "stride must be at least 1";
  out_channels = out;
  stride = stride;
  params = 2 * in_channels * kernel * kernel + in_channels * in_channels + 2 * in_channels
         + in_channels * out + 2 * out;
  flops = (2 * in_channels * kernel * kernel + in_channels * in_channels + in_channels * out)
          * ceil(in_h / stride) * ceil(in_w / stride);
  trait convolution;
}

// DARTS DilConv: ReLU, depthwise k x k with dilation (stride), pointwise 1x1 to
// `out`, BN. The receptive field is dilation * (kernel - 1) + 1.
op dil_conv(out: int = in_channels, kernel: int = 3, stride: int = 1, dilation: int = 2) = "dil_conv" {
  require out >= 1, "a convolution needs at least one output channel";
  require kernel >= 1, "kernel size must be at least 1";
  require kernel % 2 == 1, "'same' padding needs an odd kernel size";
  require stride >= 1, "stride must be at least 1";
  require dilation >= 1, "dilation must be at least 1";
  out_channels = out;
  stride = stride;
  params = in_channels * kernel * kernel + in_channels * out + 2 * out;
  flops = (in_channels * kernel * kernel + in_channels * out) * ceil(in_h / stride) * ceil(in_w / stride);
  trait convolution;
}

// NAS-Bench-201 ReLUConvBN: ReLU, k x k convolution (no bias), BN.
op relu_conv_bn(out: int = in_channels, kernel: int = 3, stride: int = 1, dilation: int = 1) = "relu_conv_bn" {
  require out >= 1, "a convolution needs at least one output channel";
  require kernel >= 1, "kernel size must be at least 1";
  require kernel % 2 == 1, "'same' padding needs an odd kernel size";
  require stride >= 1, "stride must be at least 1";
  require dilation >= 1, "dilation must be at least 1";
  out_channels = out;
  stride = stride;
  params = in_channels * out * kernel * kernel + 2 * out;
  flops = in_channels * out * kernel * kernel * ceil(in_h / stride) * ceil(in_w / stride);
  trait convolution;
}

// Conv (no bias), BN, ReLU: the usual stem and macro-space layer.
op conv_bn_relu(out: int = in_channels, kernel: int = 3, kernel_w: int = kernel, stride: int = 1,
                groups: int = 1) = "conv_bn_relu" {
  require out >= 1, "a convolution needs at least one output channel";
  require kernel >= 1 && kernel_w >= 1, "kernel sizes must be at least 1";
  require kernel % 2 == 1 && kernel_w % 2 == 1, "'same' padding needs odd kernel sizes";
  require stride >= 1, "stride must be at least 1";
  require groups >= 1, "groups must be at least 1";
  require in_channels % groups == 0, "groups must divide the input channels";
  require out % groups == 0, "groups must divide the output channels";
  out_channels = out;
  stride = stride;
  params = round(in_channels / groups) * out * kernel * kernel_w + 2 * out;
  flops = round(in_channels / groups) * out * kernel * kernel_w * ceil(in_h / stride) * ceil(in_w / stride);
  trait convolution;
}

// DARTS FactorizedReduce: ReLU, two 1x1 convolutions with stride 2 (the second
// shifted by one pixel) giving out/2 channels each, concatenated, BN. Halves
// the spatial size; the stride-2 'skip_connect' of DARTS reduction cells.
op factorized_reduce(out: int = in_channels) = "factorized_reduce" {
  require out >= 2 && out % 2 == 0, "factorized_reduce splits its output channels in two halves: out must be even";
  out_channels = out;
  stride = 2;
  params = in_channels * out + 2 * out;
  flops = in_channels * out * ceil(in_h / 2) * ceil(in_w / 2);
  trait convolution;
}

// ---- pooling -------------------------------------------------------------------

op max_pool(kernel: int = 3, stride: int = 1) = "max_pool2d" {
  require kernel >= 1, "kernel size must be at least 1";
  require stride >= 1, "stride must be at least 1";
  stride = stride;
  flops = in_channels * kernel * kernel * ceil(in_h / stride) * ceil(in_w / stride);
  trait pooling, parameter_free;
}

// Average pooling; padded positions are not counted (count_include_pad=False,
// as in NAS-Bench-201 and DARTS).
op avg_pool(kernel: int = 3, stride: int = 1) = "avg_pool2d" {
  require kernel >= 1, "kernel size must be at least 1";
  require stride >= 1, "stride must be at least 1";
  stride = stride;
  flops = in_channels * kernel * kernel * ceil(in_h / stride) * ceil(in_w / stride);
  trait pooling, parameter_free;
}

// Mean over all positions: C x H x W -> C x 1 x 1 (the stride is the whole map).
op global_avg_pool() = "global_avg_pool" {
  stride = max(in_h, in_w);
  flops = in_channels * in_h * in_w;
  trait pooling, parameter_free;
}

// ---- identity and zero -------------------------------------------------------------

op identity() = "identity" {
  trait identity, parameter_free;
}

// The zero op ('none'): outputs zeros, i.e. removes the edge. With stride 2 it
// outputs the downsampled shape; with out it changes the channel count.
op zero(stride: int = 1, out: int = in_channels) = "zero" {
  require stride >= 1, "stride must be at least 1";
  require out >= 1, "out must be at least 1";
  out_channels = out;
  stride = stride;
  trait zero, parameter_free;
}

// ---- normalization and activations -----------------------------------------------

op batch_norm(affine: bool = true) = "batch_norm2d" {
  params = if affine then 2 * in_channels else 0;
  flops = in_channels * in_h * in_w;
  trait normalization;
}

// Instance norm: each sample's channels normalized over their positions
// (style transfer, TransNAS-Bench-101's decoders); no running statistics.
op instance_norm(affine: bool = true) = "instance_norm2d" {
  params = if affine then 2 * in_channels else 0;
  flops = in_channels * in_h * in_w;
  trait normalization;
}

// Layer norm over the channels of each position (each token).
op layer_norm(affine: bool = true) = "layer_norm" {
  params = if affine then 2 * in_channels else 0;
  flops = in_channels * in_h * in_w;
  trait normalization;
}

op relu() = "relu" {
  trait activation, parameter_free;
}

// min(max(x, 0), 6) (MobileNetV2, ProxylessNAS).
op relu6() = "relu6" {
  trait activation, parameter_free;
}

// x * sigmoid(x) (SiLU).
op swish() = "swish" {
  flops = in_channels * in_h * in_w;
  trait activation, parameter_free;
}

// x * relu6(x + 3) / 6 (MobileNetV3).
op hard_swish() = "hard_swish" {
  flops = in_channels * in_h * in_w;
  trait activation, parameter_free;
}

op gelu() = "gelu" {
  flops = in_channels * in_h * in_w;
  trait activation, parameter_free;
}

// x * tanh(softplus(x)) (Misra 2019).
op mish() = "mish" {
  flops = in_channels * in_h * in_w;
  trait activation, parameter_free;
}

op sigmoid() = "sigmoid" {
  trait activation, parameter_free;
}

// Inverted dropout; the identity at inference. Stochastic: two dropouts on
// one input draw two masks, so the compiler never merges them.
op dropout(p: float = 0.5) = "dropout" {
  require p >= 0.0 && p < 1.0, "dropout probability must be in [0, 1)";
  trait parameter_free, stochastic;
}

// ---- blocks ----------------------------------------------------------------------

// ShuffleNet's channel shuffle: the channels, seen as groups x (C / groups),
// transposed, so the next grouped convolution mixes every group.
op channel_shuffle(groups: int = 2) = "channel_shuffle" {
  require groups >= 1, "groups must be at least 1";
  require in_channels % groups == 0, "groups must divide the input channels";
  trait parameter_free;
}

// Squeeze-and-excitation: global pool, FC to max(1, round(base * ratio)),
// ReLU, FC back to in_channels, gate, rescale. `base` is the channel count
// the squeeze width is taken from (MnasNet/EfficientNet use the block input's);
// `gate` is "sigmoid" or MobileNetV3's "hard_sigmoid" (relu6(x + 3) / 6).
op squeeze_excite(ratio: float = 0.25, base: int = in_channels, gate: string = "sigmoid") = "squeeze_excite" {
  require ratio > 0.0 && ratio <= 1.0, "squeeze ratio must be in (0, 1]";
  require base >= 1, "base must be at least 1";
  require gate == "sigmoid" || gate == "hard_sigmoid", "gate must be \"sigmoid\" or \"hard_sigmoid\"";
  params = 2 * in_channels * max(1, round(base * ratio)) + max(1, round(base * ratio)) + in_channels;
  flops = 2 * in_channels * in_h * in_w + 2 * in_channels * max(1, round(base * ratio));
  trait attention;
}

// MobileNetV2/MnasNet/EfficientNet inverted bottleneck (also ProxylessNAS's,
// FBNet's and MobileNetV3/Once-for-All's): 1x1 expansion to
// mid = in_channels * expand, BN, act; depthwise k x k (stride), BN, act;
// optional squeeze-and-excite; 1x1 projection to `out`, BN. With skip, the
// input is added when stride = 1 and out = in_channels.
//   act          "relu", "relu6" (MobileNetV2, ProxylessNAS), "swish"
//                (MnasNet/EfficientNet) or "hard_swish" (MobileNetV3)
//   groups       groups of both 1x1 convolutions (FBNet's g2 blocks); with
//                more than one, the channels are shuffled after the expansion
//   expand_conv  the expansion convolution; left out at expand = 1 unless
//                asked for (FBNet keeps it, MobileNetV2 drops it)
//   se_width     the squeeze width: round(base * se_ratio), at least 1, where
//                base is in_channels, or mid with se_expanded (MobileNetV3);
//                with se_divisor d > 1 it is MobileNetV3's make_divisible:
//                floor(base * se_ratio) rounded to the nearest multiple of d,
//                at least d, plus d when that lost more than 10 %
//   se_gate      "sigmoid", or "hard_sigmoid" (MobileNetV3)
op mbconv(out: int = in_channels, expand: int = 6, kernel: int = 3, stride: int = 1, se: bool = false,
          se_ratio: float = 0.25, act: string = "relu", skip: bool = true, groups: int = 1,
          expand_conv: bool = expand != 1, se_expanded: bool = false, se_divisor: int = 1,
          se_width: int =
            if se_divisor == 1
            then max(1, round((if se_expanded then in_channels * expand else in_channels) * se_ratio))
            else (if max(se_divisor, floor((floor((if se_expanded then in_channels * expand else in_channels) * se_ratio)
                                             + se_divisor / 2) / se_divisor) * se_divisor)
                     < 0.9 * floor((if se_expanded then in_channels * expand else in_channels) * se_ratio)
                  then se_divisor else 0)
                 + max(se_divisor, floor((floor((if se_expanded then in_channels * expand else in_channels) * se_ratio)
                                          + se_divisor / 2) / se_divisor) * se_divisor),
          se_gate: string = "sigmoid") = "mbconv" {
  require out >= 1, "mbconv needs at least one output channel";
  require expand >= 1, "the expansion ratio must be at least 1";
  require expand_conv || expand == 1, "an expansion ratio other than 1 needs the expansion convolution";
  require kernel >= 1, "kernel size must be at least 1";
  require kernel % 2 == 1, "'same' padding needs an odd kernel size";
  require stride >= 1, "stride must be at least 1";
  require groups >= 1, "groups must be at least 1";
  require in_channels % groups == 0, "groups must divide the input channels";
  require out % groups == 0, "groups must divide the output channels";
  require se_ratio > 0.0 && se_ratio <= 1.0, "squeeze ratio must be in (0, 1]";
  require se_divisor >= 1, "se_divisor must be at least 1";
  require se_width >= 1, "the squeeze width must be at least 1";
  require act == "relu" || act == "relu6" || act == "swish" || act == "hard_swish",
          "act must be \"relu\", \"relu6\", \"swish\" or \"hard_swish\"";
  require se_gate == "sigmoid" || se_gate == "hard_sigmoid", "se_gate must be \"sigmoid\" or \"hard_sigmoid\"";
  out_channels = out;
  stride = stride;
  params = (if expand_conv then round(in_channels / groups) * in_channels * expand + 2 * in_channels * expand else 0)
         + in_channels * expand * kernel * kernel + 2 * in_channels * expand
         + (if se then 2 * in_channels * expand * se_width + se_width + in_channels * expand else 0)
         + round(in_channels * expand / groups) * out + 2 * out;
  flops = (if expand_conv then round(in_channels / groups) * in_channels * expand * in_h * in_w else 0)
        + (in_channels * expand * kernel * kernel + round(in_channels * expand / groups) * out)
          * ceil(in_h / stride) * ceil(in_w / stride)
        + (if se then 2 * in_channels * expand * se_width
                      + 2 * in_channels * expand * ceil(in_h / stride) * ceil(in_w / stride)
                 else 0);
  trait convolution;
}

// A fully connected layer over the channels of each position: on a pooled
// C x 1 x 1 map it is the classifier, on tokens (C x H x W, H * W tokens) the
// per-token projection of a transformer.
op linear(out: int, bias: bool = true) = "linear" {
  require out >= 1, "a linear layer needs at least one output";
  out_channels = out;
  params = in_channels * out + (if bias then out else 0);
  flops = in_channels * out * in_h * in_w;
}

// NAS-Bench-201 ResNet basic block: ReLUConvBN 3x3 (stride), ReLUConvBN 3x3,
// plus a shortcut that is 2x2 average pooling then a 1x1 convolution when
// stride = 2, a ReLUConvBN 1x1 when only the channels change, else the identity.
op residual_block(out: int = in_channels, stride: int = 1) = "resnet_basic_block" {
  require out >= 1, "a residual block needs at least one output channel";
  require stride == 1 || stride == 2, "the basic block's stride is 1 or 2";
  out_channels = out;
  stride = stride;
  params = in_channels * out * 9 + 2 * out + out * out * 9 + 2 * out
         + (if stride == 2 then in_channels * out
            else if in_channels != out then in_channels * out + 2 * out else 0);
  flops = (in_channels * out * 9 + out * out * 9
           + (if stride == 2 then 4 * in_channels + in_channels * out
              else if in_channels != out then in_channels * out else 0))
          * ceil(in_h / stride) * ceil(in_w / stride);
  trait convolution;
}

// NAS-Bench-101 style downsampling between stages: 3x3 max pooling with
// stride 2, then a 1x1 Conv-BN-ReLU to `out` channels.
op reduction_block(out: int = 2 * in_channels) = "reduction_block" {
  require out >= 1, "a reduction block needs at least one output channel";
  out_channels = out;
  stride = 2;
  params = in_channels * out + 2 * out;
  flops = (9 * in_channels + in_channels * out) * ceil(in_h / 2) * ceil(in_w / 2);
  trait convolution;
}

// ---- transformers -----------------------------------------------------------------

// Splits the image into patch x patch patches and embeds each into `dim`
// channels (a patch x patch convolution with stride patch), plus a learned
// position embedding: the output is dim x (H/patch) x (W/patch), one position
// per token.
op patch_embed(dim: int = 192, patch: int = 16) = "patch_embed" {
  require dim >= 1, "the embedding needs at least one channel";
  require patch >= 1, "patch size must be at least 1";
  require in_h % patch == 0 && in_w % patch == 0, "the image must split into whole patches";
  out_channels = dim;
  stride = patch;
  params = in_channels * patch * patch * dim + dim + dim * round(in_h / patch) * round(in_w / patch);
  flops = in_channels * patch * patch * dim * round(in_h / patch) * round(in_w / patch);
}

// Multi-head self-attention over the H * W positions: Q, K, V projections to
// `dim` channels split over `heads`, scaled dot-product attention, output
// projection back to in_channels.
op multi_head_attention(heads: int = 8, dim: int = in_channels) = "multi_head_attention" {
  require heads >= 1, "at least one attention head";
  require dim >= 1, "the attention width must be at least 1";
  require dim % heads == 0, "the heads must split the attention width evenly";
  params = 3 * (in_channels * dim + dim) + dim * in_channels + in_channels;
  flops = 4 * in_channels * dim * in_h * in_w + 2 * dim * (in_h * in_w) * (in_h * in_w);
  trait attention;
}

// Pre-norm transformer encoder block: x + MHA(LN(x)), then x + MLP(LN(x)) with
// an MLP of hidden width round(in_channels * mlp_ratio) and GELU. `dim` is the
// attention width (usually the embedding width, in_channels).
op transformer_block(heads: int = 8, mlp_ratio: float = 4.0, dim: int = in_channels) = "transformer_block" {
  require heads >= 1, "at least one attention head";
  require dim >= 1, "the attention width must be at least 1";
  require dim % heads == 0, "the heads must split the attention width evenly";
  require mlp_ratio > 0.0, "the MLP ratio must be positive";
  params = 4 * in_channels
         + 3 * (in_channels * dim + dim) + dim * in_channels + in_channels
         + 2 * in_channels * round(in_channels * mlp_ratio) + round(in_channels * mlp_ratio) + in_channels;
  flops = 2 * in_channels * in_h * in_w
        + 4 * in_channels * dim * in_h * in_w + 2 * dim * (in_h * in_w) * (in_h * in_w)
        + 2 * in_channels * round(in_channels * mlp_ratio) * in_h * in_w
        + round(in_channels * mlp_ratio) * in_h * in_w;
  trait attention;
}

// ---- the names NAS benchmarks give their parameter-free candidates ------------------
// (shared by std/spaces/nb201, std/spaces/darts and the examples)

const none = zero;
const skip_connect = identity;
const avg_pool_3x3 = avg_pool(3);
const max_pool_3x3 = max_pool(3);
