"""A Whisper checkpoint as the engine needs it, from either layout: a whisper.cpp ggml file, or a
transformers folder (config.json, model.safetensors or a sharded index with its shards,
vocab.json + added_tokens.json or tokenizer.json, preprocessor_config.json). Either way the
tensors come out under transformers' names (whisper_modules), ready for load_state_dict(strict=True).

A folder holds no mel filters: they are computed as librosa.filters.mel computes them (Slaney
scale and norm), which is what OpenAI ships in mel_filters.npz and whisper.cpp's converter copies
into a ggml file.
"""

import json
import os
import warnings

import numpy as np
import torch

from ggml_file import GgmlWhisperFile, ModelFileError
from safetensors_file import read_safetensors
from whisper_modules import Dims, ggml_to_hf

SAMPLE_RATE, N_FFT, HOP = 16000, 400, 160


class Checkpoint:
    """dims, mel_filters [n_mels, 201] float32, vocab (token bytes of the text tokens, by id),
    state_dict (transformers' names), and what to report: format, bytes, weight dtype, parameters."""

    def __init__(self, path, fmt, dims, mel_filters, vocab, state_dict, n_bytes, weight_dtype, ftype=None):
        self.path, self.format, self.dims, self.mel_filters, self.vocab = path, fmt, dims, mel_filters, vocab
        self.state_dict, self.bytes, self.weight_dtype, self.ftype = state_dict, n_bytes, weight_dtype, ftype
        self.parameters = int(sum(t.numel() for t in state_dict.values()))


def open_checkpoint(path):
    if os.path.isdir(path):
        return read_hf_folder(path)
    if not os.path.exists(path):
        raise FileNotFoundError(path)
    return read_ggml(path)


def read_ggml(path):
    f = GgmlWhisperFile(path)
    h = f.hparams
    dims = Dims(**{k: h[k] for k in Dims.FIELDS})
    sd = {}
    for name, arr in f.tensors.items():
        with warnings.catch_warnings():  # views of the file's bytes, read-only: copied into the model, never written
            warnings.simplefilter("ignore")
            t = torch.from_numpy(arr)
        if name.endswith(("conv1.bias", "conv2.bias")):
            t = t.reshape(-1)  # ggml keeps conv biases as [n_state, 1]
        sd[ggml_to_hf(name)] = t
    wd = "float16" if h["ftype"] == 1 else "float32"
    return Checkpoint(path, "ggml", dims, f.mel_filters, f.vocab, sd, f.bytes, wd, ftype=h["ftype"])


# ---- transformers folders ----

def _json(folder, name, required=True):
    p = os.path.join(folder, name)
    if not os.path.exists(p):
        if required:
            raise ModelFileError(f"missing (a transformers Whisper folder has {name})", p)
        return None
    try:
        with open(p, encoding="utf-8") as f:
            return json.load(f)
    except ValueError as e:
        raise ModelFileError(f"not valid JSON ({e})", p)


def dims_of_config(cfg, path):
    if cfg.get("model_type") != "whisper":
        raise ModelFileError(f"model_type {cfg.get('model_type')!r} is not whisper (architectures: {cfg.get('architectures')})", path)
    try:
        d = int(cfg["d_model"])
        dims = Dims(n_mels=cfg["num_mel_bins"], n_vocab=cfg["vocab_size"], n_audio_ctx=cfg["max_source_positions"], n_audio_state=d,
                    n_audio_head=cfg["encoder_attention_heads"], n_audio_layer=cfg["encoder_layers"], n_text_ctx=cfg["max_target_positions"],
                    n_text_state=d, n_text_head=cfg["decoder_attention_heads"], n_text_layer=cfg["decoder_layers"])
    except (KeyError, TypeError, ValueError) as e:
        raise ModelFileError(f"lacks or mangles {e}: not a WhisperConfig", path)
    for k in ("encoder_ffn_dim", "decoder_ffn_dim"):
        if k in cfg and int(cfg[k]) != 4 * d:
            raise ModelFileError(f"{k} {cfg[k]} is not 4 x d_model ({4 * d}): Whisper's MLP is 4 wide, this engine builds no other", path)
    if cfg.get("activation_function", "gelu") != "gelu":
        raise ModelFileError(f"activation_function {cfg['activation_function']!r}: this engine computes the exact GELU only", path)
    return dims


def weight_files(folder):
    """The safetensors files of a folder: one, or the shards its index names (each checked present)."""
    single = os.path.join(folder, "model.safetensors")
    index = os.path.join(folder, "model.safetensors.index.json")
    if os.path.exists(single):
        return [single]
    if os.path.exists(index):
        weight_map = (_json(folder, "model.safetensors.index.json") or {}).get("weight_map")
        if not isinstance(weight_map, dict) or not weight_map:
            raise ModelFileError("has no weight_map", index)
        shards = sorted(set(weight_map.values()))
        for s in shards:
            if not os.path.exists(os.path.join(folder, s)):
                raise ModelFileError(f"shard named by {os.path.basename(index)} is missing", os.path.join(folder, s))
        return [os.path.join(folder, s) for s in shards]
    for pickled in ("pytorch_model.bin", "pytorch_model.bin.index.json"):
        if os.path.exists(os.path.join(folder, pickled)):
            raise ModelFileError("holds only pickled PyTorch weights: reading them runs code from the file, so they are refused; "
                                 "convert once with transformers: WhisperForConditionalGeneration.from_pretrained(dir).save_pretrained(dir, safe_serialization=True)",
                                 os.path.join(folder, pickled))
    raise ModelFileError("has no model.safetensors nor model.safetensors.index.json", folder)


