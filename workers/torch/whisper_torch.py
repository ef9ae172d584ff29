"""Whisper inference written directly in PyTorch, from a whisper.cpp ggml file.

An independent numerical stack for the cross-engine gate: the log-mel front end is torch.stft
with the file's mel filters (not whisper.cpp's own FFT), the network follows OpenAI's reference
model.py (exact erf GELU, layer norms in float32, float32 or bfloat16/float16 everywhere else),
and the greedy decoder reproduces whisper.cpp's whisper_full rules for the settings asr-parity
uses: language given, no timestamps, temperature 0 without fallback, no context between
windows, suppress_blank on, suppress_nst off. Where whisper.cpp's own arithmetic differs
(f16 key/value caches and flash attention even for an f32 model, GELU from an f16 lookup
table, its own float FFT) this engine does NOT imitate it: those differences are what the
gate measures, and describe() names them.
"""

import hashlib
import math
import time

import numpy as np
import torch

from checkpoint import open_checkpoint
from ggml_file import ModelFileError
from tensor_tap import Tap, module_paths
from whisper_modules import build_model

SAMPLE_RATE = 16000
N_FFT = 400
HOP = 160
CHUNK_SECONDS = 30
# whisper.cpp's g_lang order: language i's token is sot + 1 + i
LANGUAGES = ["en", "zh", "de", "es", "ru", "ko", "fr", "ja", "pt", "tr", "pl", "ca", "nl", "ar", "sv", "it", "id", "hi", "fi", "vi", "he", "uk", "el", "ms", "cs", "ro", "da", "hu", "ta", "no", "th", "ur", "hr", "bg", "lt", "la", "mi", "ml", "cy", "sk", "te", "fa", "lv", "bn", "sr", "az", "sl", "kn", "et", "mk", "br", "eu", "is", "hy", "ne", "mn", "bs", "kk", "sq", "sw", "gl", "mr", "pa", "si", "km", "sn", "yo", "so", "af", "oc", "ka", "be", "tg", "sd", "gu", "am", "yi", "lo", "uz", "fo", "ht", "ps", "tk", "nn", "mt", "sa", "lb", "my", "bo", "tl", "mg", "as", "tt", "haw", "ln", "ha", "ba", "jw", "su", "yue"]
# whisper.cpp's defaults for the checks after a window is decoded (whisper_full_default_params)
NO_SPEECH_THOLD = 0.6
LOGPROB_THOLD = -1.0

DTYPES = {"float32": torch.float32, "float16": torch.float16, "bfloat16": torch.bfloat16}

# What this stack does differently from whisper.cpp's CPU path, stated in every report.
STACK_NOTES = {
    "melFrontEnd": "torch.stft (float64), file mel filters",
    "gelu": "exact erf",
    "attention": "softmax(QK^T) in float32, K/V caches in the model dtype",
    "layerNorm": "float32",
}


class SpecialTokens:
    """whisper.cpp's special token ids, shifted for multilingual vocabularies as its loader does."""

    def __init__(self, n_vocab):
        self.eot, self.sot = 50256, 50257
        self.translate, self.transcribe, self.solm, self.prev, self.nosp, self.not_, self.beg = 50357, 50358, 50359, 50360, 50361, 50362, 50363
        self.multilingual = n_vocab >= 51865
        self.n_languages = n_vocab - 51765 - (1 if self.multilingual else 0)
        if self.multilingual:
            self.eot += 1
            self.sot += 1
            dt = self.n_languages - 98
            self.translate += dt
            self.transcribe += dt
            self.solm += dt
            self.prev += dt
            self.nosp += dt
            self.not_ += dt
            self.beg += dt


