# ONNX oracle for test/oracle/onnx.test.ts: exports torchvision classification models (random
# weights, eval mode, so BatchNorm after a convolution is folded into it) to ONNX files in
# the folder given as argv[1], one model per name on stdin, and answers one JSON line per
# model with what PyTorch and the file say:
#   macs:   forward hooks on the PyTorch model, counting as test/oracle/oracle.py does
#           (Conv2d, ConvTranspose2d, Linear; docs/counting.md), and nn.MultiheadAttention
#           counted explicitly (mha_macs: its projections run through F.linear, not through
#           Linear modules, and its two batched products through torch.bmm, which no hook sees);
#   params: the parameters the ONNX file holds: elements of the floating-point initializers
#           (more than one element) each op reads as weights, less BatchNormalization's running
#           mean and variance (statistics, not parameters), and less operands that are settings
#           (Resize scales, Clip bounds, Pad values).
# A name written `NAME@external` is exported with the first 5 kernels of its first depthwise
# convolution set to zero and saved with its weights in an external data file
# (`save_as_external_data`) in a folder of its own; the answer adds `dead`: the depthwise
# kernels of the file whose every |weight| is at most 1e-6 of their layer's largest, counted
# with numpy from the data file (the dead-depthwise-kernel rule's test, independently).
# A model that fails to build, run or export is answered with its error.
import json
import os
import sys
import traceback

import numpy as np
import onnx
import torch
import torchvision

from onnx import numpy_helper
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


def count_mha(module, store, index):
    """Wraps an nn.MultiheadAttention's forward (torchvision calls it with keyword arguments,
    which forward hooks do not see in this torch) to add its MACs to store[index]; returns the
    undo."""
    forward = module.forward

    def counted(query, key, value, *args, **kwargs):
        store[index] += mha_macs(module, query, key, value)
        return forward(query, key, value, *args, **kwargs)

    module.forward = counted
    return lambda: module.__dict__.pop("forward")


def mha_macs(module, q, k, v):
    """nn.MultiheadAttention: the q, k and v projections (E x E each), Q·Kᵀ and A·V (Lq x Lk x E
    per item over all heads) and the output projection (E x E), as LayerLint counts them."""
    e = module.embed_dim
    lq = q.shape[1] if module.batch_first else q.shape[0]
    lk = k.shape[1] if module.batch_first else k.shape[0]
    items = q.numel() // (lq * e)
    projections = (q.numel() + k.numel() + v.numel()) * e + q.numel() * e
    return projections + 2 * items * lq * lk * e


def zero_first_depthwise(model):
    """Sets the first 5 kernels of the model's first depthwise convolution to zero."""
    for module in model.modules():
        if isinstance(module, torch.nn.Conv2d) and module.groups > 1 and module.groups == module.in_channels:
            with torch.no_grad():
                module.weight[:5] = 0
            return


def dead_kernels(path):
    """Depthwise kernels (Conv with group = C_out, one input channel per kernel) that are negligible, read with numpy."""
    model = onnx.load(path)  # loads the external data next to it
    weights = {t.name: numpy_helper.to_array(t) for t in model.graph.initializer}
    dead = 0
    for node in model.graph.node:
        group = next((a.i for a in node.attribute if a.name == "group"), 1)
        w = weights.get(node.input[1]) if node.op_type == "Conv" and len(node.input) > 1 else None
        if w is None or group < 2 or w.shape[0] != group or w.shape[1] != 1:
            continue
        top = np.abs(w).max()
        dead += int((np.abs(w).reshape(w.shape[0], -1).max(axis=1) <= 1e-6 * top).sum())
    return dead


def measure(name, folder):
    name, _, variant = name.partition("@")
    builder = getattr(torchvision.models, name)
    kwargs = {"aux_logits": False, "init_weights": True} if name in ("googlenet", "inception_v3") else {}
    model = builder(weights=None, **kwargs).eval()
    size = 299 if name == "inception_v3" else 224
    x = torch.zeros(1, 3, size, size)
    store = {}
    hooks = []
    inside_mha = {id(m.out_proj) for m in model.modules() if isinstance(m, torch.nn.MultiheadAttention)}
    for index, module in enumerate(model.modules()):
        if isinstance(module, torch.nn.MultiheadAttention):
            store[index] = 0
            hooks.append(count_mha(module, store, index))
        elif isinstance(module, (torch.nn.Conv2d, torch.nn.ConvTranspose2d, torch.nn.Linear)) and id(module) not in inside_mha:
            store[index] = 0
            hooks.append(module.register_forward_hook(macs_hook(store, index)).remove)
    with torch.no_grad():
        model(x)
    if variant == "external":
        zero_first_depthwise(model)
    macs = sum(store.values())
    for undo in hooks:  # export traces the model: hooks would count symbolic tensors
        undo()
    path = os.path.join(folder, f"{name}.onnx")
    torch.onnx.export(model, x, path, opset_version=13, input_names=["input"], dynamic_axes={"input": {0: "batch"}})
    answer = {"macs": macs, "params": stored_params(path), "file": path, "side": size}
    if variant == "external":
        own = os.path.join(folder, f"{name}-external")
        os.makedirs(own, exist_ok=True)
        external = os.path.join(own, f"{name}.onnx")
        onnx.save(onnx.load(path), external, save_as_external_data=True, location=f"{name}.data", size_threshold=64)
        os.remove(path)
        answer.update(file=external, dead=dead_kernels(external))
    return answer


def main():
    folder = sys.argv[1]
    for line in sys.stdin:
        name = line.strip()
        if not name:
            continue
        try:
            answer = {**measure(name, folder), "name": name}
        except Exception as e:  # reported to the test
            answer = {"name": name, "error": f"{type(e).__name__}: {e}", "trace": traceback.format_exc(limit=3)}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
