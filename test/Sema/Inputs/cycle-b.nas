// Closes the cycle cycle-a -> cycle-b -> cycle-a.
import "cycle-a.nas";
op conv(out: int = in_channels) = "conv2d";
