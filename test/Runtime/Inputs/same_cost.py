"""Checks that an exported best.nas costs what its architecture costs in the
searched space: `nasc info SPACE --arch ID` against `nasc info best.nas`.

usage: same_cost.py SEARCH_OUTPUT SPACE.nas BEST.nas [nasc info options: --space NAME]
"""
import re
import subprocess
import sys

out, space, best = sys.argv[1:4]
extra = sys.argv[4:]
ids = [l.split(" ", 1)[1].strip() for l in open(out) if l.startswith("best: ")]
if len(ids) != 1:
    sys.exit("no 'best:' line in " + out)
arch = ids[0].split(";")[0]  # continuous decisions are not structure
line = subprocess.check_output(["nasc", "info", space, *extra, "--arch", arch], text=True).split("\t")
searched = (int(line[2]), int(line[3]))
info = subprocess.check_output(["nasc", "info", best], text=True)
if sum(l.startswith("space ") for l in info.splitlines()) != 1:
    sys.exit("nasc info lists other spaces than the exported network's:\n" + info)
params = re.search(r"params: (\d+) \.\. (\d+)", info)
flops = re.search(r"flops: (\d+) \.\. (\d+)", info)
exported = (int(params.group(1)), int(flops.group(1)))
if params.group(1) != params.group(2) or exported != searched:
    sys.exit(f"exported network costs {exported}, its architecture {searched}")
print("same cost", searched[0], searched[1])
