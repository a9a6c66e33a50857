# ONNX oracle for test/oracle/onnx.test.ts: exports torchvision classification models (random
# weights, eval mode, so BatchNorm after a convolution is folded into it) to ONNX files in
# the folder given as argv[1], one model per name on stdin, and answers one JSON line per
# model with what PyTorch and the file say:
#   macs:   forward hooks on the PyTorch model, counting as test/oracle/oracle.py does
#           (Conv2d, ConvTranspose2d, Linear; docs/counting.md);
#   params: the parameters the ONNX file holds: elements of the floating-point initializers
#           (more than one element) each op reads as weights, less BatchNormalization's running
#           mean and variance (statistics, not parameters), and less operands that are settings
#           (Resize scales, Clip bounds, Pad values).
# A model that fails to build, run or export is answered with its error.
import json
import os
import sys
import traceback

import onnx
import torch
import torchvision

from oracle import macs_hook

torch.set_num_threads(1)
# Ops whose float operands are settings (scales, bounds, pads), and Identity (resolved above).
NOT_WEIGHTS = {"Identity", "Resize", "Upsample", "Clip", "Pad"}
FLOAT_TYPES = {onnx.TensorProto.FLOAT, onnx.TensorProto.FLOAT16, onnx.TensorProto.DOUBLE, onnx.TensorProto.BFLOAT16}


def stored_params(path):
    """Elements of the float initializers each op reads as weights (through Identity nodes)."""
    g = onnx.load(path).graph
    sizes = {}
    for t in g.initializer:
        if t.data_type in FLOAT_TYPES:
            n = 1
            for d in t.dims:
                n *= d
            sizes[t.name] = n
    for node in g.node:  # export shares equal tensors (zero biases) through Identity nodes
        if node.op_type == "Identity" and node.input[0] in sizes:
            sizes[node.output[0]] = sizes[node.input[0]]
    total = 0
    for node in g.node:
        if node.op_type in NOT_WEIGHTS:
            continue
        for k, name in enumerate(node.input):
            if node.op_type == "BatchNormalization" and k >= 3:
                continue  # running mean and variance: statistics, not parameters
            if sizes.get(name, 0) > 1:
                total += sizes[name]
    return total


def measure(name, folder):
    builder = getattr(torchvision.models, name)
    kwargs = {"aux_logits": False, "init_weights": True} if name in ("googlenet", "inception_v3") else {}
    model = builder(weights=None, **kwargs).eval()
    size = 299 if name == "inception_v3" else 224
    x = torch.zeros(1, 3, size, size)
    store = {}
    hooks = []
    for index, module in enumerate(model.modules()):
        if isinstance(module, (torch.nn.Conv2d, torch.nn.ConvTranspose2d, torch.nn.Linear)):
            store[index] = 0
            hooks.append(module.register_forward_hook(macs_hook(store, index)))
    with torch.no_grad():
        model(x)
    macs = sum(store.values())
    for hook in hooks:  # export traces the model: hooks would count symbolic tensors
        hook.remove()
    path = os.path.join(folder, f"{name}.onnx")
    torch.onnx.export(model, x, path, opset_version=13, input_names=["input"], dynamic_axes={"input": {0: "batch"}})
    return {"macs": macs, "params": stored_params(path), "file": path, "side": size}


def main():
    folder = sys.argv[1]
    for line in sys.stdin:
        name = line.strip()
        if not name:
            continue
        try:
            answer = {"name": name, **measure(name, folder)}
        except Exception as e:  # reported to the test
            answer = {"name": name, "error": f"{type(e).__name__}: {e}", "trace": traceback.format_exc(limit=3)}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
