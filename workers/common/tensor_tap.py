"""The `tensors` op's capture, shared by workers/torch and workers/transformers: forward hooks on
module paths (transformers' names, so both engines' tensors meet by name), recording each named
module's output (and input, for isolation), and in isolation replacing a module's input with the
one the baseline recorded, so that module's own error is told apart from what it inherited.

An engine drives a Tap: `with Tap(root, plan) as tap:` registers the hooks, the engine sets
`tap.step` before each decoder call (None while the encoder runs) and calls `tap.record` for
tensors that are no module's output (the log-mel input). `tap.select`, when the engine sets it,
turns one call's tensor into per-step tensors (transformers decodes every step in one call).
See README, "Where it broke".
"""

import base64
import math

import numpy as np
import torch

from protocol import WorkerError


def key_of(name, step):
    return name if step is None else f"{name}@{step}"


def wire_tensor(t):
    a = np.ascontiguousarray(t.detach().float().cpu().numpy(), dtype="<f4")
    return {"shape": list(a.shape), "base64": base64.b64encode(a.tobytes()).decode("ascii")}


def tensor_of(w, like):
    """A fed tensor from the wire, in the dtype and on the device of the one it replaces."""
    a = np.frombuffer(base64.b64decode(w["base64"]), "<f4").reshape(w["shape"])
    if list(a.shape) != list(like.shape):
        raise WorkerError("USAGE", "tensors", f"fed tensor of shape {list(a.shape)} for one of shape {list(like.shape)}")
    return torch.from_numpy(a.copy()).to(like.device, like.dtype)


def stats_of(t):
    x = t.detach().double().cpu()
    finite = torch.isfinite(x)
    nan, inf = int(torch.isnan(x).sum()), int(torch.isinf(x).sum())
    f = x[finite]
    none = f.numel() == 0
    return {
        "mean": 0.0 if none else float(f.mean()),
        "std": 0.0 if none or f.numel() < 2 else float(f.std()),
        "min": 0.0 if none else float(f.min()),
        "max": 0.0 if none else float(f.max()),
        "absMax": 0.0 if none else float(f.abs().max()),
        "nan": nan,
        "inf": inf,
    }


def first_tensor(out):
    """A module's output tensor: transformers' layers and attentions return tuples, hidden states first."""
    while isinstance(out, (tuple, list)):
        out = out[0]
    return out


class Plan:
    """What the request asks: the module paths (in forward order), the decoder steps reported,
    whether values and inputs come back, and the inputs to feed (isolation)."""

    def __init__(self, req, modules):
        steps = req.get("steps") or [0]
        if not all(isinstance(s, int) and s >= 0 for s in steps):
            raise WorkerError("USAGE", "tensors", "steps must be non-negative integers")
        self.steps = sorted(set(steps))
        asked = req.get("modules")
        if asked:
            unknown = [m for m in asked if m not in modules]
            if unknown:
                raise WorkerError("USAGE", "tensors", f"no module {unknown[0]!r} in this model", f"modules: {', '.join(modules[:8])}, ...")
            modules = [m for m in modules if m in asked]
        self.modules = modules
        self.values = bool(req.get("values"))
        self.inputs = bool(req.get("inputs"))
        self.feed = req.get("feed") or {}
        for k in self.feed:
            if k.split("@")[0] not in self.modules:
                raise WorkerError("USAGE", "tensors", f"feed names {k!r}, which is not a captured module")


