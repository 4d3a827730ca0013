"""`argogate apply POLICIES --resource DIR -o json` as a script, for profilers that want one.

    PYTHONPATH=.:.venv/lib/python3.11/site-packages \
      bench/.venv-checkov/bin/python -m pyinstrument bench/profile_apply.py bench/work/manifests-1000
"""

import sys
from pathlib import Path

from argogate.cli import main

policies = Path(__file__).resolve().parent / "work" / "policies"
sys.exit(main(["apply", str(policies), "--resource", sys.argv[1], "-o", "json"]))
