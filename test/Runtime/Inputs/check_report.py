"""Checks a page `nasc report` wrote against its run's store: offline (no
URL it would fetch), one table row per stored evaluation; with --browser,
opens it in headless Chromium: the script ran without a JavaScript error,
sorting works, curves are drawn; saves a screenshot beside the page.

    check_report.py REPORT.html SEARCH.db [--browser]
"""
import os
import re
import sqlite3
import subprocess
import sys
import tempfile

page, db = sys.argv[1], sys.argv[2]
html = open(page, encoding="utf-8").read()
rows = sqlite3.connect("file:" + db + "?mode=ro", uri=True).execute("SELECT count(*) FROM evaluations").fetchone()[0]

fetches = re.findall(r"""(?:src|href)\s*=\s*["']?(?:https?:|//)|url\(\s*["']?https?:|@import""", html)
assert not fetches, f"the page would fetch something: {fetches[:3]}"
table_rows = len(re.findall(r'<tr class="row', html))
assert table_rows == rows, f"{table_rows} table rows, {rows} evaluations in the store"
print(f"offline page, {table_rows} rows = {rows} evaluations")

if "--browser" in sys.argv:
    with tempfile.TemporaryDirectory() as profile:
        common = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                  f"--user-data-dir={profile}"]
        url = "file://" + os.path.abspath(page)
        dom = subprocess.run(common + ["--dump-dom", url + "#selftest"], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True, timeout=120).stdout
        body = re.search(r"<body[^>]*>", dom).group(0)
        assert 'data-js-error' not in body, f"JavaScript error: {body}"
        assert 'data-ready="1"' in body, f"the script did not finish: {body}"
        first = re.search(r'data-sort-check="(\d+)"', body)
        assert first and int(first.group(1)) == rows, f"sorting by # descending put {first and first.group(1)} first"
        curves = len(re.findall(r'<path class="curve"', dom))
        assert curves >= 2, f"{curves} curves drawn"
        shot = os.path.splitext(page)[0] + ".png"
        subprocess.run(common + ["--window-size=1360,2400", f"--screenshot={shot}", url], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, timeout=120, check=True)
        assert os.path.getsize(shot) > 20000, "the screenshot is nearly empty"
        print(f"in Chromium: script ran, sorting works, {curves} curves drawn; screenshot {os.path.basename(shot)}")
