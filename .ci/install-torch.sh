#!/usr/bin/env bash
# Installs Debian's PyTorch, torchvision and ONNX for the differential oracle tests
# (npm run test:oracle: test/oracle/pytorch.test.ts and onnx.test.ts), and ONNX's per-op node
# tests (libonnx-testdata: test/oracle/onnxNodeTests.test.ts). Idempotent: does nothing when
# /usr/bin/python3 can already import all three and the node tests are there.
set -euo pipefail
if /usr/bin/python3 -c 'import torch, torchvision, onnx' >/dev/null 2>&1 && [ -d /usr/share/libonnx-testdata/data/node ]; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends python3-torch python3-torchvision python3-onnx libonnx-testdata >/dev/null
/usr/bin/python3 -c 'import torch, torchvision, onnx; print("torch", torch.__version__, "torchvision", torchvision.__version__, "onnx", onnx.__version__)'
