#!/usr/bin/env python3
"""asr-parity worker protocol 1 over stdin/stdout (JSON Lines), for the PyTorch Whisper engine.

Requests: hello, load, transcribe, forcedLogits, memory, dispose (see README, "Worker protocol",
and backends/worker/protocol.schema.json). Logs go to stderr; stdout carries only responses,
so anything a library prints is redirected to stderr before torch is imported.
"""

import base64
import json
import os
import struct
import sys
import time
import traceback

PROTOCOL = 1
sys.dont_write_bytecode = True  # no __pycache__ in the checkout: a run must not dirty it
OUT = sys.stdout
sys.stdout = sys.stderr  # a stray print() must not corrupt the protocol stream
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import torch  # noqa: E402

from ggml_file import ModelFileError  # noqa: E402
from whisper_torch import DTYPES, STACK_NOTES, WhisperTorch  # noqa: E402


class WorkerError(Exception):
    def __init__(self, code, input_, problem, hint=None):
        super().__init__(problem)
        self.code, self.input, self.problem, self.hint = code, input_, problem, hint


def send(obj):
    OUT.write(json.dumps(obj, separators=(",", ":")) + "\n")
    OUT.flush()


def read_wav(path):
    """A 16 kHz mono WAV as the harness writes it: 32-bit float (format 3) or 16-bit PCM."""
    with open(path, "rb") as f:
        b = f.read()
    if b[:4] != b"RIFF" or b[8:12] != b"WAVE":
        raise WorkerError("AUDIO_INPUT", path, "not a WAV file")
    i, fmt, data = 12, None, None
    while i + 8 <= len(b):
        cid, n = b[i:i + 4], struct.unpack("<I", b[i + 4:i + 8])[0]
        if cid == b"fmt ":
            fmt = struct.unpack("<HHIIHH", b[i + 8:i + 24])
        elif cid == b"data":
            data = b[i + 8:i + 8 + n]
        i += 8 + n + (n & 1)
    if fmt is None or data is None:
        raise WorkerError("AUDIO_INPUT", path, "WAV without fmt or data chunk")
    tag, channels, rate, _, _, bits = fmt
    if channels != 1 or rate != 16000:
        raise WorkerError("AUDIO_INPUT", path, f"{channels} channels at {rate} Hz: the protocol sends 16 kHz mono")
    if tag == 3 and bits == 32:
        return np.frombuffer(data, "<f4")
    if tag == 1 and bits == 16:
        return np.frombuffer(data, "<i2").astype(np.float32) / 32768.0
    raise WorkerError("AUDIO_INPUT", path, f"WAV format {tag} with {bits} bits is not supported")


def audio_of(req):
    a = req.get("audio") or {}
    if "path" in a:
        return read_wav(a["path"])
    if "samples" in a:
        return np.frombuffer(base64.b64decode(a["samples"]), "<f4")
    raise WorkerError("USAGE", req["op"], "audio needs a path or samples")


