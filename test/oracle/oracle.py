# PyTorch oracle for test/oracle/pytorch.test.ts: reads one JSON request per line on stdin,
# {"id": ..., "source": <python from `layerlint export --pytorch`>}, builds the module, runs
# it on a zero input and answers one JSON line per request with what PyTorch measured:
# every layer's output shape as [H, W, C], MACs counted by forward hooks under LayerLint's
# convention (docs/counting.md), parameters per layer and in total. One process serves
# many networks; an exception in one network is reported, not fatal.
import json
import sys
import traceback

import torch
import torch.nn as nn

torch.set_num_threads(1)


def macs_hook(store, index):
    def hook(module, inputs, output):
        x = inputs[0]
        if isinstance(module, nn.ConvTranspose2d):
            kh, kw = module.kernel_size
            store[index] += x.numel() * (module.out_channels // module.groups) * kh * kw
        elif isinstance(module, nn.Conv2d):
            kh, kw = module.kernel_size
            store[index] += output.numel() * (module.in_channels // module.groups) * kh * kw
        elif isinstance(module, nn.Linear):
            store[index] += x.numel() * module.out_features
        elif type(module).__name__ == "Attention":
            # The export's Attention helper: QᵀK (N x N x key_dim) and V·Aᵀ (N x N x head_dim) per head.
            positions = x.shape[2] * x.shape[3]
            store[index] += x.shape[0] * module.heads * positions * positions * (module.key_dim + module.head_dim)
    return hook


def measure(source):
    scope = {"__name__": "layerlint_export"}
    exec(compile(source, "<export>", "exec"), scope)
    model = scope["build"]().eval()
    n = len(scope["LAYER_NAMES"])
    macs = [0] * n
    params = [0] * n
    for name, module in model.named_children():
        index = int(name[1:])
        params[index] = sum(p.numel() for p in module.parameters())
        module.register_forward_hook(macs_hook(macs, index))
    with torch.no_grad():
        outs = model.forward_all(torch.zeros(scope["INPUT_SHAPE"]))
    shapes = [[int(t.shape[2]), int(t.shape[3]), int(t.shape[1])] for t in outs]
    return {
        "shapes": shapes,
        "macs": macs,
        "params": params,
        "totalParams": sum(p.numel() for p in model.parameters()),
    }


def main():
    print(json.dumps({"ready": True, "torch": torch.__version__}), flush=True)
    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        try:
            answer = {"id": request["id"], **measure(request["source"])}
        except Exception as e:  # reported to the test, which prints the network
            answer = {"id": request["id"], "error": f"{type(e).__name__}: {e}", "trace": traceback.format_exc(limit=3)}
        print(json.dumps(answer), flush=True)


if __name__ == "__main__":
    main()
