// Alternatives whose display labels coincide ("mbconv(...)": arguments that
// are not simple are elided) but whose layers differ, and alternatives that
// differ only in a float argument's seventh digit.
import "std/ops";

block Layer(out: int) {
  input x;
  let a = mbconv(out, 1, 3, expand_conv=true);
  choice pick: [mbconv(out, 1, 3, expand_conv=1 == 1), mbconv(out, 1, 3, groups=2, expand_conv=1 == 1),
                mbconv(out, 1, 5, expand_conv=1 == 1), a];
  choice drop: [dropout(0.1234567), dropout(0.1234568)];
  output x |> pick |> drop;
}

network Alike() {
  input image: tensor(16, 8, 8);
  output image |> Layer(16) independent |> global_avg_pool |> linear(10);
}