class Engine:
    def __init__(self):
        self.model = None
        self.language = "en"

    def loaded(self, op):
        if self.model is None:
            raise WorkerError("INFERENCE", op, "no model loaded (or it was disposed)", "send load first")
        return self.model

    def hello(self, req):
        return {"protocol": PROTOCOL, "engine": "asr-parity torch whisper", "engineVersion": f"torch {torch.__version__}"}

    def load(self, req):
        device = req.get("device") or "cpu"
        dtype = req.get("dtype") or "float32"
        if dtype not in DTYPES:
            raise WorkerError("USAGE", f"dtype {dtype}", f"not one of {', '.join(DTYPES)}")
        if device.startswith("npu"):
            try:
                import torch_npu  # noqa: F401  (only when an NPU is asked for: not installed elsewhere)
            except ImportError as e:
                raise WorkerError("BACKEND_UNAVAILABLE", device, f"torch_npu is not installed ({e})", "install torch_npu with the CANN toolkit")
        elif device.startswith("cuda") and not torch.cuda.is_available():
            raise WorkerError("BACKEND_UNAVAILABLE", device, "torch sees no CUDA device", "run on a machine with a GPU and a CUDA build of torch")
        elif device != "cpu" and not device.startswith(("cuda", "npu")):
            raise WorkerError("USAGE", f"device {device}", "not cpu, cuda:N or npu:N")
        if device == "cpu" and dtype == "float16":
            try:
                torch.ones(2, 2, dtype=torch.float16) @ torch.ones(2, 2, dtype=torch.float16)
            except RuntimeError as e:
                raise WorkerError("BACKEND_UNAVAILABLE", "float16 on cpu", f"torch {torch.__version__} cannot multiply float16 matrices on the CPU ({e})", "use bfloat16 on the CPU, or float16 on a GPU/NPU")
        if not req.get("model"):
            raise WorkerError("MODEL", "model", "no model given", "set the entry's model")
        if req.get("language"):
            self.language = req["language"]
        try:
            options = req.get("options") or {}
            self.model = WhisperTorch(req["model"], device=device, dtype=dtype, threads=req.get("threads"), emulate_flash_attn_padding=bool(options.get("emulateWhisperCppFlashAttnPadding")))
        except FileNotFoundError:
            raise WorkerError("MODEL", req["model"], "model file or folder not found")
        except ModelFileError as e:
            raise WorkerError("MODEL", e.path or req["model"], str(e), "give a whisper.cpp ggml f32/f16 file or a transformers Whisper folder (config.json, model.safetensors, vocab.json)")
        m = self.model
        caps = ["tokens", "forced-logits"] + ([] if device == "cpu" else ["device-memory"])
        description = {
            "engine": "torch (asr-parity workers/torch)",
            "torchVersion": torch.__version__,
            "device": device,
            "dtype": dtype,
            "model": os.path.basename(req["model"]),
            "modelPath": os.path.abspath(req["model"]),
            "modelFormat": m.file.format,
            "modelBytes": m.file.bytes,
            "modelWeightDtype": m.file.weight_dtype,
            **({"modelFtype": m.file.ftype} if m.file.ftype is not None else {}),
            "modelParameters": m.file.parameters,
            "threads": torch.get_num_threads(),
            "language": self.language,
            "greedy": True,
            "temperatureFallback": False,
            "noTimestamps": True,
            **STACK_NOTES,
            "emulatesWhisperCppFlashAttnPadding": bool(m.audio_pad),
        }
        return {"loadMs": m.load_ms, "description": description, "capabilities": caps}

    def transcribe(self, req):
        m = self.loaded("transcribe")
        with torch.no_grad():
            return m.transcribe(audio_of(req), self.language)

    def forcedLogits(self, req):  # noqa: N802 (protocol op name)
        m = self.loaded("forcedLogits")
        tokens = req.get("tokens")
        if not isinstance(tokens, list) or not all(isinstance(t, int) for t in tokens):
            raise WorkerError("USAGE", "forcedLogits", "tokens must be a list of integers")
        try:
            with torch.no_grad():
                rows = m.forced_logits(audio_of(req), tokens, self.language)
        except ValueError as e:
            raise WorkerError("INFERENCE", "forcedLogits", str(e))
        return {"steps": int(rows.shape[0]), "vocab": int(rows.shape[1]), "dtype": "float32", "base64": base64.b64encode(rows.tobytes()).decode("ascii")}

    def memory(self, req):
        m = self.loaded("memory")
        d = m.device
        if d.type == "cuda":
            return {"allocatedBytes": torch.cuda.memory_allocated(d), "reservedBytes": torch.cuda.memory_reserved(d), "peakBytes": torch.cuda.max_memory_allocated(d), "totalBytes": torch.cuda.get_device_properties(d).total_memory}
        if d.type == "npu":
            npu = torch.npu  # registered by torch_npu
            return {"allocatedBytes": npu.memory_allocated(d), "reservedBytes": npu.memory_reserved(d), "peakBytes": npu.max_memory_allocated(d), "totalBytes": npu.get_device_properties(d).total_memory}
        return {}

    def dispose(self, req):
        self.model = None
        return None


def main():
    engine = Engine()
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            req = json.loads(line)
            rid = req["id"]
        except (ValueError, KeyError, TypeError):
            print(f"asr-parity torch worker: unreadable request: {line[:200]!r}", file=sys.stderr)
            continue
        op = req.get("op")
        handler = getattr(engine, op, None) if op in ("hello", "load", "transcribe", "forcedLogits", "memory", "dispose") else None
        try:
            if handler is None:
                raise WorkerError("USAGE", str(op), "unknown op", "this worker speaks protocol 1: hello, load, transcribe, forcedLogits, memory, dispose")
            send({"id": rid, "ok": True, "value": handler(req)})
        except WorkerError as e:
            send({"id": rid, "ok": False, "error": {"code": e.code, "input": e.input, "problem": e.problem, **({"hint": e.hint} if e.hint else {})}})
        except Exception as e:  # a bug: typed on stdout, the stack trace on stderr
            traceback.print_exc(file=sys.stderr)
            send({"id": rid, "ok": False, "error": {"code": "INFERENCE", "input": str(op), "problem": f"{type(e).__name__}: {e}"}})
        if op == "dispose":
            break


if __name__ == "__main__":
    main()
