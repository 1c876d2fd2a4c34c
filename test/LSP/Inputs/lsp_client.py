"""A scripted LSP client for lit: starts `nasc lsp`, sends the messages of a
script (one JSON object per line; @DIR@ is replaced by the script's folder,
@FILE@ by the path given with --file and @TEXT@ by that file's text as a JSON
string), waits for the answer to each request, and prints every message the
server sends as one line of JSON with sorted keys, for FileCheck.

    lsp_client.py SCRIPT --file F [-- nasc lsp ...]
"""
import json
import os
import subprocess
import sys


def read(proc):
    length = None
    while True:
        line = proc.stdout.readline()
        if not line:
            return None
        line = line.strip()
        if not line:
            if length is not None:
                return json.loads(proc.stdout.read(length))
            continue
        if line.lower().startswith(b"content-length:"):
            length = int(line.split(b":")[1])


def main():
    args = sys.argv[1:]
    split = args.index("--") if "--" in args else len(args)
    server, args = args[split + 1:] or ["nasc", "lsp"], args[:split]
    script, path = args[0], args[args.index("--file") + 1]
    text = open(path).read()
    proc = subprocess.Popen(server, stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    for line in open(script):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        line = (line.replace("@DIR@", os.path.dirname(os.path.abspath(script)))
                .replace("@FILE@", os.path.abspath(path)).replace("@TEXT@", json.dumps(text)))
        msg = json.loads(line)
        body = json.dumps(msg).encode()
        proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        proc.stdin.flush()
        if msg.get("method") in ("textDocument/didOpen", "textDocument/didChange", "textDocument/didClose"):
            print(json.dumps(read(proc), sort_keys=True))  # the diagnostics it publishes
        elif "id" in msg:
            while True:
                got = read(proc)
                if got is None:
                    print("<server closed its output>")
                    break
                print(json.dumps(got, sort_keys=True))
                if got.get("id") == msg["id"]:
                    break
    proc.stdin.close()
    status = proc.wait(timeout=30)
    print(f"exit status {status}")


main()
