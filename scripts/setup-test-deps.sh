#!/usr/bin/env bash
# Installs what the tests need on a fresh machine: moto's server (local AWS), cfn-lint, and
# Debian's Chromium + ChromeDriver for the browser tests. Idempotent; safe to run repeatedly.
# Under CI=true anything still missing afterwards is an error (exit 1) naming what to install:
# CI must never be green with the browser tests skipped or the template unlinted. Elsewhere a
# missing piece is a warning (the browser tests then skip with a notice).
set -uo pipefail

python_has() { python3 -c "import $1" >/dev/null 2>&1; }
chromium_present() { command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; }

if ! python_has "moto.server, flask"; then
  echo "== installing moto[server]"
  python3 -m pip install --quiet 'moto[server]' || echo "WARN: could not install moto[server]; tests will try LocalStack or OPTOUT_AWS_ENDPOINT"
fi
if ! command -v cfn-lint >/dev/null 2>&1; then
  echo "== installing cfn-lint"
  python3 -m pip install --quiet cfn-lint || echo "WARN: could not install cfn-lint"
fi
if ! chromium_present; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "== installing chromium and chromium-driver (browser tests)"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null) \
      || echo "WARN: could not install Chromium; browser tests will be skipped with a notice"
  else
    echo "WARN: Chromium/ChromeDriver missing and cannot apt-get install; browser tests will be skipped with a notice"
  fi
fi

if [ "${CI:-}" = "true" ]; then
  missing=()
  python_has "moto.server, flask" || missing+=("moto's server: python3 -m pip install 'moto[server]'")
  command -v cfn-lint >/dev/null 2>&1 || missing+=("cfn-lint: python3 -m pip install cfn-lint")
  chromium_present || missing+=("Chromium and ChromeDriver: apt-get install chromium chromium-driver")
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "ERROR: CI=true and the tests cannot all run; install:" >&2
    printf '  - %s\n' "${missing[@]}" >&2
    exit 1
  fi
fi
exit 0
