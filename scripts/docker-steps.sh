#!/usr/bin/env bash
# The Dockerfile's steps without a container tool, for machines where none runs: build the release binary
# (stage 1), strip it, and check what the runtime stage relies on: that it runs, that it needs nothing beyond
# the C library and libgcc (no OpenSSL, no libpq: TLS is rustls), that psql/pg_dump exist for the image's
# postgresql-client, and that it works as a user without a home or write access to /work (USER plumb).
# Prints the binary's size.
# With --image and podman (or docker) able to run, also builds the Dockerfile's runtime stage as written, with
# the binary built here in place of stage 1's (`COPY --from=build` becomes a `COPY` of it), and runs
# `plumb --version` in it as the image's non-root user. The base image (debian:bookworm-slim) must be pullable
# or already present (e.g. imported from a debootstrap rootfs).
# Usage: scripts/docker-steps.sh [--image] [OUT_DIR]   (default OUT_DIR: a temporary directory)
set -euo pipefail
cd "$(dirname "$0")/.."
image=0
if [ "${1:-}" = --image ]; then image=1; shift; fi
out="${1:-$(mktemp -d)}"
mkdir -p "$out"
echo "docker-steps: stage 1: cargo build --release --locked -p plumb-cli" >&2
cargo build --release --locked -p plumb-cli
bin="$(scripts/target-dir)/release/plumb"
cp "$bin" "$out/plumb"
strip "$out/plumb"
"$out/plumb" --version
echo "docker-steps: size: $(du -h "$bin" | cut -f1) unstripped, $(du -h "$out/plumb" | cut -f1) stripped" >&2
# Runtime stage: shared libraries the binary needs must be in debian:bookworm-slim (libc6, libgcc-s1).
unexpected=$(ldd "$out/plumb" | awk '{print $1}' | grep -Ev '^(linux-vdso\.so|libc\.so|libm\.so|libgcc_s\.so|libpthread\.so|libdl\.so|/lib64/ld-linux)' || true)
if [ -n "$unexpected" ]; then
  echo "docker-steps: the binary needs libraries the runtime image lacks: $unexpected" >&2
  exit 1
fi
echo "docker-steps: shared libraries: $(ldd "$out/plumb" | awk '{print $1}' | tr '\n' ' ')" >&2
command -v psql >/dev/null && command -v pg_dump >/dev/null \
  || { echo "docker-steps: psql/pg_dump missing (the image installs postgresql-client)" >&2; exit 1; }
# USER plumb: a non-root user, HOME without a .pgpass, the binary still runs and reads a schema offline.
if [ "$(id -u)" = 0 ] && id nobody >/dev/null 2>&1; then
  chmod 755 "$out" "$out/plumb"
  runuser -u nobody -- env HOME=/nonexistent "$out/plumb" diff --from fixtures/demo/v1.sql --to fixtures/demo/v2.sql --format json >/dev/null \
    || [ $? -eq 1 ] || { echo "docker-steps: plumb fails as a non-root user" >&2; exit 1; }
  echo "docker-steps: runs as a non-root user (nobody)" >&2
fi
if [ $image = 1 ]; then
  tool=$(command -v podman || command -v docker) || { echo "docker-steps: no podman or docker" >&2; exit 1; }
  # The runtime stage, verbatim from the Dockerfile, with the binary from here.
  awk '/^FROM /{n++} n >= 2' Dockerfile \
    | sed 's#^COPY --from=build /target/release/plumb #COPY plumb #' > "$out/Containerfile.runtime"
  grep -q '^ARG DEBIAN_RELEASE' "$out/Containerfile.runtime" || sed -i '1i ARG DEBIAN_RELEASE=bookworm' "$out/Containerfile.runtime"
  build=(--network host)
  # podman's chroot isolation builds where the OCI runtime cannot start containers (nested sandboxes).
  [ "$(basename "$tool")" = podman ] && build+=(--isolation chroot)
  "$tool" build "${build[@]}" -t plumb-runtime-test -f "$out/Containerfile.runtime" "$out"
  if "$tool" run --rm plumb-runtime-test --version; then
    [ "$("$tool" run --rm --entrypoint id plumb-runtime-test -un)" = plumb ] \
      || { echo "docker-steps: the image does not run as the user plumb" >&2; exit 1; }
    "$tool" run --rm --entrypoint psql plumb-runtime-test --version
  elif [ "$(basename "$tool")" = podman ] && mnt=$(podman image mount plumb-runtime-test); then
    echo "docker-steps: $tool cannot start containers here; running the image's files with chroot as its user" >&2
    chroot "$mnt" runuser -u plumb -- /usr/local/bin/plumb --version
    [ "$(chroot "$mnt" runuser -u plumb -- id -un)" = plumb ] \
      || { echo "docker-steps: the image has no user plumb" >&2; exit 1; }
    chroot "$mnt" psql --version
    podman image unmount plumb-runtime-test >/dev/null
  else
    echo "docker-steps: the image builds but cannot be run here" >&2
    exit 1
  fi
  echo "docker-steps: image size: $("$tool" image inspect plumb-runtime-test --format '{{.Size}}') bytes" >&2
fi
echo "docker-steps: ok ($out/plumb)" >&2
