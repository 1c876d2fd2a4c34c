// The OFA space with its elastic resolution: a search-level choice of the
// input size (128 to 224 in steps of 4, as OFA's image_size list) passed to
// the network.
import "std/search";
import "std/spaces/ofa";

search OfaElasticResolution {
  choice res: 128..224 step 4;
  space = OnceForAll(resolution=res);
  estimator = supernet(mode="progressive", epochs=1);
  strategy = ofa_specialize(targets="10");
  maximize accuracy;
}
