"""One entry point for a fresh machine that has only Python 3.11 or 3.12.

    python3 tasks.py app [--demo] [--server.port N]
                             # the Streamlit app on ./partnerdesk.db; --demo loads the demo
                             # data and accounts first when the database is empty
    python3 tasks.py test    # the whole test suite
    python3 tasks.py bench   # the benchmarks beside their baselines

It creates `.venv`, installs the project into it (again only when pyproject.toml changed)
and runs the command there, so nothing outside the checkout is touched except, for the
browser test, Debian's `chromium` package and, for the Spark tests, Debian's Java 17
(`openjdk-17-jre-headless`), each when it is missing and we are root.
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


def _ensure_java() -> None:
    """The Spark tests run Spark in local mode, which needs a Java runtime (17 for Spark 4)."""
    if shutil.which("java"):
        return
    if hasattr(os, "geteuid") and os.geteuid() == 0 and shutil.which("apt-get"):
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "openjdk-17-jre-headless"], check=True)


def _load_demo_when_empty() -> None:
    """`partnerdesk demo` on the app's database; a database with data already keeps it (exit 2 there)."""
    loaded = subprocess.run([str(BIN / "partnerdesk"), "demo"], capture_output=True, text=True)
    if loaded.returncode == 0:
        print("Demo data and demo accounts loaded.")
    elif loaded.returncode == 2:
        print(f"Demo not loaded: {loaded.stderr.strip()}")
    else:
        sys.exit(f"Loading the demo failed:\n{loaded.stderr}")


def main(argv: list[str]) -> int:
    _check_python()
    command = argv[0] if argv else "help"
    if command not in EXTRAS:
        print(__doc__)
        return 0 if command == "help" else 2
    _ensure_venv(EXTRAS[command])
    os.chdir(ROOT)
    if command == "app":
        options = argv[1:]
        if "--demo" in options:
            options.remove("--demo")
            _load_demo_when_empty()
        args = [str(BIN / "streamlit"), "run", "app.py", "--server.headless", "true", *options]
    elif command == "test":
        _ensure_chromium()
        _ensure_java()
        args = [str(BIN / "python"), "-m", "pytest", *argv[1:]]
    else:
        args = [str(BIN / "python"), "-m", "bench", *argv[1:]]
    return subprocess.run(args).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
