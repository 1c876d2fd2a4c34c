"""examples/python/fashion_mnist_torch.py as a user runs it: a few trials on
real Fashion-MNIST images, stopped, and run again on the same store, which
resumes. Skipped (77) without the dataset or PyTorch."""

import os
import re
import subprocess
import sys
import tempfile

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
EXAMPLE = os.path.join(ROOT, "examples", "python", "fashion_mnist_torch.py")

try:
    import torch  # noqa: F401
except ImportError:
    print("skipped: no PyTorch (Debian's python3-torch)")
    sys.exit(77)
if not os.path.exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"):
    print("skipped: no Fashion-MNIST (Debian's dataset-fashion-mnist)")
    sys.exit(77)

with tempfile.TemporaryDirectory() as tmp:
    store = os.path.join(tmp, "run.db")
    run = lambda trials: subprocess.run([sys.executable, EXAMPLE, "--trials", str(trials), "--batches", "25",
                                         "--storage", store], check=True, stdout=subprocess.PIPE, text=True).stdout
    first = run(3)
    print(first)
    trained = re.findall(r"trial (\d+): ([\d.]+)% held-out accuracy, (\d+) parameters", first)
    assert [n for n, _, _ in trained] == ["1", "2", "3"], first
    # A few batches already beat chance (10%) on 2,000 held-out images.
    assert max(float(a) for _, a, _ in trained) > 20.0, first
    second = run(5)
    print(second)
    assert "resumed: 3 trials already in" in second, second
    assert re.findall(r"^trial (\d+):", second, re.M) == ["4", "5"], second
    assert "best: trial" in second, second
print("ok")
