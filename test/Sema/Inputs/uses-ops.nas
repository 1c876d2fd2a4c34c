// Imports ops.nas as well; a file imported twice is loaded once.
import "ops";
cell Stem() {
  input x;
  output x |> conv(16) |> relu;
}