class Tap:
    def __init__(self, root, plan, decoder_prefixes=("model.decoder.", "proj_out")):
        self.root, self.plan = root, plan
        self.decoder_prefixes = decoder_prefixes
        self.step = None
        self.select = None  # engine's (name, tensor) -> [(step, tensor)]; default: the current step
        self.unbatch = None  # engine's (name, tensor) -> tensor without a batch dimension the other engine's lacks
        self.outputs = {}  # key -> (name, step, tensor)
        self.inputs = {}
        self.fed = 0
        self._handles = []

    def _steps_of(self, name, t):
        if self.unbatch is not None:
            t = self.unbatch(name, t)
        if not name.startswith(self.decoder_prefixes):
            return [(None, t)]
        if self.select is not None:
            return self.select(name, t)
        return [(self.step, t)]

    def _last_step(self):
        return self.plan.steps[-1]

    def _wanted_input(self, step):
        # isolation feeds every step up to the last reported one: a decoder step attends to the
        # cached keys of all before it, which must come from fed inputs too
        return step is None or step <= self._last_step()

    def __enter__(self):
        modules = dict(self.root.named_modules())
        for name in self.plan.modules:
            if name == "log_mel":
                continue
            m = modules.get(name)
            if m is None:
                raise WorkerError("USAGE", "tensors", f"no module {name!r} in this model")
            self._handles.append(m.register_forward_pre_hook(self._pre(name)))
            self._handles.append(m.register_forward_hook(self._post(name)))
        return self

    def __exit__(self, *exc):
        for h in self._handles:
            h.remove()
        self._handles = []
        return False

    def _pre(self, name):
        def hook(module, args):
            if not args or not torch.is_tensor(args[0]):
                return None
            x = args[0]
            if self.select is None:  # one step per call: feed and keep the input whole
                key = key_of(name, self.step if name.startswith(self.decoder_prefixes) else None)
                if key in self.plan.feed:
                    x = tensor_of(self.plan.feed[key], x)
                    self.fed += 1
                if self.plan.inputs and self._wanted_input(self.step if name.startswith(self.decoder_prefixes) else None):
                    self.inputs[key] = x
                if x is not args[0]:
                    return (x,) + tuple(args[1:])
            elif self.plan.inputs or self.plan.feed:
                for step, t in self._steps_of(name, x):
                    if key_of(name, step) in self.plan.feed:
                        raise WorkerError("USAGE", "tensors", "this engine decodes all steps in one call: isolation is for its encoder modules only")
                    if self.plan.inputs and step is None:
                        self.inputs[key_of(name, step)] = t
            return None

        return hook

    def _post(self, name):
        def hook(module, args, out):
            t = first_tensor(out)
            if not torch.is_tensor(t):
                return None
            for step, s in self._steps_of(name, t):
                if step is None or step in self.plan.steps:
                    self.outputs[key_of(name, step)] = (name, step, s)
            return None

        return hook

    def record(self, name, t, step=None):
        """A tensor that is no module's output (the log-mel input): recorded under `name`, fed when the plan feeds it."""
        if name not in self.plan.modules:
            return t
        key = key_of(name, step)
        if key in self.plan.feed:
            t = tensor_of(self.plan.feed[key], t)
            self.fed += 1
        if self.plan.inputs:
            self.inputs[key] = t
        self.outputs[key] = (name, step, t)
        return t

    def value(self):
        """The op's value: each tensor in forward order (modules as planned, the steps ascending), with its statistics."""
        order = {n: i for i, n in enumerate(self.plan.modules)}
        rows = sorted(self.outputs.values(), key=lambda r: (-1 if r[1] is None else r[1], order[r[0]]))
        tensors = []
        for name, step, t in rows:
            row = {"name": name, "shape": list(t.shape), "dtype": str(t.dtype).replace("torch.", ""), "stats": stats_of(t)}
            if step is not None:
                row["step"] = step
            if self.plan.values:
                row["values"] = wire_tensor(t)["base64"]
            tensors.append(row)
        value = {"tensors": tensors, "fed": self.fed}
        if self.plan.inputs:
            value["inputs"] = {k: wire_tensor(t) for k, t in self.inputs.items()}
        if self.fed < len(self.plan.feed):
            # a fed input no module took would leave that module unisolated, silently
            raise WorkerError("USAGE", "tensors", f"{len(self.plan.feed) - self.fed} of {len(self.plan.feed)} fed tensors were never used")
        return value


def module_paths(n_enc, n_dec):
    """The modules a localization captures, in forward order, by transformers' names."""
    enc = ["log_mel", "model.encoder.conv1", "model.encoder.conv2"] + [f"model.encoder.layers.{i}" for i in range(n_enc)] + ["model.encoder.layer_norm"]
    dec = []
    for i in range(n_dec):
        p = f"model.decoder.layers.{i}"
        dec += [f"{p}.self_attn", f"{p}.encoder_attn", f"{p}.fc2", p]
    return enc + dec + ["model.decoder.layer_norm", "proj_out"]


def inject_fault(model, spec):
    """A fault in one named module, for checking that localization finds it: its output scaled
    (`scale`), or the module computed in a reduced dtype (`dtype`). Returns a description."""
    modules = dict(model.named_modules())
    name = spec.get("module")
    if name not in modules:
        raise WorkerError("CONFIG", "fault.module", f"no module {name!r} in this model")
    m = modules[name]
    if "scale" in spec:
        k = float(spec["scale"])
        if not math.isfinite(k):
            raise WorkerError("CONFIG", "fault.scale", f"{spec['scale']!r} is not a finite number")

        def scaled(module, args, out):
            if isinstance(out, tuple):
                return (out[0] * k,) + out[1:]
            return out * k

        m.register_forward_hook(scaled)
        return f"{name} output x{k:g}"
    if "dtype" in spec:
        low = {"bfloat16": torch.bfloat16, "float16": torch.float16}.get(spec["dtype"])
        if low is None:
            raise WorkerError("CONFIG", "fault.dtype", f"{spec['dtype']!r}: bfloat16 or float16")

        def rounded(module, args, out):
            # the module's output rounded through the reduced dtype: what computing it there loses at its output
            if isinstance(out, tuple):
                return (out[0].to(low).to(out[0].dtype),) + out[1:]
            return out.to(low).to(out.dtype)

        m.register_forward_hook(rounded)
        return f"{name} output rounded to {spec['dtype']}"
    raise WorkerError("CONFIG", "fault", "a fault needs scale or dtype")
