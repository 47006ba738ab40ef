#!/usr/bin/env python3
"""clang-tidy over src/ with the repository's .clang-tidy, each file checked only when what it
is made of changed since a clean check.

  scripts/tidy_cached.py BUILD_DIR [JOBS]

A file's key is a hash of clang-tidy's version, .clang-tidy, and the file preprocessed with its
compile command (every header it includes, without line markers, so a clone in another folder
shares the key). A clean check leaves an empty marker file named by the key in the cache
(DIALTRACK_CACHE_DIR/clang-tidy, default ~/.cache/dialtrack/clang-tidy); a file with
diagnostics leaves none and fails the run. Nothing is skipped that could have changed.
"""
import concurrent.futures
import hashlib
import json
import os
import pathlib
import shlex
import subprocess
import sys


def preprocess_command(entry):
    args = shlex.split(entry["command"])
    out, skip = [], False
    for a in args:
        if skip:
            skip = False
            continue
        if a == "-o":
            skip = True
            continue
        if a in ("-c", "-Werror"):
            continue
        out.append(a)
    return out + ["-E", "-P", "-o", "-"]


def check(entry, base_key, cache, build_dir):
    pre = subprocess.run(preprocess_command(entry), cwd=entry["directory"], capture_output=True)
    if pre.returncode != 0:
        return entry["file"], False, pre.stderr.decode(errors="replace")
    key = hashlib.sha256(base_key + pre.stdout).hexdigest()
    marker = cache / key
    if marker.exists():
        return entry["file"], True, None
    run = subprocess.run(["clang-tidy", "--quiet", "-p", str(build_dir), entry["file"]],
                         capture_output=True)
    output = (run.stdout + run.stderr).decode(errors="replace")
    clean = run.returncode == 0
    if clean:
        marker.touch()
        return entry["file"], "checked", None
    return entry["file"], False, output


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    root = pathlib.Path(__file__).resolve().parent.parent
    build_dir = pathlib.Path(sys.argv[1]).resolve()
    jobs = int(sys.argv[2]) if len(sys.argv) > 2 else os.cpu_count() or 1
    cache_root = pathlib.Path(os.environ.get(
        "DIALTRACK_CACHE_DIR", pathlib.Path.home() / ".cache" / "dialtrack"))
    cache = cache_root / "clang-tidy"
    cache.mkdir(parents=True, exist_ok=True)
    version = subprocess.run(["clang-tidy", "--version"], capture_output=True).stdout
    base_key = version + (root / ".clang-tidy").read_bytes()
    src = str(root / "src") + "/"
    entries = [e for e in json.loads((build_dir / "compile_commands.json").read_text())
               if e["file"].startswith(src) and e["file"].endswith(".cpp")]
    failed, checked = 0, 0
    with concurrent.futures.ThreadPoolExecutor(jobs) as pool:
        for name, ok, output in pool.map(lambda e: check(e, base_key, cache, build_dir), entries):
            if ok == "checked":
                checked += 1
            elif not ok:
                failed += 1
                print(output, file=sys.stderr)
                print(f"clang-tidy: {name} has findings", file=sys.stderr)
    print(f"clang-tidy: {len(entries)} files, {checked} checked now, "
          f"{len(entries) - checked - failed} unchanged since a clean check, {failed} with findings")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
