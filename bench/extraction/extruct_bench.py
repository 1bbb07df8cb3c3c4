#!/usr/bin/python3
"""extruct_bench.py DATA_DIR [SECONDS]

The reference side of the extraction benchmark: python3-lxml + python3-extruct (Debian packages;
bench/extraction/install-bench-deps installs them) parse and extract the same saved zyte pages
that extraction_bench runs on, one thread, pages decoded to str up front. Syntaxes: JSON-LD,
microdata, OpenGraph, RDFa (what extruct offers for product data; microformats and Dublin Core
left out, which only makes it faster). Prints pages/s like extraction_bench.
"""
import gzip
import json
import sys
import time

import extruct


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    data = sys.argv[1]
    seconds = float(sys.argv[2]) if len(sys.argv) > 2 else 10.0
    truth = json.load(open(f"{data}/zyte/ground-truth.json"))
    pages = []
    for key, v in truth.items():
        raw = gzip.open(f"{data}/zyte/html/{key}.html.gz").read()
        pages.append((raw.decode("utf-8", "replace"), v.get("url", "")))
    start = time.perf_counter()
    done = rounds = 0
    while rounds < 1000:  # bounded whatever SECONDS says
        for html, url in pages:
            extruct.extract(html, base_url=url, syntaxes=["json-ld", "microdata", "opengraph", "rdfa"],
                            uniform=True)
            done += 1
        rounds += 1
        if time.perf_counter() - start >= seconds:
            break
    elapsed = time.perf_counter() - start
    print(f"pages={len(pages)} rounds={rounds} extracted={done} seconds={elapsed:.2f}")
    print(f"pages/s (1 core): {done / elapsed:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
