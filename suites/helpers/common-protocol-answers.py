"""What workers/common/protocol.py itself writes, for suites/python-workers.test.ts to check against
the protocol schema: its hello, its forcedLogits encoding, dispose, and every kind of error answer
(a WorkerError with and without an input, a bug, an unknown op, a request before load). The engine
here is a stand-in that only calls protocol.py's own helpers; each answer is one line on stdout."""

import json
import os
import sys

import numpy as np

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "workers", "common"))
import protocol  # noqa: E402
from protocol import Engine, WorkerError, logit_rows, serve, token_list  # noqa: E402


class StandIn(Engine):
    engine = "common-protocol stand-in"
    engine_version = "1"

    def load(self, req):
        raise WorkerError("MODEL", req.get("model"), "no such model")  # req has no model: input None

    def transcribe(self, req):
        self.loaded("transcribe")

    def forcedLogits(self, req):  # noqa: N802
        return logit_rows(np.arange(len(token_list(req)) * 3 + 3, dtype="f4").reshape(-1, 3))

    def memory(self, req):
        raise RuntimeError("a bug in the engine")


requests = [
    {"id": 1, "op": "hello", "protocol": 1},
    {"id": 2, "op": "load"},
    {"id": 3, "op": "transcribe", "audio": {"samples": ""}},
    {"id": 4, "op": "forcedLogits", "audio": {"samples": ""}, "tokens": [5, 6]},
    {"id": 5, "op": "forcedLogits", "audio": {"samples": ""}, "tokens": "not a list"},
    {"id": 6, "op": "memory"},
    {"id": 7, "op": "no-such-op"},
    {"id": 8, "op": "dispose"},
]
serve(StandIn(), "stand-in", stdin=[json.dumps(r) + "\n" for r in requests], out=protocol.OUT)
