"""Unit tests for the module tree, the transformers folder reader, the safetensors reader and
export_hf: /usr/bin/python3 -m unittest discover workers/torch"""

import json
import os
import shutil
import struct
import sys
import tempfile
import unittest

import numpy as np
import torch

sys.dont_write_bytecode = True
from checkpoint import open_checkpoint, read_ggml, read_hf_folder  # noqa: E402
from export_hf import export  # noqa: E402
from ggml_file import ModelFileError  # noqa: E402
from safetensors_file import read_safetensors, write_safetensors  # noqa: E402
from whisper_modules import Dims, WhisperForConditionalGeneration  # noqa: E402
from whisper_torch import WhisperTorch  # noqa: E402

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
F32 = os.path.join(ROOT, "fixtures", "generated", "models", "parity-seed1-f32.bin")
HAVE_FIXTURES = os.path.exists(F32)


def transformers_keys(n_enc, n_dec):
    """WhisperForConditionalGeneration's state_dict keys as transformers' modeling_whisper.py names them (proj_out tied, left out)."""
    attn = [f"{p}_proj.{w}" for p in "qkvo" for w in ("weight", "bias")]
    attn = [a.replace("o_proj", "out_proj") for a in attn if a != "k_proj.bias"]
    ln = ["weight", "bias"]
    keys = [f"model.encoder.conv{i}.{w}" for i in (1, 2) for w in ln] + ["model.encoder.embed_positions.weight"]
    for n in range(n_enc):
        p = f"model.encoder.layers.{n}."
        keys += [p + "self_attn." + a for a in attn] + [p + f"{m}.{w}" for m in ("self_attn_layer_norm", "fc1", "fc2", "final_layer_norm") for w in ln]
    keys += [f"model.encoder.layer_norm.{w}" for w in ln] + ["model.decoder.embed_tokens.weight", "model.decoder.embed_positions.weight"]
    for n in range(n_dec):
        p = f"model.decoder.layers.{n}."
        keys += [p + f"{a}." + x for a in ("self_attn", "encoder_attn") for x in attn]
        keys += [p + f"{m}.{w}" for m in ("self_attn_layer_norm", "encoder_attn_layer_norm", "fc1", "fc2", "final_layer_norm") for w in ln]
    return sorted(keys + [f"model.decoder.layer_norm.{w}" for w in ln])


SMALL = Dims(n_mels=80, n_vocab=51865, n_audio_ctx=1500, n_audio_state=64, n_audio_head=2, n_audio_layer=3, n_text_ctx=448, n_text_state=64, n_text_head=2, n_text_layer=2)


class ModuleTreeTest(unittest.TestCase):
    def test_state_dict_keys_are_transformers_own_and_proj_out_is_tied(self):
        m = WhisperForConditionalGeneration(SMALL, device="meta")
        self.assertEqual(sorted(m.state_dict()), transformers_keys(3, 2))
        names = dict(m.named_modules())
        for path in ("model.encoder.layers.2.self_attn.out_proj", "model.decoder.layers.1.encoder_attn.k_proj", "model.decoder.embed_positions", "proj_out"):
            self.assertIn(path, names)
        self.assertIs(m.proj_out.weight, m.model.decoder.embed_tokens.weight)
        self.assertIsNone(m.model.encoder.layers[0].self_attn.k_proj.bias)


