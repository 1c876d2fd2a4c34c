"""Seeds of fuzz_lsp: for each of the first LIMIT .nas paths read from stdin (all
of stdin is read), one framed LSP
session (initialize, open the source, hover / definition / completion at a
few places, an edit, shutdown, exit) written to DIR/NNN-NAME.lsp."""
import json
import os
import sys


def frame(msg):
    body = json.dumps(msg).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def session(text):
    uri = "file:///tmp/fuzz-lsp/main.nas"
    lines = text.split("\n")
    msgs = [{"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"capabilities": {}}},
            {"jsonrpc": "2.0", "method": "initialized", "params": {}},
            {"jsonrpc": "2.0", "method": "textDocument/didOpen",
             "params": {"textDocument": {"uri": uri, "languageId": "nas", "version": 1, "text": text}}}]
    n = 2
    for line in range(0, len(lines), max(1, len(lines) // 4)):
        col = len(lines[line]) // 2
        for method in ("textDocument/hover", "textDocument/definition", "textDocument/completion"):
            msgs.append({"jsonrpc": "2.0", "id": n, "method": method,
                         "params": {"textDocument": {"uri": uri}, "position": {"line": line, "character": col}}})
            n += 1
    msgs.append({"jsonrpc": "2.0", "method": "textDocument/didChange",
                 "params": {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": text[: len(text) // 2]}]}})
    msgs += [{"jsonrpc": "2.0", "id": n, "method": "shutdown"}, {"jsonrpc": "2.0", "method": "exit"}]
    return b"".join(frame(m) for m in msgs)


out = sys.argv[1]
limit = int(sys.argv[2]) if len(sys.argv) > 2 else None
paths = [line.strip() for line in sys.stdin if line.strip()][:limit]
for i, path in enumerate(paths):
    with open(path, encoding="utf-8", errors="replace") as f:
        data = session(f.read())
    if len(data) <= 65536:
        with open(os.path.join(out, "%03d-%s.lsp" % (i, os.path.basename(path))), "wb") as f:
            f.write(data)
