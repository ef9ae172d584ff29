"""The protocol code both Python workers run (workers/torch, workers/transformers):
/usr/bin/python3 -m unittest discover workers/common"""

import base64
import io
import json
import os
import struct
import sys
import tempfile
import unittest

import numpy as np

sys.dont_write_bytecode = True
import protocol  # noqa: E402
from protocol import WorkerError, audio_of, logit_rows, read_wav, serve, token_list  # noqa: E402


def wav(samples, rate=16000, channels=1, fmt=3):
    data = np.asarray(samples, "<f4").tobytes() if fmt == 3 else (np.asarray(samples) * 32767).astype("<i2").tobytes()
    bits = 32 if fmt == 3 else 16
    fmt_chunk = struct.pack("<HHIIHH", fmt, channels, rate, rate * channels * bits // 8, channels * bits // 8, bits)
    body = b"WAVE" + b"fmt " + struct.pack("<I", 16) + fmt_chunk + b"data" + struct.pack("<I", len(data)) + data
    return b"RIFF" + struct.pack("<I", len(body)) + body


class Echo:
    """A fake engine: the protocol loop is what is under test."""

    def hello(self, req):
        return {"protocol": 1, "engine": "echo"}

    def transcribe(self, req):
        a = audio_of(req)
        return {"text": f"{len(a)} samples", "timings": {"totalMs": 1.0}}

    def forcedLogits(self, req):  # noqa: N802
        return logit_rows(np.arange(len(token_list(req)) * 2 + 2, dtype="f4").reshape(-1, 2))

    def load(self, req):
        raise WorkerError("MODEL", req.get("model"), "no such model", "give another")

    def memory(self, req):
        raise RuntimeError("a bug")

    def dispose(self, req):
        return None


def run(lines):
    out = io.StringIO()
    serve(Echo(), "test worker", stdin=io.StringIO("".join(l + "\n" for l in lines)), out=out)
    return [json.loads(l) for l in out.getvalue().splitlines()]


class ServeTest(unittest.TestCase):
    def test_answers_each_request_in_order_with_values_typed_errors_and_bugs(self):
        samples = base64.b64encode(np.zeros(160, "<f4").tobytes()).decode()
        r = run([
            json.dumps({"id": 1, "op": "hello", "protocol": 1}),
            "not json at all",
            "",
            json.dumps({"id": 2, "op": "transcribe", "audio": {"samples": samples, "sampleRate": 16000}}),
            json.dumps({"id": 3, "op": "load", "model": "m.bin"}),
            json.dumps({"id": 4, "op": "memory"}),
            json.dumps({"id": 5, "op": "measure"}),
            json.dumps({"id": 6, "op": "forcedLogits", "tokens": [1, 2], "audio": {"samples": samples}}),
            json.dumps({"id": 7, "op": "forcedLogits", "tokens": [1, "x"]}),
            json.dumps({"id": 8, "op": "dispose"}),
            json.dumps({"id": 9, "op": "hello"}),
        ])
        self.assertEqual([m["id"] for m in r], [1, 2, 3, 4, 5, 6, 7, 8])  # unreadable line skipped; nothing after dispose
        self.assertEqual(r[0], {"id": 1, "ok": True, "value": {"protocol": 1, "engine": "echo"}})
        self.assertEqual(r[1]["value"]["text"], "160 samples")
        self.assertEqual(r[2], {"id": 3, "ok": False, "error": {"code": "MODEL", "input": "m.bin", "problem": "no such model", "hint": "give another"}})
        self.assertEqual(r[3]["error"]["code"], "INFERENCE")
        self.assertIn("RuntimeError: a bug", r[3]["error"]["problem"])
        self.assertEqual((r[4]["error"]["code"], r[4]["error"]["problem"]), ("USAGE", "unknown op"))
        v = r[5]["value"]
        self.assertEqual((v["steps"], v["vocab"], v["dtype"]), (3, 2, "float32"))
        self.assertEqual(np.frombuffer(base64.b64decode(v["base64"]), "<f4").tolist(), [0, 1, 2, 3, 4, 5])
        self.assertEqual(r[6]["error"]["code"], "USAGE")
        self.assertEqual(r[7], {"id": 8, "ok": True, "value": None})

    def test_importing_it_moves_stdout_aside(self):
        self.assertIs(sys.stdout, sys.stderr)
        self.assertIsNot(protocol.OUT, sys.stderr)


class EngineBaseTest(unittest.TestCase):
    def test_hello_names_the_engine_and_calls_before_load_or_after_dispose_are_refused(self):
        class Named(protocol.Engine):
            engine, engine_version = "named", "v1"

            def load(self, req):
                self.model = object()
                return {"loadMs": 0, "description": {}}

        out = io.StringIO()
        lines = [{"id": 1, "op": "hello"}, {"id": 2, "op": "transcribe"}, {"id": 3, "op": "load"}, {"id": 4, "op": "dispose"}]
        serve(Named(), "t", stdin=io.StringIO("".join(json.dumps(l) + "\n" for l in lines)), out=out)
        r = [json.loads(l) for l in out.getvalue().splitlines()]
        self.assertEqual(r[0]["value"], {"protocol": 1, "engine": "named", "engineVersion": "v1"})
        # transcribe is not the base's: unknown op; the check a subclass calls is loaded()
        self.assertEqual(r[1]["error"]["code"], "USAGE")
        e = Named()
        with self.assertRaises(WorkerError) as x:
            e.loaded("transcribe")
        self.assertEqual((x.exception.code, x.exception.problem), ("INFERENCE", "no model loaded (or it was disposed)"))
        e.load({})
        self.assertIsNotNone(e.loaded("transcribe"))
        e.dispose({})
        with self.assertRaises(WorkerError):
            e.loaded("transcribe")


class AudioTest(unittest.TestCase):
    def write(self, b):
        f = tempfile.NamedTemporaryFile(suffix=".wav", delete=False)
        f.write(b)
        f.close()
        self.addCleanup(os.remove, f.name)
        return f.name

    def test_float32_and_16_bit_wavs_read_as_samples(self):
        x = [0.0, 0.5, -0.25, 1.0]
        self.assertEqual(read_wav(self.write(wav(x))).tolist(), x)
        np.testing.assert_allclose(read_wav(self.write(wav(x, fmt=1))), x, atol=1 / 32768 + 1e-6)
        p = self.write(wav(x))
        self.assertEqual(audio_of({"audio": {"path": p}}).tolist(), x)

    def test_bad_audio_is_refused_naming_the_file_and_the_problem(self):
        for b, problem in [(wav([0.0] * 4, rate=22050), "1 channels at 22050 Hz"), (wav([0.0] * 4, channels=2), "2 channels"), (b"RIFF\0\0\0\0WAVEjunk", "without fmt or data"), (b"hello", "not a WAV file")]:
            p = self.write(b)
            with self.assertRaises(WorkerError) as e:
                read_wav(p)
            self.assertEqual((e.exception.code, e.exception.input), ("AUDIO_INPUT", p))
            self.assertIn(problem, e.exception.problem)
        with self.assertRaises(WorkerError) as e:
            audio_of({"op": "transcribe", "audio": {"samples": base64.b64encode(b"abc").decode()}})
        self.assertIn("not whole float32 values", e.exception.problem)
        with self.assertRaises(WorkerError) as e:
            audio_of({"op": "transcribe", "audio": {}})
        self.assertEqual(e.exception.code, "USAGE")


if __name__ == "__main__":
    unittest.main()
