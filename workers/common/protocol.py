"""asr-parity worker protocol 1 over stdin/stdout (JSON Lines): what every Python worker here
shares (workers/torch, workers/transformers). The request loop, responses, typed errors and audio
decoding; the engine is an object with one method per op (hello, load, transcribe, forcedLogits,
memory, dispose), each taking the request and returning the response's value; tensors (per-module tensors, for
localization: workers/common/tensor_tap.py) detectLanguage (language identification) and transcribeBatch (several audios in one batch) are optional.

Importing this module moves sys.stdout to stderr, so a library's print() (imported after it)
cannot corrupt the protocol stream; responses go to the real stdout. See README, "Worker
protocol", and backends/worker/protocol.schema.json (every line a worker writes is checked
against it by the harness as it arrives).
"""

import base64
import json
import struct
import sys
import traceback
import warnings

import numpy as np

PROTOCOL = 1
OPS = ("hello", "load", "transcribe", "transcribeBatch", "forcedLogits", "tensors", "detectLanguage", "memory", "dispose")

OUT = sys.stdout
sys.stdout = sys.stderr  # a stray print() must not corrupt the protocol stream


def _warning_on_one_line(message, category, filename, lineno, file=None, line=None):
    # a Python warning (torch's "... will fall back to run on the CPU" among them) as one stderr
    # line, whatever newlines its message holds: the harness reads stderr line by line for
    # fallback warnings (backends/worker/fallback-warnings.ts), and the source line Python adds
    # after it would only be noise there
    print(f"{filename}:{lineno}: {category.__name__}: {' '.join(str(message).split())}", file=sys.stderr, flush=True)


warnings.showwarning = _warning_on_one_line


class WorkerError(Exception):
    """An error the harness rebuilds as the typed error of harness/errors.ts named by `code`."""

    def __init__(self, code, input_, problem, hint=None):
        super().__init__(problem)
        self.code, self.input, self.problem, self.hint = code, input_, problem, hint

    def wire(self):
        # the schema's "input" is a string when present: an error about no particular input leaves it out (null was a protocol failure)
        return {"code": self.code, **({"input": str(self.input)} if self.input is not None else {}), "problem": self.problem, **({"hint": self.hint} if self.hint else {})}


class Engine:
    """What every worker's engine answers alike: hello (with its `engine` name), the loaded-model
    check, dispose. A worker subclasses it with load, transcribe, forcedLogits and memory."""

    engine = "asr-parity worker"
    engine_version = None

    def __init__(self):
        self.model = None
        self.language = "en"

    def loaded(self, op):
        if self.model is None:
            raise WorkerError("INFERENCE", op, "no model loaded (or it was disposed)", "send load first")
        return self.model

    def hello(self, req):
        return {"protocol": PROTOCOL, "engine": self.engine, **({"engineVersion": self.engine_version} if self.engine_version else {})}

    def dispose(self, req):
        self.model = None
        return None


def send(obj, out=None):
    out = out or OUT
    out.write(json.dumps(obj, separators=(",", ":")) + "\n")
    out.flush()


def read_wav(path):
    """A 16 kHz mono WAV as the harness writes it: 32-bit float (format 3) or 16-bit PCM."""
    try:
        with open(path, "rb") as f:
            b = f.read()
    except OSError as e:
        raise WorkerError("AUDIO_INPUT", path, f"cannot read: {e.strerror}")
    if b[:4] != b"RIFF" or b[8:12] != b"WAVE":
        raise WorkerError("AUDIO_INPUT", path, "not a WAV file")
    i, fmt, data = 12, None, None
    while i + 8 <= len(b):
        cid, n = b[i:i + 4], struct.unpack("<I", b[i + 4:i + 8])[0]
        if cid == b"fmt " and n >= 16:
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
        return np.frombuffer(data[: len(data) // 4 * 4], "<f4")
    if tag == 1 and bits == 16:
        return np.frombuffer(data[: len(data) // 2 * 2], "<i2").astype(np.float32) / 32768.0
    raise WorkerError("AUDIO_INPUT", path, f"WAV format {tag} with {bits} bits is not supported")


def audio_of(req):
    """The request's audio as float32 samples: a WAV path, or base64 little-endian float32 inline."""
    a = req.get("audio") or {}
    if "path" in a:
        return read_wav(a["path"])
    if "samples" in a:
        raw = base64.b64decode(a["samples"])
        if len(raw) % 4:
            raise WorkerError("AUDIO_INPUT", req.get("op", "audio"), f"{len(raw)} bytes of samples: not whole float32 values")
        return np.frombuffer(raw, "<f4")
    raise WorkerError("USAGE", req.get("op", "audio"), "audio needs a path or samples")


def token_list(req):
    tokens = req.get("tokens")
    if not isinstance(tokens, list) or not all(isinstance(t, int) and not isinstance(t, bool) for t in tokens):
        raise WorkerError("USAGE", "forcedLogits", "tokens must be a list of integers")
    return tokens


def logit_rows(rows):
    """forcedLogits' value from a [steps, vocab] array: little-endian float32, row-major, base64."""
    rows = np.ascontiguousarray(rows, dtype="<f4")
    return {"steps": int(rows.shape[0]), "vocab": int(rows.shape[1]), "dtype": "float32", "base64": base64.b64encode(rows.tobytes()).decode("ascii")}


def serve(engine, name, stdin=None, out=None):
    """Answers requests until dispose or end of input: one response line per request, in order.
    A WorkerError is answered as the typed error it names; any other exception is a bug,
    answered as INFERENCE with its stack trace on stderr; the loop lives on after both."""
    for line in stdin or sys.stdin:
        if not line.strip():
            continue
        try:
            req = json.loads(line)
            rid = req["id"]
        except (ValueError, KeyError, TypeError):
            print(f"{name}: unreadable request: {line[:200]!r}", file=sys.stderr)
            continue
        op = req.get("op")
        handler = getattr(engine, op, None) if op in OPS else None
        try:
            if handler is None:
                raise WorkerError("USAGE", str(op), "unknown op", f"this worker speaks protocol {PROTOCOL}: {', '.join(OPS)}")
            send({"id": rid, "ok": True, "value": handler(req)}, out)
        except WorkerError as e:
            send({"id": rid, "ok": False, "error": e.wire()}, out)
        except Exception as e:  # a bug: typed on stdout, the stack trace on stderr
            traceback.print_exc(file=sys.stderr)
            send({"id": rid, "ok": False, "error": {"code": "INFERENCE", "input": str(op), "problem": f"{type(e).__name__}: {e}"}}, out)
        if op == "dispose":
            break
