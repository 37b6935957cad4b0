#!/usr/bin/env bash
# Installs what Nightshift needs on a Debian 12 machine that has the .NET 10 SDK, then
# restores NuGet and npm packages. Idempotent: packages already installed are skipped and
# `apt-get update` runs at most once per invocation, only when something is missing.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

debian_packages=(
  git bubblewrap socat ripgrep universal-ctags
  postgresql
  curl ca-certificates procps iproute2 util-linux
)
if [[ "${NIGHTSHIFT_SETUP_BROWSER:-1}" == "1" ]]; then
  debian_packages+=(chromium)
fi

missing=()
for p in "${debian_packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]})); then
  echo "setup: installing Debian packages: ${missing[*]}" >&2
  sudo_cmd=()
  if [[ "$(id -u)" != "0" ]]; then sudo_cmd=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if ! command -v dotnet >/dev/null; then
  echo "setup: the .NET 10 SDK is required (dotnet was not found on PATH)" >&2
  exit 1
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
if [[ -f "$root/Nightshift.slnx" ]]; then
  dotnet restore "$root/Nightshift.slnx" --verbosity quiet >&2
fi
# The dashboard's front-end libraries (package.json + package-lock.json, exact versions); building Nightshift.Server
# copies the files it serves out of node_modules. Skipped when node_modules already matches the lock file.
if [[ -f "$root/package.json" ]]; then
  if ! command -v npm >/dev/null; then
    echo "setup: npm is not installed, so the dashboard builds without its scripts (no live updates, charts or diff viewer); install nodejs and npm, then run this again" >&2
  elif [[ ! -f "$root/node_modules/.package-lock.json" || "$root/package-lock.json" -nt "$root/node_modules/.package-lock.json" ]]; then
    (cd "$root" && npm ci --no-audit --no-fund --silent >&2)
  fi
fi
