"""The tensors op's hooks (tensor_tap.py) on a two-layer toy model: capture by module path, feeding
an input (isolation), and the refusals: /usr/bin/python3 -m unittest discover workers/common"""

import base64
import sys
import unittest

import numpy as np

sys.dont_write_bytecode = True
from protocol import WorkerError  # noqa: E402

try:  # the tensors op is the torch workers': protocol.py's own tests need only numpy
    import torch
    from tensor_tap import Plan, Tap, inject_fault, wire_tensor
except ImportError:
    torch = None

MODULES = ["a", "b"]


class Toy(torch.nn.Module if torch else object):
    def __init__(self):
        super().__init__()
        self.a = torch.nn.Linear(3, 3)
        self.b = torch.nn.Linear(3, 3)
        with torch.no_grad():
            self.a.weight.copy_(torch.eye(3) * 2)
            self.a.bias.zero_()
            self.b.weight.copy_(torch.eye(3))
            self.b.bias.fill_(1)

    def forward(self, x):
        return self.b(self.a(x))


def values(row):
    return np.frombuffer(base64.b64decode(row["values"]), "<f4")


def run(model, req, x):
    with Tap(model, Plan(req, MODULES)) as tap, torch.no_grad():
        model(x)
    return tap.value()


@unittest.skipIf(torch is None, "torch is not installed for this Python")
class TensorTapTest(unittest.TestCase):
    def test_captures_each_module_output_and_input_in_forward_order(self):
        v = run(Toy(), {"values": True, "inputs": True}, torch.tensor([1.0, 2.0, 3.0]))
        self.assertEqual([t["name"] for t in v["tensors"]], ["a", "b"])
        np.testing.assert_array_equal(values(v["tensors"][0]), [2, 4, 6])
        np.testing.assert_array_equal(values(v["tensors"][1]), [3, 5, 7])
        self.assertEqual(v["inputs"]["b"]["shape"], [3])

    def test_a_fed_input_replaces_the_module_own(self):
        fed = wire_tensor(torch.tensor([0.0, 0.0, 0.0]))
        v = run(Toy(), {"values": True, "feed": {"b": fed}}, torch.tensor([1.0, 2.0, 3.0]))
        np.testing.assert_array_equal(values(v["tensors"][1]), [1, 1, 1])
        self.assertEqual(v["fed"], 1)

    def test_refuses_a_feed_of_another_shape_an_unknown_module_and_an_unused_feed(self):
        with self.assertRaisesRegex(WorkerError, "shape"):
            run(Toy(), {"feed": {"b": wire_tensor(torch.zeros(4))}}, torch.ones(3))
        with self.assertRaisesRegex(WorkerError, "no module 'c'"):
            Plan({"modules": ["c"]}, MODULES)
        with self.assertRaisesRegex(WorkerError, "not a captured module"):
            Plan({"feed": {"c": wire_tensor(torch.zeros(3))}}, MODULES)
        with self.assertRaisesRegex(WorkerError, "never used"):
            run(Toy(), {"feed": {"b@3": wire_tensor(torch.zeros(3))}}, torch.ones(3))

    def test_an_injected_fault_scales_one_module_and_names_itself(self):
        m = Toy()
        self.assertEqual(inject_fault(m, {"module": "a", "scale": -1}), "a output x-1")
        v = run(m, {"values": True}, torch.tensor([1.0, 2.0, 3.0]))
        np.testing.assert_array_equal(values(v["tensors"][0]), [-2, -4, -6])
        with self.assertRaises(WorkerError):
            inject_fault(m, {"module": "nope", "scale": 2})


if __name__ == "__main__":
    unittest.main()
