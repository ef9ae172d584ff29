#!/usr/bin/env python3
"""Writes openai/whisper's own normalizer outputs for a list of sentences, the expected values of
harness/score/whisper-normalizer.test.ts. Needs whisper's normalizers importable (pip install
openai-whisper, or PYTHONPATH at a checkout), plus the `regex` and `more_itertools` modules.

    python3 bin/whisper-normalizer-oracle.py harness/score/whisper-normalizer.cases.json

reads {"inputs": [...]} from that file and writes back {"inputs", "english", "basic", "producedBy"}.
"""
import json
import platform
import sys
import unicodedata

from whisper.normalizers import BasicTextNormalizer, EnglishTextNormalizer

path = sys.argv[1]
with open(path, encoding="utf-8") as f:
    cases = json.load(f)
english, basic = EnglishTextNormalizer(), BasicTextNormalizer()
cases["english"] = [english(s) for s in cases["inputs"]]
cases["basic"] = [basic(s) for s in cases["inputs"]]
cases["producedBy"] = {
    "python": platform.python_version(),
    "unicodedata": unicodedata.unidata_version,
    "whisper": sys.argv[2] if len(sys.argv) > 2 else "unrecorded",
}
with open(path, "w", encoding="utf-8") as f:
    json.dump(cases, f, ensure_ascii=False, indent=1)
    f.write("\n")
