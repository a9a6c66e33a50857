#!/usr/bin/env bash
# Installs Debian's PyTorch for the differential oracle tests (npm run test:oracle).
# Idempotent: does nothing when /usr/bin/python3 can already import torch.
set -euo pipefail
if /usr/bin/python3 -c 'import torch' >/dev/null 2>&1; then
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends python3-torch >/dev/null
/usr/bin/python3 -c 'import torch; print("torch", torch.__version__)'
