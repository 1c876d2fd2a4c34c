"""Two real processes on one run folder.

two_searches.py same-instant CMD...: starts CMD twice at once; prints how
many succeeded and the refused one's error.
two_searches.py resume-while-running LOCK CMD...: starts CMD, waits until
it holds LOCK (its pid written there), then starts CMD --resume; prints the
second's error and the first's status."""
import os
import subprocess
import sys
import time

mode = sys.argv[1]
if mode == "same-instant":
    cmd = sys.argv[2:]
    procs = [subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    results = [(p.wait(), p.stderr.read()) for p in procs]
    ok = [r for r in results if r[0] == 0]
    refused = [r for r in results if r[0] != 0]
    print(f"succeeded: {len(ok)}; refused: {len(refused)}")
    for status, err in refused:
        print(f"status {status}: {err.strip().splitlines()[-1]}")
else:
    lock, cmd = sys.argv[2], sys.argv[3:]
    first = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    deadline = time.time() + 120
    while time.time() < deadline:
        if os.path.exists(lock) and open(lock).read().strip() == str(first.pid):
            break
        if first.poll() is not None:
            sys.exit("the first search ended before it held the lock: " + first.stderr.read())
        time.sleep(0.05)
    second = subprocess.run(cmd + ["--resume"], capture_output=True, text=True)
    print(f"second: status {second.returncode}: {second.stderr.strip().splitlines()[-1]}")
    print(f"first: status {first.wait()}")
