#!/usr/bin/env python3
# A complete asr-parity worker (protocol 1), standard library only. It "transcribes" by saying
# how loud each second of audio is: replace transcribe() with a real engine.
import array, base64, json, math, sys, time

def transcribe(samples):
    seconds = [samples[i:i + 16000] for i in range(0, len(samples), 16000)]
    return " ".join("loud" if math.sqrt(sum(x * x for x in s) / len(s)) > 0.05 else "quiet" for s in seconds)

for line in sys.stdin:
    req = json.loads(line)
    op, value = req["op"], None
    if op == "hello":
        value = {"protocol": 1, "engine": "loudness"}
    elif op == "load":
        value = {"loadMs": 0, "description": {"engine": "loudness"}, "capabilities": []}
    elif op == "transcribe":
        t0 = time.perf_counter()
        text = transcribe(array.array("f", base64.b64decode(req["audio"]["samples"])))
        value = {"text": text, "timings": {"totalMs": (time.perf_counter() - t0) * 1000}}
    elif op != "dispose":
        print(json.dumps({"id": req["id"], "ok": False, "error": {"code": "USAGE", "problem": f"unknown op {op}"}}), flush=True)
        continue
    print(json.dumps({"id": req["id"], "ok": True, "value": value}), flush=True)
    if op == "dispose":
        break