class WhisperTorch:
    def __init__(self, path, device="cpu", dtype="float32", threads=None, emulate_flash_attn_padding=False):
        if dtype not in DTYPES:
            raise ValueError(f"dtype {dtype} is not one of {', '.join(DTYPES)}")
        if threads:
            torch.set_num_threads(threads)
        t0 = time.perf_counter()
        self.file = open_checkpoint(path)
        self.device = torch.device(device)
        self.dtype = DTYPES[dtype]
        self.dtype_name = dtype
        # encoder outputs of recent inputs: teacher forcing re-reads audio that was just transcribed
        self._encoded = {}
        dims = self.file.dims
        self.h = dims.as_dict()
        self.n_vocab = dims.n_vocab
        self.special = SpecialTokens(self.n_vocab)
        # token strings as whisper.cpp builds them: the file's, then names for the ones it lacks
        self.vocab = list(self.file.vocab)
        for i in range(len(self.vocab), self.n_vocab):
            self.vocab.append(self._extra_token_name(i))
        self.token_to_id = {}
        for i, t in enumerate(self.vocab):
            self.token_to_id[t] = i  # later ids win, as in whisper.cpp's map
        if b" " not in self.token_to_id:
            raise ValueError("the vocabulary has no ' ' token (whisper.cpp's suppress_blank needs it)")
        self.mel_filters = torch.from_numpy(self.file.mel_filters.astype(np.float64))
        # transformers' module tree, loaded strictly; norms in float32 (as OpenAI's model keeps
        # its LayerNorm), everything else in the compute dtype
        try:
            self.model = build_model(dims, self.file.state_dict, dtype=self.dtype, device=self.device)
        except RuntimeError as e:  # load_state_dict(strict=True): a missing, unexpected or misshapen tensor
            raise ModelFileError(f"tensors do not fit the architecture it declares: {' '.join(str(e).split())[:400]}", path)
        self.file.state_dict = None  # the model holds the weights now: let the file's copy go
        # whisper.cpp 1.9.3 with flash attention (its default) attends over the audio positions
        # padded to a multiple of 256 (1500 -> 1536) without a mask: 36 zero keys and values
        # dilute every encoder self-attention and cross-attention. Off by default: this engine
        # is the independent reference; on, it shows how much of a difference that explains.
        self.audio_pad = self.model.emulate_flash_attn_padding() if emulate_flash_attn_padding else 0
        self.load_ms = (time.perf_counter() - t0) * 1000

    def _extra_token_name(self, i):
        s = self.special
        if i > s.beg:
            return f"[_TT_{i - s.beg}]".encode()
        names = {s.eot: "[_EOT_]", s.sot: "[_SOT_]", s.translate: "[_TRANSLATE_]", s.transcribe: "[_TRANSCRIBE_]", s.solm: "[_SOLM_]", s.prev: "[_PREV_]", s.nosp: "[_NOSP_]", s.not_: "[_NOT_]", s.beg: "[_BEG_]"}
        if i in names:
            return names[i].encode()
        if s.sot < i <= s.sot + s.n_languages:
            return f"[_LANG_{LANGUAGES[i - s.sot - 1]}]".encode()
        return f"[_extra_token_{i}]".encode()

    # ---- front end ----
    def log_mel(self, samples):
        """whisper.cpp's log-mel: 30 s of zeros appended, reflect-padded frames, last frame dropped,
        log10 clamped to max - 8, then (x + 4) / 4. Computed with torch.stft in float64."""
        x = torch.from_numpy(np.asarray(samples, dtype=np.float32)).to(torch.float64)
        x = torch.cat([x, torch.zeros(SAMPLE_RATE * CHUNK_SECONDS, dtype=torch.float64)])
        window = torch.hann_window(N_FFT, periodic=True, dtype=torch.float64)
        spec = torch.stft(x, N_FFT, HOP, window=window, center=True, pad_mode="reflect", return_complex=True)
        power = spec[:, :-1].abs() ** 2
        mel = self.mel_filters @ power
        log_spec = torch.clamp(mel, min=1e-10).log10()
        log_spec = torch.maximum(log_spec, log_spec.max() - 8.0)
        n_len_org = 1 + (len(samples) + N_FFT // 2 - N_FFT) // HOP
        return ((log_spec + 4.0) / 4.0).to(torch.float32), n_len_org

    # ---- network: transformers' modules (whisper_modules) ----
    def encode(self, mel_window):
        """mel_window: [n_mels, 2 * n_audio_ctx] float32 -> [n_audio_ctx, n_state]."""
        return self.model.model.encoder(mel_window)

    def start_decoder(self, audio_features):
        """Cross-attention keys and values of each layer, computed once per window."""
        return self.model.model.decoder.start(audio_features)

    def decode(self, state, tokens):
        """Feeds tokens after state's past; returns float32 logits of each fed position."""
        return self.model.logits(torch.tensor(tokens, dtype=torch.long, device=self.device), state)

    # ---- decoding ----
    def prompt(self, language):
        s = self.special
        p = [s.sot]
        if s.multilingual:
            if language not in LANGUAGES:
                raise ValueError(f"unknown language code {language!r}")
            p += [s.sot + 1 + LANGUAGES.index(language), s.transcribe]
        return p + [s.not_]

    def _window(self, mel, seek):
        n_ctx = self.h["n_audio_ctx"]
        w = torch.zeros(mel.shape[0], 2 * n_ctx)
        part = mel[:, seek:seek + 2 * n_ctx]
        w[:, : part.shape[1]] = part
        return w

    def _encoded_window(self, samples, mel, seek, reuse=True):
        """Transcription always encodes (and keeps the result); teacher forcing reuses it, so a
        gate's forced pass over audio it just transcribed does not pay for the encoder twice."""
        key = (hashlib.sha1(np.ascontiguousarray(samples, dtype=np.float32).tobytes()).hexdigest(), seek)
        hit = self._encoded.pop(key, None) if reuse else None
        if hit is None:
            if mel is None:
                mel, _ = self.log_mel(samples)
            hit = self.encode(self._window(mel, seek))
        self._encoded[key] = hit
        while len(self._encoded) > 32:
            self._encoded.pop(next(iter(self._encoded)))
        return hit

    def _suppress(self, logits, initial):
        """whisper_process_logits for greedy, no timestamps, no tdrz, no grammar, no regex, no nst."""
        s = self.special
        logits = logits.clone()
        if initial:  # suppress_blank
            logits[s.eot] = -math.inf
            logits[self.token_to_id[b" "]] = -math.inf
        logits[s.not_] = -math.inf
        logits[s.beg:] = -math.inf  # no_timestamps
        for t in (s.sot, s.nosp, s.solm, s.translate, s.transcribe, s.prev):
            logits[t] = -math.inf
        logits[s.sot + 1: s.sot + 1 + len(LANGUAGES)] = -math.inf
        return logits

    def transcribe(self, samples, language="en"):
        """whisper_full, greedy at temperature 0 with no fallback and no timestamps: one 30 s window
        after another, each decoded from the bare prompt until end-of-text or n_text_ctx/2 - 4 steps."""
        t0 = time.perf_counter()
        s = self.special
        mel, seek_end = self.log_mel(samples)
        t_mel = time.perf_counter()
        prompt = self.prompt(language)
        n_max = self.h["n_text_ctx"] // 2 - 4
        text_tokens, pieces = [], []
        encode_ms = decode_ms = 0.0
        seek = 0
        window = 100 * CHUNK_SECONDS
        while seek + 10 < seek_end:
            te = time.perf_counter()
            state = self.start_decoder(self._encoded_window(samples, mel, seek, reuse=False))
            encode_ms += (time.perf_counter() - te) * 1000
            td = time.perf_counter()
            logits = self.decode(state, prompt)[-1]
            no_speech_prob = torch.softmax(logits.double(), -1)[s.nosp].item()
            tokens, logprobs = [], []
            completed = False
            for i in range(n_max):
                lp = torch.log_softmax(self._suppress(logits, i == 0).double(), -1)
                tok = int(torch.argmax(lp))  # first maximum, as whisper_sample_token's strict '<'
                tokens.append(tok)
                logprobs.append(lp[tok].item())
                if tok == s.eot:
                    completed = True
                    break
                if i == n_max - 1:
                    break
                logits = self.decode(state, [tok])[-1]
            decode_ms += (time.perf_counter() - td) * 1000
            ids = self._kept(tokens, logprobs, completed, no_speech_prob)
            text_tokens += ids
            pieces.append(b"".join(self.vocab[t] for t in ids))
            seek += window
        total_ms = (time.perf_counter() - t0) * 1000
        text = b"".join(pieces).decode("utf-8", errors="replace").strip()
        return {"text": text, "tokens": text_tokens, "timings": {"totalMs": total_ms, "melMs": (t_mel - t0) * 1000, "encodeMs": encode_ms, "decodeMs": decode_ms}}

    def _kept(self, tokens, logprobs, completed, no_speech_prob):
        """A decoded window's text tokens, or none where whisper.cpp drops the window as no speech."""
        # a decoder that hit the step limit without end-of-text is 'failed' in whisper.cpp;
        # with one temperature it is still the one used, with all its tokens
        avg_logprob = sum(logprobs) / len(logprobs) if completed else -math.inf
        is_no_speech = no_speech_prob > NO_SPEECH_THOLD and avg_logprob < LOGPROB_THOLD
        # (its entropy check, > 32 tokens with entropy < 2.4, only matters with a fallback temperature)
        return [] if is_no_speech else [t for t in tokens if t < self.special.eot]

    def transcribe_batch(self, samples_list, language="en"):
        """Several audios of one window each (30 s at most) decoded as one batch: their windows
        encoded together ([B, n_mels, 3000]), then greedy decoding in step, every sequence fed one
        token per step after the same prompt, so all have the same length and no padding or
        attention mask is needed (a finished one is fed end-of-text, its output ignored); each
        audio's rules as transcribe's. Longer audio is transcribed alone, inside the call."""
        t0 = time.perf_counter()
        s = self.special
        out = [None] * len(samples_list)
        batch = []
        for i, a in enumerate(samples_list):
            mel, seek_end = self.log_mel(a) if len(a) <= SAMPLE_RATE * CHUNK_SECONDS else (None, None)
            if mel is None:
                out[i] = self.transcribe(a, language)
            elif seek_end <= 10:  # transcribe's loop decodes nothing
                out[i] = {"text": "", "tokens": [], "timings": {"totalMs": 0.0}}
            else:
                batch.append((i, mel))
        if batch:
            state = self.start_decoder(self.encode(torch.stack([self._window(mel, 0) for _, mel in batch])))
            ids = torch.tensor([self.prompt(language)] * len(batch), dtype=torch.long, device=self.device)
            logits = self.model.logits(ids, state)[:, -1]
            no_speech = torch.softmax(logits.double(), -1)[:, s.nosp].tolist()
            n_max = self.h["n_text_ctx"] // 2 - 4
            tokens, logprobs, done = [[] for _ in batch], [[] for _ in batch], [False] * len(batch)
            for step in range(n_max):
                fed = []
                for b in range(len(batch)):
                    if not done[b]:
                        lp = torch.log_softmax(self._suppress(logits[b], step == 0).double(), -1)
                        tok = int(torch.argmax(lp))
                        tokens[b].append(tok)
                        logprobs[b].append(lp[tok].item())
                        done[b] = tok == s.eot
                    fed.append(tokens[b][-1] if not done[b] else s.eot)
                if all(done) or step == n_max - 1:
                    break
                logits = self.model.logits(torch.tensor(fed, dtype=torch.long, device=self.device)[:, None], state)[:, -1]
            ms = (time.perf_counter() - t0) * 1000
            for b, (i, _) in enumerate(batch):
                completed = bool(tokens[b]) and tokens[b][-1] == s.eot
                ids = self._kept(tokens[b], logprobs[b], completed, no_speech[b])
                text = b"".join(self.vocab[t] for t in ids).decode("utf-8", errors="replace").strip()
                out[i] = {"text": text, "tokens": ids, "timings": {"totalMs": ms / len(batch), "batchMs": ms, "batchSize": len(batch)}}
        return out

    def forced_logits(self, samples, tokens, language="en"):
        """Teacher forcing on the first window: the raw logits (before suppression) that predict each
        given token, and the ones after the last (len(tokens) + 1 rows, float32)."""
        bad = [t for t in tokens if not (0 <= t < self.n_vocab)]
        if bad:
            raise ValueError(f"token {bad[0]} is outside this model's vocabulary of {self.n_vocab}")
        state = self.start_decoder(self._encoded_window(samples, None, 0))
        prompt = self.prompt(language)
        # one token at a time as whisper.cpp's forced decode does: same KV-cache path as greedy decoding
        rows = [self.decode(state, prompt)[-1]]
        for t in tokens:
            rows.append(self.decode(state, [t])[-1])
        return torch.stack(rows).cpu().numpy().astype("<f4")

    def detect_language(self, samples):
        """whisper_lang_auto_detect: the first window encoded, one decoder step after the
        start-of-transcript token alone, softmax (float64) over the language tokens; the language
        is the first maximum, as whisper.cpp's sort puts it first."""
        s = self.special
        if not s.multilingual:
            raise ValueError("an English-only model has no language tokens")
        state = self.start_decoder(self._encoded_window(samples, None, 0))
        logits = self.decode(state, [s.sot])[-1]
        n = min(len(LANGUAGES), s.n_languages)
        probs = torch.softmax(logits[s.sot + 1: s.sot + 1 + n].double(), -1).cpu().tolist()
        best = max(range(n), key=lambda i: probs[i])
        return {"language": LANGUAGES[best], "probabilities": {LANGUAGES[i]: probs[i] for i in range(n)}}

    def module_paths(self):
        return module_paths(self.h["n_audio_layer"], self.h["n_text_layer"])

    def tensors(self, samples, tokens, plan, language="en"):
        """The `tensors` op: the first window encoded afresh (no cached encoding: the hooks must
        see it), then teacher forcing step by step as forced_logits does, up to the last step
        asked for (step 0: the prompt; step k: token k-1 fed)."""
        last = plan.steps[-1]
        if last > len(tokens):
            raise ValueError(f"step {last} needs {last} forced tokens; {len(tokens)} given")
        bad = [t for t in tokens if not (0 <= t < self.n_vocab)]
        if bad:
            raise ValueError(f"token {bad[0]} is outside this model's vocabulary of {self.n_vocab}")
        with Tap(self.model, plan) as tap:
            mel, _ = self.log_mel(samples)
            window = tap.record("log_mel", self._window(mel, 0))
            state = self.start_decoder(self.encode(window))
            tap.step = 0
            self.decode(state, self.prompt(language))
            for k in range(1, last + 1):
                tap.step = k
                self.decode(state, [tokens[k - 1]])
        return tap.value()
