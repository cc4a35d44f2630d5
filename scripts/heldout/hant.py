#!/usr/bin/env python3
"""Traditional-Chinese twins of the dev corpus, to check that the rules are not
Simplified-only.

Each Simplified dev case (stress and Big5 cases skipped) is decoded, converted with
OpenCC (`s2t`, or `s2twp` for Taiwan phrasing: 列印, 視窗…) and written as UTF-8 with its
expected.json converted the same way (title, source_org, region, articles, chrome
phrases, alternatives); doc_type, period and published stay canonical, script becomes
Hant. Reads the corpus at run time: no corpus text lives in the repo.

    python3 -m pip install opencc-python-reimplemented
    python3 scripts/heldout/hant.py /tmp/dev-hant [s2t|s2twp]
    python3 ../shared/tools/extract-eval/report_eval.py /tmp/dev-hant \
        --cmd-batch 'target/release/report-ingest extract --jsonl {list_file}' --per-page
"""
import json
import os
import re
import shutil
import sys

from opencc import OpenCC

HERE = os.path.dirname(os.path.abspath(__file__))
SRC = os.environ.get("CORPUS_DEV", os.path.join(HERE, "..", "..", "..", "shared", "corpus", "dev"))
CANONICAL = ("doc_type", "period", "published", "script")


def main() -> None:
    out = sys.argv[1]
    conf = sys.argv[2] if len(sys.argv) > 2 else "s2t"
    cc = OpenCC(conf)

    def conv(v):
        if isinstance(v, str):
            return cc.convert(v)
        if isinstance(v, list):
            return [conv(x) for x in v]
        if isinstance(v, dict):
            return {k: conv(x) for k, x in v.items()}
        return v

    shutil.rmtree(out, ignore_errors=True)
    os.makedirs(out)
    n = 0
    for name in sorted(os.listdir(SRC)):
        if name.startswith("stress") or "big5" in name:
            continue
        exp = json.load(open(os.path.join(SRC, name, "expected.json"), encoding="utf-8"))
        if exp.get("script") != "Hans":
            continue
        raw = open(os.path.join(SRC, name, "source.html"), "rb").read()
        html = cc.convert(raw.decode(exp["charset"]))
        html = re.sub(r"(?i)charset\s*=\s*[\"']?(gbk|gb2312|gb18030|utf-8)", "charset=utf-8", html)
        twin = dict(exp)
        for k in ("title", "source_org", "region", "articles", "chrome_phrases", "alternatives"):
            if exp.get(k) is not None:
                twin[k] = conv(exp[k])
        if isinstance(exp.get("alternatives"), dict):
            for k in CANONICAL:
                if k in exp["alternatives"]:
                    twin["alternatives"][k] = exp["alternatives"][k]
        twin.update(script="Hant", charset="utf-8", declared_charset="utf-8")
        case = os.path.join(out, f"{name}-hant")
        os.makedirs(case)
        open(os.path.join(case, "source.html"), "w", encoding="utf-8").write(html)
        json.dump(twin, open(os.path.join(case, "expected.json"), "w", encoding="utf-8"),
                  ensure_ascii=False, indent=1)
        n += 1
    print(f"{n} cases in {out} ({conf})")


if __name__ == "__main__":
    main()
