"""Reads whisper.cpp's legacy ggml model file: hyperparameters, mel filters, vocabulary, tensors.

Layout (whisper.cpp's whisper_model_load): magic 0x67676d6c; 11 int32 hyperparameters; mel
filters (n_mel, n_fft, then n_mel*n_fft float32); vocabulary (count, then length-prefixed
token bytes); tensors until end of file (n_dims, name length, type, dims innermost first,
name, data). Only f32 (type 0) and f16 (type 1) tensors are read: quantized files are refused.
"""

import mmap
import os
import struct

import numpy as np

GGML_MAGIC = 0x67676D6C
HPARAMS = ("n_vocab", "n_audio_ctx", "n_audio_state", "n_audio_head", "n_audio_layer",
           "n_text_ctx", "n_text_state", "n_text_head", "n_text_layer", "n_mels", "ftype")
# guards against a corrupt file asking for absurd allocations
MAX_DIM = 1 << 28
MAX_TOKEN_BYTES = 1 << 16


class ModelFileError(Exception):
    """A model this engine cannot read (crosses the protocol as code MODEL); `path`: the very file at fault, where it is not the one named."""

    def __init__(self, problem, path=None):
        super().__init__(problem)
        self.path = path


class GgmlWhisperFile:
    def __init__(self, path):
        self.path = path
        # memory-mapped, not read: the tensors are views of the file until the model copies them,
        # so a 3 GB model does not sit in memory twice while it loads
        with open(path, "rb") as f:
            size = os.fstat(f.fileno()).st_size
            data = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) if size else b""
        self.bytes = len(data)
        view = memoryview(data)
        pos = 0

        def take(n):
            nonlocal pos
            if n < 0 or pos + n > len(data):
                raise ModelFileError(f"truncated at byte {pos} (needed {n} more)")
            out = view[pos:pos + n]
            pos += n
            return out

        def i32(count=1):
            vals = struct.unpack(f"<{count}i", take(4 * count))
            return vals if count > 1 else vals[0]

        if len(data) < 4 or struct.unpack("<I", data[:4])[0] != GGML_MAGIC:
            raise ModelFileError("not a whisper.cpp ggml file (bad magic)")
        take(4)
        self.hparams = dict(zip(HPARAMS, i32(len(HPARAMS))))
        n_mel, n_fft = i32(2)
        if not (0 < n_mel <= 512 and 0 < n_fft <= 4096):
            raise ModelFileError(f"implausible mel filter shape {n_mel}x{n_fft}")
        self.mel_filters = np.frombuffer(take(4 * n_mel * n_fft), dtype="<f4").reshape(n_mel, n_fft).copy()
        n_tokens = i32()
        if not (0 <= n_tokens <= MAX_DIM):
            raise ModelFileError(f"implausible vocabulary size {n_tokens}")
        self.vocab = []
        for _ in range(n_tokens):
            n = i32()
            if not (0 <= n <= MAX_TOKEN_BYTES):
                raise ModelFileError(f"implausible token length {n}")
            self.vocab.append(bytes(take(n)))
        self.tensors = {}
        self.tensor_types = {}
        while pos < len(data):
            n_dims, name_len, ttype = i32(3)
            if not (1 <= n_dims <= 4 and 0 < name_len < 512):
                raise ModelFileError(f"bad tensor header at byte {pos}")
            dims = [i32() for _ in range(n_dims)]
            if any(d <= 0 or d > MAX_DIM for d in dims):
                raise ModelFileError(f"bad tensor dims {dims}")
            name = bytes(take(name_len)).decode("utf-8")
            count = int(np.prod(dims))
            if ttype == 0:
                arr = np.frombuffer(take(4 * count), dtype="<f4")
            elif ttype == 1:
                arr = np.frombuffer(take(2 * count), dtype="<f2")
            else:
                raise ModelFileError(f"tensor {name} has ggml type {ttype}: only f32 and f16 files are supported")
            # ggml lists dims innermost first: a [out, in] Linear weight is stored as [in, out]
            self.tensors[name] = arr.reshape(tuple(reversed(dims)))
            self.tensor_types[name] = "f16" if ttype == 1 else "f32"
        if "encoder.conv1.weight" not in self.tensors:
            raise ModelFileError("no encoder.conv1.weight: not a Whisper model")

    @property
    def parameters(self):
        return int(sum(t.size for t in self.tensors.values()))
