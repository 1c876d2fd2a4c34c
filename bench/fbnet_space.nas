// A space too large to run out (FBNet's, 9^22 architectures) for
// bench/strategy_speed.cpp: random search's ask + tell rate without the
// listing NAS-Bench-201's 15,625 architectures end with.
import "std/ops";
import "std/search";
import "std/spaces/fbnet";

search FBNetSpeed {
  space = FBNet();
  strategy = random;
  evaluations = 1000000;
  maximize accuracy;
}
