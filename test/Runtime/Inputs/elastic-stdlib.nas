// The standard library's Once-for-All and AutoFormer-T spaces as searches
// (nasc supernet reads a search's space).
import "std/ops";
import "std/search";
import "std/spaces/ofa";
import "std/spaces/autoformer";

search Ofa { space = OnceForAll(); strategy = random(); evaluations = 1; maximize accuracy; }
search AutoFormer { space = AutoFormerTiny(); strategy = random(); evaluations = 1; maximize accuracy; }
