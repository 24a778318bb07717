#!/usr/bin/env bash
# The main job on a fresh machine, as root: install what is missing, build dist/mydocker, make the
# busybox image from the host's busybox-static (no registry needed), run a detached container
# with a memory limit, show it in `ps`, and clean up. State lives in a temp --root.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

export DEBIAN_FRONTEND=noninteractive
missing=()
for p in musl-tools gcc libc6-dev busybox-static; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
if ((${#missing[@]})); then
  apt-get install -y -q --no-install-recommends "${missing[@]}" ||
    { apt-get update -q && apt-get install -y -q --no-install-recommends "${missing[@]}"; }
fi
[[ -x node_modules/.bin/bun ]] || npm ci --no-audit --no-fund
npm run build

root=$(mktemp -d /tmp/mydocker-demo.XXXXXX)
md() { echo "+ mydocker $*" >&2; dist/mydocker --root "$root" "$@"; }
cleanup() {
  for c in $(dist/mydocker --root "$root" ps -aq 2>/dev/null); do dist/mydocker --root "$root" rm -f "$c" >/dev/null; done
  rm -rf "$root"
}
trap cleanup EXIT

test/fixtures/busybox-rootfs.sh "$root/busybox.tar"
md import -c 'CMD ["sh"]' "$root/busybox.tar" busybox
md images
id=$(md run -d -m 100m --name demo busybox top)
echo "$id"
md ps
md stats --no-stream demo   # MEM USAGE / LIMIT shows the 100MiB cap
md stop demo || md rm -f demo
md rm demo 2>/dev/null || true
md ps -a
