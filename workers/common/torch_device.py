"""The torch side both Python workers share: which device and dtype a load asks for (refused
with the reason where this torch cannot), and the device's memory as the reference report reads
it (memory_allocated, memory_reserved and their peaks). torch_npu is imported only when an NPU
is asked for: it is not installed elsewhere.
"""

import torch

from protocol import WorkerError

DTYPES = {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16}


def device_and_dtype(req):
    """(device string, dtype name) of a load request, checked against what this torch can do."""
    device = req.get("device") or "cpu"
    dtype = req.get("dtype") or "float32"
    if dtype not in DTYPES:
        raise WorkerError("USAGE", f"dtype {dtype}", f"not one of {', '.join(DTYPES)}")
    if device.startswith("npu"):
        try:
            import torch_npu  # noqa: F401  (registers torch.npu)
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
    return device, dtype


def device_memory(device):
    """The device's memory as torch counts it; {} on the CPU (the harness reads the process's RSS)."""
    d = torch.device(device)
    if d.type not in ("cuda", "npu"):
        return {}
    m = torch.cuda if d.type == "cuda" else torch.npu  # torch.npu: registered by torch_npu
    return {"allocatedBytes": m.memory_allocated(d), "reservedBytes": m.memory_reserved(d), "peakBytes": m.max_memory_allocated(d),
            "peakReservedBytes": m.max_memory_reserved(d), "totalBytes": m.get_device_properties(d).total_memory}


def reset_peaks(device):
    """Peaks from here on (after the load): what one run of the model needs."""
    d = torch.device(device)
    if d.type in ("cuda", "npu"):
        m = torch.cuda if d.type == "cuda" else torch.npu
        m.synchronize(d)
        m.reset_peak_memory_stats(d)

