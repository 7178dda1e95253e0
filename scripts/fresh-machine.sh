#!/usr/bin/env bash
# The README's quick start on a fresh machine: a Debian 12 (bookworm) or Ubuntu 24.04 (noble) root made by
# debootstrap, with only Python (from the distribution) and Rust (this machine's toolchain, bind-mounted
# read-only), run as a new user `dev` with passwordless sudo, in a network namespace of its own (slirp4netns:
# it reaches the internet, and its PostgreSQL does not meet this machine's on port 5432). Each step is timed;
# stdin is /dev/null, so a prompt fails the step instead of waiting.
#
#   scripts/fresh-machine.sh ROOT [bookworm|noble] [GIT-REF]     (as root; needs debootstrap, slirp4netns)
#
# ROOT is made when it does not exist (minbase + python3, python3-pip, python3-venv, sudo, ca-certificates,
# curl), and reused otherwise. GIT-REF (default HEAD) of this repository is cloned to ~dev/plumb. The log of
# each step is in ROOT/home/dev/quickstart-*.log; a summary is printed at the end. JUST_FROM=pip installs
# `just` with pip (rust-just) instead of cargo.
set -euo pipefail

root=${1:?usage: scripts/fresh-machine.sh ROOT [bookworm|noble] [GIT-REF]}
suite=${2:-bookworm}
ref=${3:-HEAD}
repo=$(cd "$(dirname "$0")/.." && pwd)
rustup_home=${RUSTUP_HOME:-$HOME/.rustup}
cargo_bin=${CARGO_HOME:-$HOME/.cargo}/bin
say() { printf 'fresh-machine: %s\n' "$*" >&2; }

[ "$(id -u)" = 0 ] || { say "run as root (debootstrap, chroot, mounts)"; exit 2; }

if [ ! -x "$root/bin/bash" ]; then
  case "$suite" in
    bookworm) mirror=http://deb.debian.org/debian; extra=() ;;
    noble)
      mirror=http://archive.ubuntu.com/ubuntu
      # Debian's debootstrap 1.0.128 has no `noble` script (Ubuntu's are all alike: gutsy), and Debian has no
      # Ubuntu keyring package.
      extra=(--components=main,universe --no-check-gpg)
      [ -e /usr/share/debootstrap/scripts/noble ] || ln -s gutsy /usr/share/debootstrap/scripts/noble
      ;;
    *) say "unknown suite $suite"; exit 2 ;;
  esac
  say "debootstrap $suite into $root"
  start=$(date +%s)
  debootstrap --variant=minbase "${extra[@]}" \
    --include=python3,python3-pip,python3-venv,sudo,ca-certificates,curl "$suite" "$root" "$mirror" >&2
  say "debootstrap took $(( $(date +%s) - start )) s"
fi

# A new user, as a cloud image has one: passwordless sudo.
if ! chroot "$root" id dev >/dev/null 2>&1; then
  chroot "$root" useradd -m -s /bin/bash dev
  echo 'dev ALL=(ALL) NOPASSWD:ALL' > "$root/etc/sudoers.d/dev"
fi
echo "nameserver 10.0.2.3" > "$root/etc/resolv.conf"
# debootstrap writes no /etc/hosts; every installed system has localhost in it (PostgreSQL listens there).
grep -q "localhost" "$root/etc/hosts" 2>/dev/null || printf '127.0.0.1 localhost\n::1 localhost ip6-localhost\n' >> "$root/etc/hosts"
grep -q "$(hostname)" "$root/etc/hosts" 2>/dev/null || echo "127.0.1.1 $(hostname)" >> "$root/etc/hosts"
# This machine's local certificate authorities (a network that intercepts TLS has one): without them nothing
# in the root can download. Not part of a fresh machine elsewhere.
if ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then
  cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
  chroot "$root" update-ca-certificates >/dev/null 2>&1
fi
# A second run on the same root checks the new commit out in the existing clone (its target/ and ~/.cargo
# kept, so nothing is built twice); REFRESH=1 starts from a new clone and an empty ~/.cargo.
if [ -d "$root/home/dev/plumb/.git" ] && [ "${REFRESH:-0}" != 1 ]; then
  git -c safe.directory="$root/home/dev/plumb" -C "$root/home/dev/plumb" fetch -q "$repo" '+refs/heads/*:refs/remotes/host/*'
else
  rm -rf "$root/home/dev/plumb" "$root/home/dev/.cargo"
  git clone -q "$repo" "$root/home/dev/plumb"
