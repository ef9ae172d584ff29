"""Whisper as torch.nn.Modules whose paths and state_dict keys are transformers' own.

WhisperForConditionalGeneration's tree (transformers' modeling_whisper.py): model.encoder.{conv1,
conv2, embed_positions, layers.N.{self_attn.{q,k,v,out}_proj, self_attn_layer_norm, fc1, fc2,
final_layer_norm}, layer_norm}, model.decoder.{embed_tokens, embed_positions, layers.N.{self_attn,
self_attn_layer_norm, encoder_attn, encoder_attn_layer_norm, fc1, fc2, final_layer_norm},
layer_norm}, proj_out (tied to embed_tokens, so not a key of its own). A transformers checkpoint
loads with load_state_dict(strict=True); a ggml file through GGML_TO_HF; a forward hook on
"model.decoder.layers.1.fc2" names the module a user's transformers model has under that path.

What is NOT transformers' here, on purpose (the arithmetic is this engine's, whisper.cpp-like):
tensors carry no batch dimension ([T, D], one window at a time); attention scales q and k by
head_dim ** -0.25 each (OpenAI's model.py) and takes its softmax in float32; layer norms compute
in float32 whatever the model's dtype; GELU is the exact erf one (transformers' "gelu" too).
"""

import re

import torch
import torch.nn as nn
import torch.nn.functional as F


class Dims:
    """The architecture: whisper.cpp's hparam names, from a ggml header or a transformers config.json."""

    FIELDS = ("n_mels", "n_vocab", "n_audio_ctx", "n_audio_state", "n_audio_head", "n_audio_layer",
              "n_text_ctx", "n_text_state", "n_text_head", "n_text_layer")

    def __init__(self, **kw):
        for f in self.FIELDS:
            setattr(self, f, int(kw[f]))

    def as_dict(self):
        return {f: getattr(self, f) for f in self.FIELDS}


class Float32LayerNorm(nn.LayerNorm):
    """nn.LayerNorm (same keys) computed in float32 and kept in float32 under any model dtype, as OpenAI's model does."""

    def forward(self, x):
        return F.layer_norm(x.float(), self.normalized_shape, self.weight, self.bias, self.eps).to(x.dtype)


