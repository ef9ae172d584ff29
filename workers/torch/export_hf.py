#!/usr/bin/env python3
"""Writes a whisper.cpp ggml model as a transformers Whisper folder, the way transformers'
save_pretrained lays one out: model.safetensors (the modules' state_dict under transformers' keys,
proj_out left out as tied), config.json, generation_config.json, preprocessor_config.json,
vocab.json, added_tokens.json.

"Someone else's script": it shares nothing with the TypeScript converter (harness side) but the
file formats, so a folder it writes is an independent check of that reader. The tensors go
through the engine's modules (whisper_modules.build_model, strict load), so a name the map gets
wrong fails here, not later.

  /usr/bin/python3 workers/torch/export_hf.py MODEL.bin OUT_DIR [--dtype f32|f16]
"""

import argparse
import json
import os
import sys

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
# whisper_torch imports the shared tensor tap from workers/common, as worker.py arranges too
sys.path[:0] = [HERE, os.path.join(HERE, "..", "common")]

import torch  # noqa: E402

from checkpoint import bytes_to_unicode, read_ggml  # noqa: E402
from safetensors_file import write_safetensors  # noqa: E402
from whisper_modules import build_model  # noqa: E402
from whisper_torch import LANGUAGES, SpecialTokens  # noqa: E402

# the transformers release whose save_pretrained layout this follows
TRANSFORMERS_VERSION = "4.38.2"


def special_token_names(s, n_vocab):
    """id -> transformers' special token string, for ids from end-of-text up."""
    names = {s.eot: "<|endoftext|>", s.sot: "<|startoftranscript|>", s.translate: "<|translate|>", s.transcribe: "<|transcribe|>",
             s.solm: "<|startoflm|>", s.prev: "<|startofprev|>", s.nosp: "<|nospeech|>", s.not_: "<|notimestamps|>"}
    for i, lang in enumerate(LANGUAGES[: s.n_languages]):
        names[s.sot + 1 + i] = f"<|{lang}|>"
    for i in range(s.beg, n_vocab):
        names[i] = f"<|{(i - s.beg) * 0.02:.2f}|>"
    return names


def export(model_path, out, dtype_name=None):
    ck = read_ggml(model_path)
    dims = ck.dims
    dtype_name = dtype_name or ("f16" if ck.ftype == 1 else "f32")
    dtype = {"f32": torch.float32, "f16": torch.float16}[dtype_name]
    s = SpecialTokens(dims.n_vocab)
    if len(ck.vocab) < s.eot:
        raise SystemExit(f"{model_path}: {len(ck.vocab)} text tokens, fewer than the {s.eot} below end-of-text")
    byte_encoder = bytes_to_unicode()
    vocab = {}
    for i, b in enumerate(ck.vocab[: s.eot]):
        key = "".join(byte_encoder[x] for x in b)
        if key in vocab:
            raise SystemExit(f"{model_path}: tokens {vocab[key]} and {i} are the same bytes {b!r}: vocab.json cannot hold both")
        vocab[key] = i
    specials = special_token_names(s, dims.n_vocab)
    vocab[specials[s.eot]] = s.eot  # transformers keeps <|endoftext|> in vocab.json, the rest in added_tokens.json
    added = {specials[i]: i for i in sorted(specials) if i != s.eot}

    model = build_model(dims, ck.state_dict, dtype=torch.float32)
    state = {k: v.to(dtype) for k, v in model.state_dict().items()}  # proj_out is tied: not a key of the state_dict

    os.makedirs(out, exist_ok=True)
    write_safetensors(os.path.join(out, "model.safetensors"), state, metadata={"format": "pt"})
    d = dims.n_audio_state
    config = {
        "_name_or_path": os.path.basename(model_path), "activation_dropout": 0.0, "activation_function": "gelu", "apply_spec_augment": False,
        "architectures": ["WhisperForConditionalGeneration"], "attention_dropout": 0.0, "begin_suppress_tokens": [vocab.get("Ġ", 220), s.eot],
        "bos_token_id": s.eot, "classifier_proj_size": 256, "d_model": d, "decoder_attention_heads": dims.n_text_head, "decoder_ffn_dim": 4 * d,
        "decoder_layerdrop": 0.0, "decoder_layers": dims.n_text_layer, "decoder_start_token_id": s.sot, "dropout": 0.0,
        "encoder_attention_heads": dims.n_audio_head, "encoder_ffn_dim": 4 * d, "encoder_layerdrop": 0.0, "encoder_layers": dims.n_audio_layer,
        "eos_token_id": s.eot, "init_std": 0.02, "is_encoder_decoder": True, "mask_feature_length": 10, "mask_feature_min_masks": 0,
        "mask_feature_prob": 0.0, "mask_time_length": 10, "mask_time_min_masks": 2, "mask_time_prob": 0.05, "max_length": dims.n_text_ctx,
        "max_source_positions": dims.n_audio_ctx, "max_target_positions": dims.n_text_ctx, "median_filter_width": 7, "model_type": "whisper",
        "num_hidden_layers": dims.n_audio_layer, "num_mel_bins": dims.n_mels, "pad_token_id": s.eot, "scale_embedding": False,
        "torch_dtype": {"f32": "float32", "f16": "float16"}[dtype_name], "transformers_version": TRANSFORMERS_VERSION, "use_cache": True,
        "use_weighted_layer_sum": False, "vocab_size": dims.n_vocab,
    }
    generation = {
        "begin_suppress_tokens": [vocab.get("Ġ", 220), s.eot], "bos_token_id": s.eot, "decoder_start_token_id": s.sot, "eos_token_id": s.eot,
        "is_multilingual": s.multilingual, "lang_to_id": {f"<|{l}|>": s.sot + 1 + i for i, l in enumerate(LANGUAGES[: s.n_languages])} if s.multilingual else {},
        "max_initial_timestamp_index": 50, "max_length": dims.n_text_ctx, "no_timestamps_token_id": s.not_, "pad_token_id": s.eot,
        "prev_sot_token_id": s.prev, "return_timestamps": False, "task_to_id": {"transcribe": s.transcribe, "translate": s.translate},
        "transformers_version": TRANSFORMERS_VERSION,
    }
    preprocessor = {
        "chunk_length": 30, "feature_extractor_type": "WhisperFeatureExtractor", "feature_size": dims.n_mels, "hop_length": 160, "n_fft": 400,
        "n_samples": 480000, "nb_max_frames": 3000, "padding_side": "right", "padding_value": 0.0, "processor_class": "WhisperProcessor",
        "return_attention_mask": False, "sampling_rate": 16000,
    }
    for name, obj in (("config.json", config), ("generation_config.json", generation), ("preprocessor_config.json", preprocessor)):
        with open(os.path.join(out, name), "w", encoding="utf-8") as f:
            json.dump(obj, f, indent=2, sort_keys=True)
            f.write("\n")
    with open(os.path.join(out, "vocab.json"), "w", encoding="utf-8") as f:
        json.dump(vocab, f, ensure_ascii=False)
    with open(os.path.join(out, "added_tokens.json"), "w", encoding="utf-8") as f:
        json.dump(added, f, indent=2, ensure_ascii=False)
    return out


def main():
    ap = argparse.ArgumentParser(description="ggml Whisper model -> transformers folder (model.safetensors, config.json, vocab.json, ...)")
    ap.add_argument("model")
    ap.add_argument("out")
    ap.add_argument("--dtype", choices=["f32", "f16"], help="tensor type in model.safetensors (default: the file's)")
    a = ap.parse_args()
    print(export(a.model, a.out, a.dtype))


if __name__ == "__main__":
    main()