fi
git -c safe.directory="$root/home/dev/plumb" -C "$root/home/dev/plumb" -c advice.detachedHead=false checkout -q "$(git -C "$repo" rev-parse "$ref")"
# What an earlier run left in the clone (a failed snapshot's .snap.new), but its build: as a new clone would be.
git -c safe.directory="$root/home/dev/plumb" -C "$root/home/dev/plumb" clean -q -fdx -e /target
chroot "$root" chown -R dev:dev /home/dev

mounts=()
bind() { # bind SRC DST [ro]
  mkdir -p "$2"
  mount --bind "$1" "$2"
  [ "${3:-}" = ro ] && mount -o remount,bind,ro "$2"
  mounts=("$2" "${mounts[@]}")
}
holder=""
slirp=""
cleanup() {
  [ -n "$slirp" ] && kill "$slirp" 2>/dev/null || true
  [ -n "$holder" ] && kill "$holder" 2>/dev/null || true
  # Servers the run left behind inside the root (PostgreSQL started by setup).
  for pid in $(ls /proc | grep -E '^[0-9]+$'); do
    [ "$(readlink "/proc/$pid/root" 2>/dev/null)" = "$root" ] && kill "$pid" 2>/dev/null || true
  done
  sleep 1
  for m in "${mounts[@]}"; do umount -l "$m" 2>/dev/null || true; done
}
trap cleanup EXIT
mkdir -p "$root/proc" && mount -t proc proc "$root/proc" && mounts=("$root/proc" "${mounts[@]}")
bind /dev "$root/dev"
bind /dev/pts "$root/dev/pts"
mkdir -p "$root/dev/shm" && mount -t tmpfs shm "$root/dev/shm" && mounts=("$root/dev/shm" "${mounts[@]}")
bind "$rustup_home" "$root/opt/rustup" ro
bind "$cargo_bin" "$root/opt/cargo-bin" ro

# A network namespace with the internet through slirp4netns, and a loopback of its own.
unshare --net --fork -- sleep infinity &
holder=$!
sleep 0.5
slirp4netns --configure --mtu=65520 --disable-host-loopback "$holder" tap0 >/dev/null 2>&1 &
slirp=$!
sleep 1
nsenter --net="/proc/$holder/ns/net" ip link set lo up

cat > "$root/home/dev/quickstart.sh" <<'EOF'
#!/bin/bash
# The README's quick start, step by step, timed.
cd ~/plumb
step() {
  local name=$1; shift
  local start=$(date +%s)
  echo "== $name: $*" >&2
  bash -o pipefail -c "$*" </dev/null >"$HOME/quickstart-$name.log" 2>&1
  local rc=$?
  echo "$name rc=$rc seconds=$(( $(date +%s) - start ))" | tee -a "$HOME/quickstart-summary.txt" >&2
  return $rc
}
rm -f "$HOME/quickstart-summary.txt"
command -v just && echo "just is already installed" >&2
step setup 'scripts/setup.sh' || exit 1
case "${JUST_FROM:-cargo}" in
  cargo) step install-just 'cargo install --locked just' || exit 1 ;;
  # A system-wide `pip install` is refused on Debian 12 and Ubuntu 24.04 (PEP 668): noted, then a venv.
  pip)
    step pip-system 'pip install rust-just'
    step install-just 'python3 -m venv ~/.local/just && ~/.local/just/bin/pip install rust-just && mkdir -p ~/.cargo/bin && ln -sf ~/.local/just/bin/just ~/.cargo/bin/just' || exit 1
    ;;
esac
step demo 'just demo' || exit 1
step test 'just test' || exit 1
EOF
chmod +x "$root/home/dev/quickstart.sh"

say "running the quick start in $root ($suite) as dev"
rc=0
nsenter --net="/proc/$holder/ns/net" chroot "$root" runuser -u dev -- env -i HOME=/home/dev USER=dev \
  LOGNAME=dev SHELL=/bin/bash TERM=dumb LANG=C.UTF-8 RUSTUP_HOME=/opt/rustup JUST_FROM="${JUST_FROM:-cargo}" \
  PATH=/home/dev/.cargo/bin:/opt/cargo-bin:/usr/local/bin:/usr/bin:/bin:/usr/local/sbin:/usr/sbin:/sbin \
  /home/dev/quickstart.sh </dev/null || rc=$?
say "summary:"
cat "$root/home/dev/quickstart-summary.txt" >&2 || true
exit $rc
