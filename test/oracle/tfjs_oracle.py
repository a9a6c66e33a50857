"""Independent count of dead depthwise kernels and dead batch-norm channels in TensorFlow.js
graph models, with numpy (test/oracle/tfjs.test.ts): for each model.json given on the command
line, read its weight shards, and for every DepthwiseConv2dNative / FusedDepthwiseConv2dNative
take each kernel's largest |weight| over the window ([K_h, K_w, C, M] -> C*M kernels), folded
with a fused FusedBatchNorm (gamma / sqrt(var + eps)) or with a per-channel Mul or
FusedBatchNorm that is the conv's only reader; a kernel is dead when that is at most 1e-6 of the
layer's largest. Batch-norm channels are dead when |gamma| <= 1e-6 of the layer's largest.
Prints one JSON object per model: {"model", "kernels": {layer: [dead, total]}, "channels": {...}}.
"""
import base64
import json
import os
import sys

import numpy as np

NEGLIGIBLE = 1e-6
BYTES = {"float32": 4, "int32": 4, "uint8": 1, "uint16": 2, "float16": 2, "bool": 1}


def read_weights(path):
    model = json.load(open(path))
    folder = os.path.dirname(path)
    out = {}
    for group in model["weightsManifest"]:
        data = b"".join(open(os.path.join(folder, p), "rb").read() for p in group["paths"])
        offset = 0
        for w in group["weights"]:
            q = w.get("quantization")
            kind = q["dtype"] if q else w["dtype"]
            n = int(np.prod(w["shape"])) if w["shape"] else 1
            raw = data[offset : offset + n * BYTES[kind]]
            offset += n * BYTES[kind]
            values = np.frombuffer(raw, dtype={"float32": "<f4", "int32": "<i4", "uint8": "u1", "uint16": "<u2", "float16": "<f2", "bool": "u1"}[kind]).astype(np.float64)
            if q and kind in ("uint8", "uint16"):
                values = values * q["scale"] + q["min"]
            out[w["name"]] = values.reshape(w["shape"]) if w["shape"] else values
    return model, out


def fused_ops(node):
    return [base64.b64decode(s).decode() for s in node.get("attr", {}).get("fused_ops", {}).get("list", {}).get("s", [])]


def epsilon(node):
    return node.get("attr", {}).get("epsilon", {}).get("f", 1e-3) or 0.0


def dead(values):
    top = np.max(np.abs(values)) if values.size else 0.0
    return int(np.sum(np.abs(values) <= NEGLIGIBLE * top))


def count(path):
    model, weights = read_weights(path)
    nodes = model["modelTopology"]["node"]
    readers = {}
    for n in nodes:
        for i in n.get("input", []):
            readers.setdefault(i.split(":")[0] if i.endswith(":0") else i, []).append(n)
    kernels, channels = {}, {}
    for n in nodes:
        ins = n.get("input", [])
        if n["op"].startswith("FusedBatchNorm") or "FusedBatchNorm" in fused_ops(n):
            gamma = weights.get(ins[1] if n["op"].startswith("FusedBatchNorm") else ins[2])
            if gamma is not None and dead(gamma) > 0:
                channels[n["name"] + ("" if n["op"].startswith("FusedBatchNorm") else "/FusedBatchNorm")] = [dead(gamma), gamma.size]
        if n["op"] not in ("DepthwiseConv2dNative", "FusedDepthwiseConv2dNative") or ins[1] not in weights:
            continue
        f = weights[ins[1]]
        mags = np.max(np.abs(f), axis=(0, 1)).reshape(-1)
        folded = mags
        if "FusedBatchNorm" in fused_ops(n):
            gamma, var = weights[ins[2]].reshape(-1), weights[ins[5]].reshape(-1)
            folded = mags * np.abs(gamma / np.sqrt(var + epsilon(n)))
        only = readers.get(n["name"], [])
        if len(only) == 1 and only[0]["op"] in ("Mul", "FusedBatchNorm", "FusedBatchNormV3"):
            r = only[0]
            other = [i for i in r["input"] if i != n["name"]]
            if r["op"] == "Mul" and len(other) == 1 and other[0] in weights and weights[other[0]].size == mags.size:
                folded = mags * np.abs(weights[other[0]].reshape(-1))
            elif r["op"].startswith("FusedBatchNorm"):
                gamma, var = weights[r["input"][1]].reshape(-1), weights[r["input"][4]].reshape(-1)
                folded = mags * np.abs(gamma / np.sqrt(var + epsilon(r)))
        d = dead(folded)
        if d > 0:
            kernels[n["name"]] = [d, int(folded.size)]
    return {"kernels": kernels, "channels": channels}


for path in sys.argv[1:]:
    name = os.path.basename(path)[: -len(".json")]
    try:
        print(json.dumps({"model": name, **count(path)}), flush=True)
    except Exception as e:  # reported, so that the test names the model
        print(json.dumps({"model": name, "error": repr(e)}), flush=True)
