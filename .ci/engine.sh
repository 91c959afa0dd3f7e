#!/usr/bin/env bash
# Make sure a real Docker Engine is installed and answering. Idempotent: fast when it is.
# Debian's docker.io package gives a full engine; the `docker` on PATH may be a bare client.
set -euo pipefail

have_engine() { command -v dockerd >/dev/null 2>&1; }
answering() { docker info >/dev/null 2>&1; }

if answering; then exit 0; fi

if ! have_engine || ! command -v debootstrap >/dev/null 2>&1; then
  echo "[engine] installing docker.io and debootstrap from Debian's packages"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq docker.io debootstrap >/dev/null
fi

if ! answering; then
  echo "[engine] starting dockerd"
  mkdir -p /var/log
  nohup dockerd >/var/log/dockerd.log 2>&1 &
  for _ in $(seq 1 60); do
    answering && break
    sleep 0.5
  done
fi

if ! answering; then
  echo "[engine] dockerd did not come up; last lines of /var/log/dockerd.log:" >&2
  tail -n 20 /var/log/dockerd.log >&2 || true
  exit 1
fi
echo "[engine] $(docker version --format 'Docker Engine {{.Server.Version}} (API {{.Server.APIVersion}})')"
