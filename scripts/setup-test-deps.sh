#!/usr/bin/env bash
# Installs what the tests need on a fresh machine: moto's server (local AWS), cfn-lint, and
# Debian's Chromium + ChromeDriver for the browser tests. Idempotent; safe to run repeatedly.
# Under CI=true anything still missing afterwards is an error (exit 1) naming what to install:
# CI must never be green with the browser tests skipped or the template unlinted. Elsewhere a
# missing piece is a warning (the browser tests then skip with a notice).
set -uo pipefail

python_has() { python3 -c "import $1" >/dev/null 2>&1; }
# moto is pinned in one place (the tests rely on its internals: see the file)
MOTO_REQUIREMENTS="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)/local-aws/src/main/resources/dev/optout/localaws/moto-requirements.txt"
MOTO_PIN="$(grep -v '^#' "$MOTO_REQUIREMENTS" | grep -m1 .)"
moto_version() { python3 -c "import importlib.metadata as m; print(m.version('moto'))" 2>/dev/null; }
moto_pinned() { python_has "moto.server, flask" && [ "moto[server]==$(moto_version)" = "$MOTO_PIN" ]; }
chromium_present() { command -v chromium >/dev/null 2>&1 && command -v chromedriver >/dev/null 2>&1; }

if ! moto_pinned; then
  echo "== installing $MOTO_PIN (found: $(moto_version || true))"
  python3 -m pip install --quiet -r "$MOTO_REQUIREMENTS" || echo "WARN: could not install $MOTO_PIN; tests will try LocalStack or OPTOUT_AWS_ENDPOINT"
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
  moto_pinned || missing+=("moto's server, the pinned version: python3 -m pip install '$MOTO_PIN'")
  command -v cfn-lint >/dev/null 2>&1 || missing+=("cfn-lint: python3 -m pip install cfn-lint")
  python_has samtranslator || missing+=("the SAM translator (comes with cfn-lint): python3 -m pip install cfn-lint")
  chromium_present || missing+=("Chromium and ChromeDriver: apt-get install chromium chromium-driver")
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "ERROR: CI=true and the tests cannot all run; install:" >&2
    printf '  - %s\n' "${missing[@]}" >&2
    exit 1
  fi
fi
exit 0
