// A library of cells and no network: viz names the drawing after the file.
import "std/ops";

cell Tiny {
  input a;
  input b;
  choice mix: [skip_connect, max_pool_3x3];
  choice width: [16, 32];
  node c = sum(mix(a), b |> relu_conv_bn(width));
  output concat(c, a);
}
