#!/usr/bin/env python3
"""asr-parity worker protocol 1 for a Hugging Face transformers Whisper pipeline: the reference
report's own stack (WhisperForConditionalGeneration + WhisperProcessor, torch, torch_npu on an
NPU), for gating a transformers model itself rather than this project's engines.

  {"name": "hf-npu", "backend": "worker", "command": ["python3", "workers/transformers/worker.py"],
   "model": "distil-whisper/distil-large-v3", "worker": {"device": "npu:0", "dtype": "float16"}}

`model` is a folder or a hub id (passed as written). Decoding is transformers' generate, greedy,
language given, no timestamps: its suppression lists come from the model's generation config,
not whisper.cpp's rules, so compare with token parity (teacher forcing suppresses nothing on
either side). One 30 s window per call: the processor truncates longer audio.

NOT RUN on this project's machines (no transformers there); the protocol code it shares with
workers/torch (workers/common) is what the tests run.
"""

import os
import sys
import time

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))

from protocol import Engine, WorkerError, audio_of, logit_rows, serve, token_list  # noqa: E402  (first: moves stdout aside)
import torch  # noqa: E402

from tensor_tap import Plan, Tap, module_paths  # noqa: E402
from torch_device import DTYPES, device_and_dtype, device_memory, reset_peaks  # noqa: E402


class TransformersEngine(Engine):
    engine = "transformers whisper (asr-parity workers/transformers)"
    engine_version = f"torch {torch.__version__}"

    def __init__(self):
        super().__init__()
        self.processor = self.device = None

    def load(self, req):
        device, dtype = device_and_dtype(req)
        try:
            import transformers
            from transformers import WhisperForConditionalGeneration, WhisperProcessor
        except ImportError as e:
            raise WorkerError("BACKEND_UNAVAILABLE", "transformers", f"transformers is not installed for {sys.executable} ({e})", "pip install transformers (and torch_npu for an NPU)")
        if not req.get("model"):
            raise WorkerError("MODEL", "model", "no model given", "set the entry's model: a folder or a hub id")
        if req.get("threads"):
            torch.set_num_threads(req["threads"])
        self.language = req.get("language") or "en"
        t0 = time.perf_counter()
        try:
            self.processor = WhisperProcessor.from_pretrained(req["model"])
            self.model = WhisperForConditionalGeneration.from_pretrained(req["model"], torch_dtype=DTYPES[dtype]).to(device).eval()
        except (OSError, ValueError) as e:
            raise WorkerError("MODEL", req["model"], f"transformers could not load it: {e}")
        self.device = device
        reset_peaks(device)
        return {
            "loadMs": (time.perf_counter() - t0) * 1000,
            "description": {"engine": "transformers", "transformersVersion": transformers.__version__, "torchVersion": torch.__version__, "model": req["model"],
                            "device": device, "dtype": dtype, "threads": torch.get_num_threads(), "language": self.language, "greedy": True, "noTimestamps": True,
                            "modelParameters": sum(p.numel() for p in self.model.parameters())},
            "capabilities": ["tokens", "forced-logits", "tensors"] + ([] if device == "cpu" else ["device-memory"]),
        }

    def _inputs(self, req):
        feats = self.processor(audio_of(req), sampling_rate=16000, return_tensors="pt").input_features.to(self.device, self.model.dtype)
        prompt = [self.model.config.decoder_start_token_id] + [t for _, t in self.processor.get_decoder_prompt_ids(language=self.language, task="transcribe", no_timestamps=True)]
        return feats, prompt

    def transcribe(self, req):
        model = self.loaded("transcribe")
        feats, prompt = self._inputs(req)
        t0 = time.perf_counter()
        with torch.no_grad():
            out = model.generate(feats, decoder_input_ids=torch.tensor([prompt], device=self.device), do_sample=False, num_beams=1)[0].tolist()
        eos = self.processor.tokenizer.eos_token_id
        ids = [t for t in out[len(prompt):] if t < eos]
        return {"text": self.processor.decode(ids).strip(), "tokens": ids, "timings": {"totalMs": (time.perf_counter() - t0) * 1000}}

    def forcedLogits(self, req):  # noqa: N802 (protocol op name)
        model = self.loaded("forcedLogits")
        tokens = token_list(req)
        feats, prompt = self._inputs(req)
        with torch.no_grad():
            logits = model(feats, decoder_input_ids=torch.tensor([prompt + tokens], device=self.device)).logits[0, len(prompt) - 1:]
        return logit_rows(logits.float().cpu().numpy())

    def tensors(self, req):
        """The tensors op with tensor_tap's hooks on transformers' own modules (the names the torch
        engine copies). transformers decodes every step in one call: each decoder tensor is cut
        into steps (step 0: the prompt's rows; step k: the row after forced token k-1), and the
        batch dimension dropped where the torch engine has none, so both engines' tensors meet by
        name and shape. Isolation feeds its encoder modules only (a decoder input would have to be
        fed for every step of the one call)."""
        model = self.loaded("tensors")
        tokens = token_list(req)
        c = model.config
        plan = Plan(req, module_paths(c.encoder_layers, c.decoder_layers))
        last = plan.steps[-1]
        if last > len(tokens):
            raise WorkerError("INFERENCE", "tensors", f"step {last} needs {last} forced tokens; {len(tokens)} given")
        feats, prompt = self._inputs(req)
        n0 = len(prompt)

        def select(name, t):
            rows = t[0] if t.dim() == 3 else t
            return [(s, rows[: n0] if s == 0 else rows[n0 - 1 + s: n0 + s]) for s in plan.steps]

        with Tap(model, plan) as tap, torch.no_grad():
            tap.select = select
            tap.unbatch = lambda name, t: t if name.endswith(("conv1", "conv2")) or name.startswith(tap.decoder_prefixes) or t.dim() < 3 else t[0]
            feats = tap.record("log_mel", feats[0]).unsqueeze(0)
            model(feats, decoder_input_ids=torch.tensor([prompt + tokens[:last]], device=self.device))
        return tap.value()

    def memory(self, req):
        self.loaded("memory")
        return device_memory(self.device)

    def dispose(self, req):
        self.processor = None
        return super().dispose(req)


if __name__ == "__main__":
    serve(TransformersEngine(), "asr-parity transformers worker")
