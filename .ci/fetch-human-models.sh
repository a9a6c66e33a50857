#!/usr/bin/env bash
# Fetches the trained TensorFlow.js models that @vladmandic/human 3.3.6 (MIT) ships in its
# models/ folder, for test/real/tfjs.test.ts and test/oracle/tfjs.test.ts: `npm pack` of the
# pinned version into .cache/ (never a dependency, never in the VSIX), unpacked once.
# Idempotent: does nothing when the models are already there.
set -euo pipefail
cd "$(dirname "$0")/.."
dest=.cache/human-3.3.6
[ -f "$dest/models/blazeface.json" ] && exit 0
mkdir -p .cache
tmp=$(mktemp -d .cache/pack.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
npm pack --silent --pack-destination "$tmp" @vladmandic/human@3.3.6 >/dev/null
tar -xzf "$tmp"/vladmandic-human-3.3.6.tgz -C "$tmp" package/models package/LICENSE
rm -rf "$dest"
mkdir -p "$dest"
mv "$tmp/package/models" "$tmp/package/LICENSE" "$dest/"