class WhisperAttention(nn.Module):
    """transformers' WhisperAttention's projections (k_proj without bias); forward on [T, D], or
    [B, T, D] for a batch (the same operations over a leading dimension: one audio's are unchanged)."""

    def __init__(self, d, n_head, dtype=None, device=None):
        super().__init__()
        kw = {"dtype": dtype, "device": device}
        self.n_head = n_head
        self.k_proj = nn.Linear(d, d, bias=False, **kw)
        self.v_proj = nn.Linear(d, d, **kw)
        self.q_proj = nn.Linear(d, d, **kw)
        self.out_proj = nn.Linear(d, d, **kw)
        # keys/values this long get that many zero rows appended (emulating whisper.cpp's flash
        # attention over padded audio positions); 0: off, the engine's own arithmetic
        self.pad_keys_of_length = None
        self.pad_keys_by = 0

    def forward(self, x, key_value=None, past=None, mask=None):
        """Self-attention (past: this layer's cached keys/values) or cross-attention (key_value given).
        Returns the output and the keys/values it attended to (the cache after this step)."""
        q = self.q_proj(x)
        if key_value is None:
            k, v = self.k_proj(x), self.v_proj(x)
            if past is not None:
                k, v = torch.cat([past[0], k], -2), torch.cat([past[1], v], -2)
        else:
            k, v = key_value
        return self.out_proj(self._attend(q, k, v, mask)), (k, v)

    def _attend(self, q, k, v, mask):
        *lead, n_ctx, d = q.shape
        n_head = self.n_head
        scale = (d // n_head) ** -0.25
        heads = lambda t: t.view(*t.shape[:-1], n_head, -1).transpose(-2, -3)  # noqa: E731  [..., T, D] -> [..., H, T, D/H]
        q = heads(q * scale)
        if self.pad_keys_by and k.shape[-2] == self.pad_keys_of_length:
            z = torch.zeros(*k.shape[:-2], self.pad_keys_by, d, dtype=k.dtype, device=k.device)
            k, v = torch.cat([k, z], -2), torch.cat([v, z], -2)
        k = heads(k * scale)
        v = heads(v)
        qk = (q @ k.transpose(-1, -2)).float()
        if mask is not None:
            qk = qk + mask
        w = torch.softmax(qk, dim=-1).to(q.dtype)
        return (w @ v).transpose(-2, -3).reshape(*lead, n_ctx, d)


class WhisperEncoderLayer(nn.Module):
    def __init__(self, d, n_head, dtype=None, device=None):
        super().__init__()
        kw = {"dtype": dtype, "device": device}
        self.self_attn = WhisperAttention(d, n_head, **kw)
        self.self_attn_layer_norm = Float32LayerNorm(d, device=device)
        self.fc1 = nn.Linear(d, 4 * d, **kw)
        self.fc2 = nn.Linear(4 * d, d, **kw)
        self.final_layer_norm = Float32LayerNorm(d, device=device)

    def forward(self, x):
        x = x + self.self_attn(self.self_attn_layer_norm(x))[0]
        return x + self.fc2(F.gelu(self.fc1(self.final_layer_norm(x))))


class WhisperDecoderLayer(nn.Module):
    def __init__(self, d, n_head, dtype=None, device=None):
        super().__init__()
        kw = {"dtype": dtype, "device": device}
        self.self_attn = WhisperAttention(d, n_head, **kw)
        self.self_attn_layer_norm = Float32LayerNorm(d, device=device)
        self.encoder_attn = WhisperAttention(d, n_head, **kw)
        self.encoder_attn_layer_norm = Float32LayerNorm(d, device=device)
        self.fc1 = nn.Linear(d, 4 * d, **kw)
        self.fc2 = nn.Linear(4 * d, d, **kw)
        self.final_layer_norm = Float32LayerNorm(d, device=device)

    def forward(self, x, cross_kv, past=None, mask=None):
        """Returns the hidden state and this layer's self-attention cache after the step."""
        a, cache = self.self_attn(self.self_attn_layer_norm(x), past=past, mask=mask)
        x = x + a
        x = x + self.encoder_attn(self.encoder_attn_layer_norm(x), key_value=cross_kv)[0]
        return x + self.fc2(F.gelu(self.fc1(self.final_layer_norm(x)))), cache


class WhisperPositionalEmbedding(nn.Embedding):
    """transformers' decoder positions: forward slices rows [past, past + n) (its WhisperPositionalEmbedding)."""

    def forward(self, n, past=0):
        return self.weight[past:past + n]


class WhisperEncoder(nn.Module):
    def __init__(self, dims, dtype=None, device=None):
        super().__init__()
        kw = {"dtype": dtype, "device": device}
        d = dims.n_audio_state
        self.conv1 = nn.Conv1d(dims.n_mels, d, 3, padding=1, **kw)
        self.conv2 = nn.Conv1d(d, d, 3, stride=2, padding=1, **kw)
        self.embed_positions = nn.Embedding(dims.n_audio_ctx, d, **kw)
        self.layers = nn.ModuleList(WhisperEncoderLayer(d, dims.n_audio_head, **kw) for _ in range(dims.n_audio_layer))
        self.layer_norm = Float32LayerNorm(d, device=device)

    def forward(self, mel_window):
        """[n_mels, 2 * n_audio_ctx] float32 -> [n_audio_ctx, d] in the model's dtype; [B, n_mels, ...] -> [B, n_audio_ctx, d] for a batch."""
        dtype = self.conv1.weight.dtype
        batched = mel_window.dim() == 3
        x = mel_window.to(self.conv1.weight.device, dtype)
        x = x if batched else x.unsqueeze(0)
        x = F.gelu(self.conv1(x))
        x = F.gelu(self.conv2(x))
        x = x.transpose(1, 2)
        x = x if batched else x[0]
        # as transformers does: the table's rows, not a lookup call
        x = (x + self.embed_positions.weight[: x.shape[-2]]).to(dtype)
        for layer in self.layers:
            x = layer(x)
        return self.layer_norm(x)


class WhisperDecoder(nn.Module):
    def __init__(self, dims, dtype=None, device=None):
        super().__init__()
        kw = {"dtype": dtype, "device": device}
        d = dims.n_text_state
        self.n_text_ctx = dims.n_text_ctx
        self.embed_tokens = nn.Embedding(dims.n_vocab, d, **kw)
        self.embed_positions = WhisperPositionalEmbedding(dims.n_text_ctx, d, **kw)
        self.layers = nn.ModuleList(WhisperDecoderLayer(d, dims.n_text_head, **kw) for _ in range(dims.n_text_layer))
        self.layer_norm = Float32LayerNorm(d, device=device)

    def start(self, audio_features):
        """The decoding state of one window: each layer's cross-attention keys and values, computed once."""
        cross = [(l.encoder_attn.k_proj(audio_features), l.encoder_attn.v_proj(audio_features)) for l in self.layers]
        return {"cross": cross, "self": [None] * len(self.layers), "n_past": 0}

    def forward(self, ids, state):
        """Feeds token ids ([n], or [B, n] for a batch in step) after state's past; returns the final hidden states [n, d] ([B, n, d])."""
        n, n_past = ids.shape[-1], state["n_past"]
        if n_past + n > self.n_text_ctx:
            raise ValueError(f"{n_past + n} tokens exceed the text context of {self.n_text_ctx}")
        dtype = self.embed_tokens.weight.dtype
        x = (self.embed_tokens(ids) + self.embed_positions(n, n_past)).to(dtype)
        mask = None
        if n > 1:
            mask = torch.full((n, n_past + n), float("-inf"), device=ids.device).triu_(n_past + 1)
        for i, layer in enumerate(self.layers):
            x, state["self"][i] = layer(x, state["cross"][i], past=state["self"][i], mask=mask)
        state["n_past"] = n_past + n
        return self.layer_norm(x)


class WhisperModel(nn.Module):
    def __init__(self, dims, dtype=None, device=None):
        super().__init__()
        self.encoder = WhisperEncoder(dims, dtype, device)
        self.decoder = WhisperDecoder(dims, dtype, device)


class TiedProjection(nn.Module):
    """proj_out: the token embedding transposed. Holds no parameter of its own (transformers ties
    it and leaves it out of model.safetensors), so strict loading needs no proj_out.weight."""

    def __init__(self, embedding):
        super().__init__()
        object.__setattr__(self, "tied_to", embedding)  # not registered: no second key, no second copy

    @property
    def weight(self):
        return self.tied_to.weight

    def forward(self, x):
        return F.linear(x, self.tied_to.weight)


class WhisperForConditionalGeneration(nn.Module):
    def __init__(self, dims, dtype=None, device=None):
        super().__init__()
        self.dims = dims
        self.model = WhisperModel(dims, dtype, device)
        self.proj_out = TiedProjection(self.model.decoder.embed_tokens)

    def emulate_flash_attn_padding(self, multiple=256):
        """whisper.cpp with flash attention attends over the audio positions padded to a multiple
        of 256 without a mask; this appends the same zero keys and values (encoder self-attention
        and cross-attention). Returns the number of rows added."""
        n = self.dims.n_audio_ctx
        pad = (-n) % multiple
        for m in [l.self_attn for l in self.model.encoder.layers] + [l.encoder_attn for l in self.model.decoder.layers]:
            m.pad_keys_of_length, m.pad_keys_by = n, pad
        return pad

    def logits(self, ids, state):
        return self.proj_out(self.model.decoder(ids, state)).float()


def build_model(dims, state_dict, dtype=torch.float32, device="cpu"):
    """The modules with no memory until the weights arrive (meta, then empty on the device), then
    load_state_dict(strict=True): a missing, extra or misshapen tensor is refused by torch itself."""
    meta = WhisperForConditionalGeneration(dims, dtype=dtype, device="meta")
    m = meta.to_empty(device=device)
    m.proj_out = TiedProjection(m.model.decoder.embed_tokens)
    m.load_state_dict(state_dict, strict=True)
    return m.eval().requires_grad_(False)


# whisper.cpp's (OpenAI's) tensor names -> transformers', as whisper.cpp's convert-h5-to-ggml.py
# maps them the other way
_GGML_RULES = [
    (r"^encoder\.positional_embedding$", "model.encoder.embed_positions.weight"),
    (r"^decoder\.positional_embedding$", "model.decoder.embed_positions.weight"),
    (r"^decoder\.token_embedding\.", "model.decoder.embed_tokens."),
    (r"^encoder\.ln_post\.", "model.encoder.layer_norm."),
    (r"^decoder\.ln\.", "model.decoder.layer_norm."),
    (r"^(encoder|decoder)\.conv", r"model.\1.conv"),
    (r"^(encoder|decoder)\.blocks\.(\d+)\.", r"model.\1.layers.\2."),
    (r"\.cross_attn_ln\.", ".encoder_attn_layer_norm."),
    (r"\.attn_ln\.", ".self_attn_layer_norm."),
    (r"\.mlp_ln\.", ".final_layer_norm."),
    (r"\.mlp\.0\.", ".fc1."),
    (r"\.mlp\.2\.", ".fc2."),
    (r"\.cross_attn\.", ".encoder_attn."),
    (r"\.attn\.", ".self_attn."),
    (r"\.query\.", ".q_proj."),
    (r"\.key\.", ".k_proj."),
    (r"\.value\.", ".v_proj."),
    (r"\.out\.", ".out_proj."),
]


def ggml_to_hf(name):
    for pattern, repl in _GGML_RULES:
        name = re.sub(pattern, repl, name)
    return name
