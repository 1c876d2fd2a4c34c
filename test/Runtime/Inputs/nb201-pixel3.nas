// ProxylessNAS on a small NAS-Bench-201 supernet against the Pixel 3
// latencies of the benchmark: the lit test fits a per-op table to the
// 15,625 measured networks (nasc latency-table --fit) and substitutes its
// path for LUT_PATH. A steep latency exponent must push the mixture to
// faster cells.
import "std/ops";
import "std/search";
import "std/spaces/nb201";

search Nb201Pixel3 {
  space = NasBench201(C=4, N=1);
  dataset = cifar10(root="../shared/data/cifar10-subset", valid_fraction=0.9);
  estimator = low_fidelity(epochs=1, subset=0.5);
  optimizer = sgd(lr=0.05, batch_size=64);
  strategy = proxyless(epochs=3, arch_lr=0.1, warmup=0, latency="LUT_PATH");
  seed = 1;
  maximize accuracy * (latency("pixel3") / 1.0) ** -3.0;
}
