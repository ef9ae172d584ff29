"""Unit tests for the ggml reader and the decoding rules: /usr/bin/python3 -m unittest discover workers/torch
(the gate itself runs from vitest: suites/cross-engine.test.ts)."""

import os
import struct
import tempfile
import unittest

from ggml_file import GgmlWhisperFile, ModelFileError
from whisper_torch import SpecialTokens

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
F32 = os.path.join(ROOT, "fixtures", "generated", "models", "parity-seed1-f32.bin")
F16 = os.path.join(ROOT, "fixtures", "generated", "models", "parity-seed1-f16.bin")


class GgmlFileTest(unittest.TestCase):
    @unittest.skipUnless(os.path.exists(F32) and os.path.exists(F16), "generated models missing: run `npm run fixtures`")
    def test_f32_and_f16_files_hold_the_same_weights_to_f16_precision(self):
        a, b = GgmlWhisperFile(F32), GgmlWhisperFile(F16)
        self.assertEqual(a.hparams["ftype"], 0)
        self.assertEqual(b.hparams["ftype"], 1)
        self.assertEqual(set(a.tensors), set(b.tensors))
        self.assertEqual(b.tensor_types["encoder.conv1.weight"], "f16")
        self.assertEqual(b.tensor_types["encoder.positional_embedding"], "f32")
        for name, t in a.tensors.items():
            self.assertEqual(t.shape, b.tensors[name].shape, name)
            self.assertTrue(abs(t.astype("f4") - b.tensors[name].astype("f4")).max() <= abs(t).max() * 1e-3 + 1e-6, name)
        # a [out, in] Linear weight: ggml stores dims innermost first
        d = a.hparams["n_audio_state"]
        self.assertEqual(a.tensors["encoder.blocks.0.mlp.0.weight"].shape, (4 * d, d))

    def test_refuses_a_truncated_file_and_a_wrong_magic(self):
        with tempfile.NamedTemporaryFile(suffix=".bin") as f:
            f.write(b"not a model at all")
            f.flush()
            with self.assertRaisesRegex(ModelFileError, "bad magic"):
                GgmlWhisperFile(f.name)
        with tempfile.NamedTemporaryFile(suffix=".bin") as f:
            f.write(struct.pack("<I", 0x67676D6C) + struct.pack("<5i", 1, 2, 3, 4, 5))
            f.flush()
            with self.assertRaisesRegex(ModelFileError, "truncated"):
                GgmlWhisperFile(f.name)

    def test_special_tokens_follow_whisper_cpp_for_large_v3_vocabularies(self):
        s = SpecialTokens(51866)
        self.assertEqual((s.eot, s.sot, s.transcribe, s.nosp, s.not_, s.beg), (50257, 50258, 50360, 50363, 50364, 50365))
        self.assertEqual(s.n_languages, 100)


if __name__ == "__main__":
    unittest.main()
