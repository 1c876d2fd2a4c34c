# Every decision vector of a small space (FILE SPACE name=v1|v2|... ...),
# given to `nasc info --archs`: prints how many vectors and how many
# distinct architectures (canonical IDs) they are.
import itertools, os, subprocess, sys, tempfile

path, space, domains = sys.argv[1], sys.argv[2], [a.split('=', 1) for a in sys.argv[3:]]
names = [n for n, _ in domains]
values = [v.split('|') for _, v in domains]
ids = [','.join(f'{n}={v}' for n, v in zip(names, combo)) for combo in itertools.product(*values)]
with tempfile.NamedTemporaryFile('w', suffix='.ids', delete=False) as f:
    f.write('\n'.join(ids) + '\n')
try:
    out = subprocess.run(['nasc', 'info', '--space', space, '--archs', f.name, path], capture_output=True, text=True, check=True)
finally:
    os.unlink(f.name)
canonical = {line.split('\t')[0] for line in out.stdout.splitlines() if '\t' in line}
print(f'{len(ids)} vectors, {len(canonical)} architectures')