def bytes_to_unicode():
    """GPT-2's byte <-> printable character map, which vocab.json's token strings are written in."""
    bs = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    cs = bs[:]
    n = 0
    for b in range(256):
        if b not in bs:
            bs.append(b)
            cs.append(256 + n)
            n += 1
    return dict(zip(bs, (chr(c) for c in cs)))


BYTE_DECODER = {c: b for b, c in bytes_to_unicode().items()}


def read_vocab(folder, n_text_tokens):
    """Token bytes of ids 0..k-1 (the text tokens below end-of-text), from vocab.json (+ added_tokens.json) or tokenizer.json."""
    vocab = _json(folder, "vocab.json", required=False)
    where = os.path.join(folder, "vocab.json")
    if vocab is None:
        tok = _json(folder, "tokenizer.json", required=False)
        where = os.path.join(folder, "tokenizer.json")
        if tok is None:
            raise ModelFileError("has neither vocab.json nor tokenizer.json", folder)
        vocab = (tok.get("model") or {}).get("vocab")
        if not isinstance(vocab, dict):
            raise ModelFileError("has no model.vocab", where)
    else:
        _json(folder, "added_tokens.json", required=False)  # read so that a mangled one is named; its ids are the special tokens, named as whisper.cpp names them
    by_id = {}
    for s, i in vocab.items():
        if isinstance(i, int) and 0 <= i < n_text_tokens:
            by_id[i] = s
    k = len(by_id)
    if sorted(by_id) != list(range(k)):
        raise ModelFileError(f"text token ids are not 0..{k - 1} without gaps", where)
    try:
        return [bytes(BYTE_DECODER[c] for c in by_id[i]) for i in range(k)]
    except KeyError as e:
        raise ModelFileError(f"token with character {e} outside GPT-2's byte alphabet", where)


def slaney_mel_filters(sr, n_fft, n_mels):
    """librosa.filters.mel(sr=sr, n_fft=n_fft, n_mels=n_mels) (htk=False, norm='slaney'), float32."""
    f_sp, min_log_hz = 200.0 / 3, 1000.0
    min_log_mel, logstep = min_log_hz / f_sp, np.log(6.4) / 27.0

    def hz_to_mel(f):
        return f / f_sp if f < min_log_hz else min_log_mel + np.log(f / min_log_hz) / logstep

    mels = np.linspace(hz_to_mel(0.0), hz_to_mel(sr / 2), n_mels + 2)
    mel_f = np.where(mels < min_log_mel, f_sp * mels, min_log_hz * np.exp(logstep * (mels - min_log_mel)))
    # librosa's own order of operations, so the filters are bit-equal to librosa's (and to
    # openai/whisper's mel_filters.npz, which the TypeScript writer matches): rfftfreq's bins, the
    # triangles stored in float32 first, then scaled in place by the Slaney norm
    fftfreqs = np.fft.rfftfreq(n=n_fft, d=1.0 / sr)
    fdiff = np.diff(mel_f)
    ramps = np.subtract.outer(mel_f, fftfreqs)
    weights = np.zeros((n_mels, 1 + n_fft // 2), dtype=np.float32)
    for i in range(n_mels):
        weights[i] = np.maximum(0, np.minimum(-ramps[i] / fdiff[i], ramps[i + 2] / fdiff[i + 1]))
    weights *= (2.0 / (mel_f[2:n_mels + 2] - mel_f[:n_mels]))[:, np.newaxis]
    return weights


def read_hf_folder(folder, n_text_tokens=None):
    cfg_path = os.path.join(folder, "config.json")
    dims = dims_of_config(_json(folder, "config.json"), cfg_path)
    pre = _json(folder, "preprocessor_config.json", required=False)
    if pre is not None:
        pre_path = os.path.join(folder, "preprocessor_config.json")
        want = {"feature_size": dims.n_mels, "n_fft": N_FFT, "hop_length": HOP, "sampling_rate": SAMPLE_RATE}
        for k, v in want.items():
            if k in pre and pre[k] != v:
                raise ModelFileError(f"{k} is {pre[k]}, this engine's front end needs {v}" + (" (config.json's num_mel_bins)" if k == "feature_size" else ""), pre_path)
    files = weight_files(folder)
    sd, dtypes = {}, set()
    for f in files:
        for name, t in read_safetensors(f).items():
            if name.startswith(("encoder.", "decoder.")):
                name = "model." + name  # a WhisperModel checkpoint, without the conditional-generation head
            sd[name] = t
            dtypes.add(t.dtype)
    tied = sd.pop("proj_out.weight", None)
    emb = sd.get("model.decoder.embed_tokens.weight")
    if tied is not None and emb is not None and not torch.equal(tied, emb):
        raise ModelFileError("proj_out.weight differs from model.decoder.embed_tokens.weight: Whisper ties them, this engine cannot run an untied head", files[0])
    eot = 50257 if dims.n_vocab >= 51865 else 50256  # whisper.cpp's end-of-text: the text tokens are the ids below it
    vocab = read_vocab(folder, n_text_tokens if n_text_tokens is not None else eot)
    names = {torch.float32: "float32", torch.float16: "float16", torch.bfloat16: "bfloat16"}
    wd = "+".join(sorted(names[d] for d in dtypes)) or "none"
    return Checkpoint(folder, "hugging-face", dims, slaney_mel_filters(SAMPLE_RATE, N_FFT, dims.n_mels), vocab, sd, sum(os.path.getsize(f) for f in files), wd)
