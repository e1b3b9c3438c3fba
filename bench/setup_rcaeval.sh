#!/usr/bin/env bash
# Create the bench-only venv holding RCAEval (for the BARO and NSigma baselines of bench/rca.py).
#
# Why a separate venv: RCAEval's "default" extra pins ~150 packages (torch, numpy<2,
# networkx==2.5, ...) that would break the core's pins. BARO and NSigma need only
# numpy, pandas and scikit-learn, so we install RCAEval itself with --no-deps and
# add just those. Usage: bash bench/setup_rcaeval.sh  (idempotent)
set -euo pipefail
cd "$(dirname "$0")/.."
VENV="${RCAEVAL_VENV:-.venv-bench}"
# RCAEval's e2e/__init__.py imports every method eagerly (torch, matplotlib, ...) except on
# Python 3.10/3.12/3.14, where it skips methods whose dependencies are missing: use one of those.
PY="${PYTHON:-}"
if [ -z "$PY" ]; then
    for cand in python3.12 python3.10 python3.14 "${PYENV_ROOT:-$HOME/.pyenv}"/versions/3.12*/bin/python3.12; do
        if command -v "$cand" >/dev/null && "$cand" -c 'import venv' 2>/dev/null; then PY="$cand"; break; fi
    done
fi
if [ -z "$PY" ]; then
    echo "setup_rcaeval: need python3.12 (or 3.10/3.14) for RCAEval; bench/rca.py falls back to bench/baselines.py" >&2
    exit 1
fi
if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
fi
"$VENV/bin/pip" install --quiet --upgrade pip
"$VENV/bin/pip" install --quiet --no-deps "RCAEval==1.8.1"
"$VENV/bin/pip" install --quiet "numpy<2.3" "pandas>=2.0" "scikit-learn>=1.3" requests tqdm
"$VENV/bin/python" -c "from RCAEval.e2e import baro, nsigma; print('RCAEval baro/nsigma ready')"
