#!/usr/bin/env python3
"""asr-parity worker protocol 1 for the PyTorch Whisper engine (whisper_torch.py): a ggml file or
a transformers folder, on cpu, cuda:N or npu:N. The protocol itself (request loop, errors, audio)
is workers/common/protocol.py, shared with workers/transformers; logs go to stderr.
"""

import os
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the checkout: a run must not dirty it
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.join(HERE, "..", "common")]

from protocol import Engine, WorkerError, audio_of, logit_rows, serve, token_list  # noqa: E402  (first: moves stdout aside)
import torch  # noqa: E402

from tensor_tap import Plan, inject_fault  # noqa: E402

from ggml_file import ModelFileError  # noqa: E402
from torch_device import device_and_dtype, device_memory, reset_peaks  # noqa: E402
from whisper_torch import STACK_NOTES, WhisperTorch  # noqa: E402


class TorchEngine(Engine):
    engine = "asr-parity torch whisper"
    engine_version = f"torch {torch.__version__}"

    def load(self, req):
        device, dtype = device_and_dtype(req)
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
        # a fault in one named module (options.fault: {module, scale | dtype}): what localization must find
        fault = inject_fault(self.model.model, options["fault"]) if options.get("fault") else None
        reset_peaks(device)
        m = self.model
        # attestation: where the weights are and in what dtype, read back from the parameters
        # themselves after load (most parameters by count: the float32 norms are few)
        by_dtype = {}
        for p in m.model.parameters():
            by_dtype[p.dtype] = by_dtype.get(p.dtype, 0) + p.numel()
        param_dtype = str(max(by_dtype, key=by_dtype.get)).replace("torch.", "")
        param_device = str(next(m.model.parameters()).device)
        caps = ["tokens", "forced-logits", "tensors", "batch"] + ([] if device == "cpu" else ["device-memory"]) + (["language-detection"] if m.special.multilingual else [])
        description = {
            "engine": "torch (asr-parity workers/torch)",
            "torchVersion": torch.__version__,
            "device": device,
            "dtype": dtype,
            "parameterDevice": param_device,
            "parameterDtype": param_dtype,
            "model": os.path.basename(os.path.normpath(req["model"])),
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
            **({"injectedFault": fault} if fault else {}),
        }
        return {"loadMs": m.load_ms, "description": description, "capabilities": caps}

    def transcribe(self, req):
        m = self.loaded("transcribe")
        with torch.no_grad():
            return m.transcribe(audio_of(req), self.language)

    def transcribeBatch(self, req):  # noqa: N802 (protocol op name)
        m = self.loaded("transcribeBatch")
        audios = [audio_of({"audio": a}) for a in req.get("audios") or []]
        with torch.no_grad():
            return {"results": m.transcribe_batch(audios, self.language)}

    def forcedLogits(self, req):  # noqa: N802 (protocol op name)
        m = self.loaded("forcedLogits")
        tokens = token_list(req)
        try:
            with torch.no_grad():
                return logit_rows(m.forced_logits(audio_of(req), tokens, self.language))
        except ValueError as e:
            raise WorkerError("INFERENCE", "forcedLogits", str(e))

    def tensors(self, req):
        m = self.loaded("tensors")
        tokens = token_list(req)
        plan = Plan(req, m.module_paths())
        try:
            with torch.no_grad():
                return m.tensors(audio_of(req), tokens, plan, self.language)
        except ValueError as e:
            raise WorkerError("INFERENCE", "tensors", str(e))

    def detectLanguage(self, req):  # noqa: N802 (protocol op name)
        m = self.loaded("detectLanguage")
        with torch.no_grad():
            return m.detect_language(audio_of(req))

    def memory(self, req):
        return device_memory(self.loaded("memory").device)


if __name__ == "__main__":
    serve(TorchEngine(), "asr-parity torch worker")
