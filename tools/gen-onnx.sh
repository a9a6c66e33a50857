#!/usr/bin/env bash
# Regenerates server/src/formats/onnx/proto/onnx.{js,d.ts}: the protobufjs static decoder
# and encoder for ModelProto and the messages it holds, from the ONNX schema that Debian's
# python3-onnx ships (onnx.proto: the same messages as onnx.proto3, in proto2 syntax; the
# decoder reads packed and unpacked repeated fields alike). ONNX_PROTO overrides the path.
# The types come from a commented build (pbts reads the JSDoc); the committed code has none.
set -euo pipefail
cd "$(dirname "$0")/.."
PROTO="${ONNX_PROTO:-/usr/lib/python3/dist-packages/onnx/onnx.proto}"
if [ ! -f "$PROTO" ]; then
  echo "no $PROTO: apt-get install python3-onnx, or set ONNX_PROTO" >&2
  exit 1
fi
OUT=server/src/formats/onnx/proto/onnx
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
FLAGS=(-t static-module -w esm --force-number --filter tools/onnx-proto-filter.json
  --no-create --no-verify --no-convert --no-delimited --no-typeurl --no-service
  --dependency protobufjs/minimal.js)
npx pbjs "${FLAGS[@]}" -o "$TMP/onnx.js" "$PROTO"
npx pbts --no-comments -o "$OUT.d.ts" "$TMP/onnx.js"
npx pbjs "${FLAGS[@]}" --no-comments -o "$OUT.js" "$PROTO"
