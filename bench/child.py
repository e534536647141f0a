"""One step in a fresh process: `python -m bench.child STEP --data DIR --out FILE [...]`.

The parent reads this process's peak RSS from os.wait4; the step's result goes to --out.
"""

from __future__ import annotations

import argparse
import json
import signal
import sys
import traceback
from pathlib import Path

from bench.steps import STEPS, Context


def peak_mb() -> float | None:
    """This process's peak resident memory (VmHWM), in MB.

    Not getrusage/wait4's ru_maxrss: on Linux that high-water mark carries over from the
    parent through fork and exec, so every child would report at least its parent's peak.
    VmHWM belongs to the address space the child got at exec.
    """
    try:
        for line in open("/proc/self/status"):
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


PRODUCT = ("app.py", "partnerdesk", "qualification", "settlement", "storage", "views", "rules")


def code_version() -> str:
    """HEAD plus a digest of the product's files as this step found them (the working tree
    changes while others work in it), so results of different code can be told apart."""
    import hashlib
    import subprocess

    root = Path(__file__).resolve().parent.parent
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=root, capture_output=True,
                              text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        head = "?"
    digest = hashlib.sha256()
    for name in PRODUCT:
        path = root / name
        files = sorted(path.rglob("*")) if path.is_dir() else [path]
        for file in files:
            if file.is_file() and file.suffix in (".py", ".yaml") and "__pycache__" not in file.parts:
                digest.update(str(file.relative_to(root)).encode() + b"\0" + file.read_bytes())
    return f"{head}/{digest.hexdigest()[:8]}"


def _deadline(signum, frame) -> None:
    raise TimeoutError("deadline reached (--deadline)")


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.child")
    parser.add_argument("step", choices=sorted(STEPS))
    parser.add_argument("--backend")
    parser.add_argument("--url")
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--scale", type=float, required=True)
    parser.add_argument("--budget", type=float, default=180)
    parser.add_argument("--profile", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--analyze", action="store_true")
    parser.add_argument("--deadline", type=float, help="seconds after which the step raises TimeoutError")
    args = parser.parse_args(argv)
    ctx = Context(step=args.step, backend=args.backend, url=args.url, data=args.data, scale=args.scale,
                  budget=args.budget, profile=args.profile, analyze=args.analyze)
    code = code_version()
    if args.deadline:
        signal.signal(signal.SIGALRM, _deadline)
        signal.alarm(max(1, int(args.deadline)))
    try:
        result = STEPS[args.step](ctx)
    except Exception as error:  # noqa: BLE001 - reported to the parent, which goes on with other steps
        traceback.print_exc()
        result = {"error": f"{error.__class__.__name__}: {str(error).splitlines()[0] if str(error) else ''}"}
        if isinstance(error, TimeoutError):
            result["timeout"] = args.deadline
        result["peak_mb"] = peak_mb()
        result["code"] = code
        args.out.write_text(json.dumps(result))
        return 1
    result["peak_mb"] = peak_mb()
    result["code"] = code
    args.out.write_text(json.dumps(result, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
