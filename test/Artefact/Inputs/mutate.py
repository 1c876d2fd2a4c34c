"""Makes damaged copies of an artefact for the reader's tests.

mutate.py IN OUT KIND [ARG]: truncate N | flip OFFSET | version V | garbage |
trailing | payload JSON-EDIT (valid header and checksum around an edited
payload: 'drop:KEY' removes a top-level key, 'node-forward' makes a node read
a later one, 'unknown-op' renames an op a layer uses, 'set:a.0.b=JSON' sets
one value, 'deep:N' nests an input shape N operations deep)."""
import json
import sys
import zlib


def write(path, payload_text):
    body = payload_text if payload_text.endswith("\n") else payload_text + "\n"
    data = body.encode()
    with open(path, "wb") as f:
        f.write(b"NASA 1 %d %08x\n" % (len(data), zlib.crc32(data)))
        f.write(data)


def main():
    src, dst, kind = sys.argv[1:4]
    arg = sys.argv[4] if len(sys.argv) > 4 else None
    raw = open(src, "rb").read()
    header, body = raw.split(b"\n", 1)
    if kind == "truncate":
        open(dst, "wb").write(raw[: int(arg)])
    elif kind == "flip":
        b = bytearray(raw)
        b[int(arg)] ^= 0x20
        open(dst, "wb").write(bytes(b))
    elif kind == "version":
        open(dst, "wb").write(header.replace(b"NASA 1 ", b"NASA %s " % arg.encode(), 1) + b"\n" + body)
    elif kind == "garbage":
        open(dst, "wb").write(b"\x7fELF not an artefact\n")
    elif kind == "trailing":
        open(dst, "wb").write(raw + b"extra")
    elif kind == "payload":
        p = json.loads(body)
        if arg.startswith("drop:"):
            del p[arg[5:]]
        elif arg == "node-forward":
            nodes = p["spaces"][0]["nodes"]
            nodes[3]["inputs"] = [len(nodes) - 1]
        elif arg == "unknown-op":
            p["ops"]["conv_renamed"] = p["ops"].pop("conv")
        elif arg.startswith("set:"):
            # set:a.0.b=JSON sets p["a"][0]["b"]
            path, value = arg[4:].split("=", 1)
            keys = [int(k) if k.isdigit() else k for k in path.split(".")]
            parent = p
            for k in keys[:-1]:
                parent = parent[k]
            parent[keys[-1]] = json.loads(value)
        elif arg.startswith("deep:"):
            # deep:N: the first input's shape[0] becomes a tree N operations deep
            # (written as text: json.dumps itself cannot nest that deep)
            n = int(arg[5:])
            p["spaces"][0]["inputs"][0]["shape"][0] = "DEEP"
            deep = '{"op":"arith.addi","args":[' * n + "1" + ",1]}" * n
            write(dst, json.dumps(p).replace('"DEEP"', deep, 1))
            return
        write(dst, json.dumps(p))
    else:
        sys.exit("mutate.py: unknown kind " + kind)


main()