@unittest.skipUnless(HAVE_FIXTURES, "generated models missing: run `npm run fixtures`")
class TransformersFolderTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp(prefix="asr-parity-hf-")
        cls.folder = export(F32, os.path.join(cls.tmp, "parity-hf"))

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp, ignore_errors=True)

    def copy(self, name):
        d = os.path.join(self.tmp, name)
        shutil.copytree(self.folder, d)
        return d

    def copy_with_config(self, name, **changes):
        """A copy of the folder whose config.json has these fields changed."""
        d = self.copy(name)
        with open(os.path.join(d, "config.json")) as f:
            cfg = json.load(f)
        cfg.update(changes)
        with open(os.path.join(d, "config.json"), "w") as f:
            json.dump(cfg, f)
        return d

    def test_export_writes_what_transformers_writes_and_reads_back_tensor_for_tensor(self):
        self.assertEqual(sorted(os.listdir(self.folder)), ["added_tokens.json", "config.json", "generation_config.json", "model.safetensors", "preprocessor_config.json", "vocab.json"])
        st = read_safetensors(os.path.join(self.folder, "model.safetensors"))
        self.assertEqual(sorted(st), transformers_keys(2, 2))  # the parity model: 2 + 2 layers
        a, b = read_ggml(F32), read_hf_folder(self.folder)
        self.assertEqual(a.dims.as_dict(), b.dims.as_dict())
        for k, t in a.state_dict.items():
            self.assertTrue(torch.equal(t, b.state_dict[k]), k)
        self.assertEqual(a.vocab, b.vocab)
        # the folder has no mel filters: Slaney's, computed, equal the file's (written by librosa's rules too)
        np.testing.assert_array_equal(a.mel_filters, b.mel_filters)

    def test_the_folder_transcribes_exactly_as_its_ggml_twin(self):
        # 2 s of 440 Hz then 1 s of 1 kHz at 16 kHz: the parity model names each band it hears
        t = np.arange(3 * 16000) / 16000
        audio = (0.4 * np.sin(2 * np.pi * np.where(t < 2, 440, 1000) * t)).astype(np.float32)
        with torch.no_grad():
            g, h = WhisperTorch(F32), WhisperTorch(self.folder)
            tg, th = g.transcribe(audio), h.transcribe(audio)
            self.assertEqual((tg["text"], tg["tokens"]), (th["text"], th["tokens"]))
            self.assertTrue(len(tg["tokens"]) > 0)
            np.testing.assert_array_equal(g.forced_logits(audio, tg["tokens"]), h.forced_logits(audio, th["tokens"]))

    def test_bf16_and_f16_checkpoints_read_as_their_dtype(self):
        d = self.copy("bf16")
        st = read_safetensors(os.path.join(d, "model.safetensors"))
        write_safetensors(os.path.join(d, "model.safetensors"), {k: v.to(torch.bfloat16) for k, v in st.items()})
        back = read_hf_folder(d)
        self.assertEqual(back.weight_dtype, "bfloat16")
        k = "model.decoder.layers.0.fc1.weight"
        self.assertTrue(torch.equal(back.state_dict[k], st[k].to(torch.bfloat16)))

    def test_a_sharded_checkpoint_loads_and_a_missing_shard_is_named(self):
        d = self.copy("sharded")
        st = read_safetensors(os.path.join(d, "model.safetensors"))
        os.remove(os.path.join(d, "model.safetensors"))
        names = sorted(st)
        halves = {"model-00001-of-00002.safetensors": names[: len(names) // 2], "model-00002-of-00002.safetensors": names[len(names) // 2:]}
        for f, ks in halves.items():
            write_safetensors(os.path.join(d, f), {k: st[k] for k in ks})
        with open(os.path.join(d, "model.safetensors.index.json"), "w") as f:
            json.dump({"metadata": {}, "weight_map": {k: f for f, ks in halves.items() for k in ks}}, f)
        self.assertEqual(sorted(read_hf_folder(d).state_dict), names)
        os.remove(os.path.join(d, "model-00002-of-00002.safetensors"))
        with self.assertRaisesRegex(ModelFileError, "shard named by model.safetensors.index.json is missing") as e:
            read_hf_folder(d)
        self.assertTrue(e.exception.path.endswith("model-00002-of-00002.safetensors"))

    def test_bad_checkpoints_are_refused_naming_the_file(self):
        st_path = lambda d: os.path.join(d, "model.safetensors")  # noqa: E731
        d = self.copy("truncated")
        size = os.path.getsize(st_path(d))
        with open(st_path(d), "r+b") as f:
            f.truncate(size - 1000)
        with self.assertRaisesRegex(ModelFileError, "outside the data's") as e:
            read_hf_folder(d)
        self.assertEqual(e.exception.path, st_path(d))

        d = self.copy("header-past-end")
        with open(st_path(d), "r+b") as f:
            f.write(struct.pack("<Q", size * 2))
        with self.assertRaisesRegex(ModelFileError, "runs past the end of the file"):
            read_hf_folder(d)

        d = self.copy("wrong-shape")
        st = read_safetensors(st_path(d))
        st["model.decoder.layers.0.fc1.weight"] = st["model.decoder.layers.0.fc1.weight"][:10].clone()
        write_safetensors(st_path(d), st)
        with self.assertRaisesRegex(ModelFileError, "fc1.weight.*do not fit|do not fit.*fc1.weight"):
            WhisperTorch(d)

        d = self.copy_with_config("unknown-architecture", model_type="wav2vec2")
        with self.assertRaisesRegex(ModelFileError, "model_type 'wav2vec2' is not whisper") as e:
            read_hf_folder(d)
        self.assertTrue(e.exception.path.endswith("config.json"))

        d = self.copy("pickle-only")
        os.remove(st_path(d))
        open(os.path.join(d, "pytorch_model.bin"), "wb").close()
        with self.assertRaisesRegex(ModelFileError, "pickled.*save_pretrained.*safe_serialization=True"):
            open_checkpoint(d)

    def test_fresh_eyes_audit_boundaries(self):
        """Issue 24's fresh-eyes audit: each of these breaks of the reader passed every test before."""
        st_path = lambda d: os.path.join(d, "model.safetensors")  # noqa: E731
        # a header length 1 byte past the end: named as such, not as a JSON error
        d = self.copy("header-one-past")
        size = os.path.getsize(st_path(d))
        with open(st_path(d), "r+b") as f:
            f.write(struct.pack("<Q", size - 7))
        with self.assertRaisesRegex(ModelFileError, "runs past the end of the file"):
            read_hf_folder(d)
        # a byte range longer than its shape needs
        d = self.copy("long-range")
        with open(st_path(d), "rb") as f:
            n = struct.unpack("<Q", f.read(8))[0]
            header, data = json.loads(f.read(n)), f.read()
        k = "model.decoder.layer_norm.bias"
        header[k]["shape"] = [header[k]["shape"][0] - 1]
        h = json.dumps(header).encode()
        with open(st_path(d), "wb") as f:
            f.write(struct.pack("<Q", len(h)) + h + data)
        with self.assertRaisesRegex(ModelFileError, "layer_norm.bias: .* bytes for shape"):
            read_hf_folder(d)
        # an untied output projection: refused, this engine ties it
        d = self.copy("untied")
        st = read_safetensors(st_path(d))
        st = {name: t.clone() for name, t in st.items()}
        st["proj_out.weight"] = st["model.decoder.embed_tokens.weight"] + 1
        write_safetensors(st_path(d), st)
        with self.assertRaisesRegex(ModelFileError, "proj_out.weight differs"):
            read_hf_folder(d)
        # a multilingual vocabulary (n_vocab 51865, large-v2 and before): 50257 text tokens, end-of-text at 50257
        d = self.copy_with_config("vocab-51865", vocab_size=51865)
        self.assertEqual(len(read_hf_folder(d).vocab), 50257)

    def test_gpt2_byte_map_at_its_range_edges(self):
        # openai/gpt-2's bytes_to_unicode: printable bytes keep their code point, the others take 256, 257, ... in order
        from checkpoint import BYTE_DECODER
        want = {0x00: 0x100, 0x20: 0x120, 0x7F: 0x121, 0xA0: 0x142, 0xAC: 0xAC, 0xAD: 0x143, 0xAE: 0xAE}
        for b, c in want.items():
            self.assertEqual(BYTE_DECODER[chr(c)], b, hex(b))


if __name__ == "__main__":
    unittest.main()
