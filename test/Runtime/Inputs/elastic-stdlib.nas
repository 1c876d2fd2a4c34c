// The standard library's Once-for-All and AutoFormer-T spaces as searches
// (nasc supernet reads a search's space).
import "std/ops";
import "std/search";
import "std/spaces/ofa";
import "std/spaces/autoformer";

search Ofa { space = OnceForAll(); strategy = random(); evaluations = 1; maximize accuracy; }
search AutoFormer { space = AutoFormerTiny(); strategy = random(); evaluations = 1; maximize accuracy; }

// OFA with its elastic resolution (25 image sizes): modules are keyed by
// channels, so the supernets are those of one size.
search OfaResolution {
  choice res: 128..224 step 4;
  space = OnceForAll(resolution=res);
  estimator = supernet(mode="progressive", epochs=1);
  strategy = ofa_specialize(targets="10");
  maximize accuracy;
}
