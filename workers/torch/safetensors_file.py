"""safetensors, read and written by hand: Debian has no safetensors package and only the
format's few rules are needed. Layout: an 8-byte little-endian header length N, N bytes of JSON
({name: {dtype, shape, data_offsets: [begin, end]}, "__metadata__": {...}}), then the data, offsets
counted from the end of the header. Everything the header says is checked against the file's
size before a byte of data is read; tensors are memory-mapped, not copied.
"""

import json
import os
import struct
import warnings

import numpy as np
import torch

from ggml_file import ModelFileError

# bfloat16 has no numpy dtype: read as int16 and viewed as torch.bfloat16
DTYPES = {"F32": ("<f4", 4), "F16": ("<f2", 2), "BF16": ("<i2", 2)}
TORCH_NAMES = {torch.float32: "F32", torch.float16: "F16", torch.bfloat16: "BF16"}
MAX_HEADER = 100 << 20


def read_safetensors(path):
    """{name: torch tensor (memory-mapped, read-only)}, or ModelFileError naming the file and the problem."""
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        head = f.read(8)
        if len(head) < 8:
            raise ModelFileError(f"{size} bytes: too short for a safetensors header", path)
        n = struct.unpack("<Q", head)[0]
        if n > size - 8:
            raise ModelFileError(f"header of {n} bytes runs past the end of the file ({size} bytes): truncated or not safetensors", path)
        if n > MAX_HEADER:
            raise ModelFileError(f"header of {n} bytes is implausibly large", path)
        try:
            header = json.loads(f.read(n))
        except ValueError as e:
            raise ModelFileError(f"header is not JSON ({e})", path)
    if not isinstance(header, dict):
        raise ModelFileError("header is not a JSON object", path)
    data_start, data_len = 8 + n, size - 8 - n
    raw = np.memmap(path, dtype=np.uint8, mode="r", offset=data_start, shape=(data_len,)) if data_len else np.zeros(0, np.uint8)
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        try:
            dtype, shape, (begin, end) = info["dtype"], [int(d) for d in info["shape"]], info["data_offsets"]
        except (KeyError, TypeError, ValueError):
            raise ModelFileError(f"tensor {name}: header entry without dtype, shape and data_offsets", path)
        if dtype not in DTYPES:
            raise ModelFileError(f"tensor {name} is {dtype}: only F32, F16 and BF16 are read", path)
        np_dtype, itemsize = DTYPES[dtype]
        count = int(np.prod(shape)) if shape else 1
        if not (0 <= begin <= end <= data_len):
            raise ModelFileError(f"tensor {name}: bytes {begin}..{end} lie outside the data's {data_len} bytes (truncated?)", path)
        if end - begin != count * itemsize:
            raise ModelFileError(f"tensor {name}: {end - begin} bytes for shape {shape} of {dtype} ({count * itemsize} expected)", path)
        arr = raw[begin:end].view(np_dtype).reshape(shape)
        with warnings.catch_warnings():  # read-only by design: the weights are copied into the model, never written
            warnings.simplefilter("ignore")
            t = torch.from_numpy(arr) if arr.size else torch.zeros(shape, dtype=torch.float32)
        out[name] = t.view(torch.bfloat16) if dtype == "BF16" else t
    return out


def write_safetensors(path, tensors, metadata=None):
    """Tensors (F32, F16 or BF16, contiguous) in sorted name order, as the safetensors library writes them."""
    header, offset, blobs = {}, 0, []
    for name in sorted(tensors):
        t = tensors[name].detach().cpu().contiguous()
        if t.dtype not in TORCH_NAMES:
            raise ValueError(f"{name}: {t.dtype} cannot be written")
        b = (t.view(torch.int16) if t.dtype == torch.bfloat16 else t).numpy().tobytes()
        header[name] = {"dtype": TORCH_NAMES[t.dtype], "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        offset += len(b)
        blobs.append(b)
    if metadata:
        header = {"__metadata__": metadata, **header}
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((-len(h)) % 8)  # the library pads the header to 8 bytes with spaces
    # a new file renamed over the old: a reader may hold the old one memory-mapped (truncating it under the map is a SIGBUS)
    tmp = f"{path}.partial"
    with open(tmp, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h)
        for b in blobs:
            f.write(b)
    os.replace(tmp, path)
