"""One entry point for a fresh machine that has only Python 3.11 or 3.12.

    python3 tasks.py app     # the Streamlit app on ./partnerdesk.db (demo data when empty)
    python3 tasks.py test    # the whole test suite
    python3 tasks.py bench   # the benchmarks beside their baselines

It creates `.venv`, installs the project into it (again only when pyproject.toml changed)
and runs the command there, so nothing outside the checkout is touched except, for the
browser test, Debian's `chromium` package when it is missing and we are root.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / "bin"
EXTRAS = {"app": "", "test": "[test]", "bench": "[test,bench]"}


def _check_python() -> None:
    if not ((3, 11) <= sys.version_info[:2] <= (3, 12)):
        sys.exit(f"PartnerDesk needs Python 3.11 or 3.12 (durable_rules does not build on "
                 f"{sys.version_info.major}.{sys.version_info.minor}); run this file with one of them.")


def _ensure_venv(extras: str) -> None:
    """Install the project into .venv unless the same pyproject and extras are installed."""
    stamp = VENV / ".installed"
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + extras.encode()).hexdigest()
    if stamp.exists() and stamp.read_text() == wanted:
        return
    if not (BIN / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
    pip = [str(BIN / "python"), "-m", "pip", "install", "--disable-pip-version-check", "-q"]
    subprocess.run(pip + ["--upgrade", "pip", "setuptools", "wheel"], check=True)
    subprocess.run(pip + ["-e", f"{ROOT}{extras}"], check=True)
    stamp.write_text(wanted)


def _ensure_chromium() -> None:
    """The browser test drives Debian's chromium; Playwright cannot download one here."""
    if shutil.which("chromium") or os.environ.get("PARTNERDESK_SKIP_BROWSER"):
        return
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True)


def main(argv: list[str]) -> int:
    _check_python()
    command = argv[0] if argv else "help"
    if command not in EXTRAS:
        print(__doc__)
        return 0 if command == "help" else 2
    _ensure_venv(EXTRAS[command])
    os.chdir(ROOT)
    if command == "app":
        args = [str(BIN / "streamlit"), "run", "app.py", "--server.headless", "true", *argv[1:]]
    elif command == "test":
        _ensure_chromium()
        args = [str(BIN / "python"), "-m", "pytest", *argv[1:]]
    else:
        args = [str(BIN / "python"), "-m", "bench", *argv[1:]]
    return subprocess.run(args).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
