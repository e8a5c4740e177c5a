#!/bin/sh
# Runs a command with Node 24 first on PATH. A machine whose `node` is already 24 or newer is
# used as it is; otherwise Node 24 is installed once from the npm registry into .tools/node24
# (about 5 s) and put in front of PATH for this command only.
set -e
here=$(cd "$(dirname "$0")/.." && pwd)
major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if [ "$major" -lt 24 ]; then
  prefix="$here/.tools/node24"
  if [ ! -x "$prefix/bin/node" ] || [ "$("$prefix/bin/node" -p 'process.versions.node.split(".")[0]')" -lt 24 ]; then
    echo "tandem: installing Node 24 into .tools/node24 (this machine has $(node --version 2>/dev/null || echo no node))" >&2
    npm install --global --prefix "$prefix" --no-audit --no-fund --loglevel=error node@24 >&2
  fi
  PATH="$prefix/bin:$PATH"
  export PATH
fi
PATH="$here/node_modules/.bin:$PATH"
export PATH
exec "$@"
