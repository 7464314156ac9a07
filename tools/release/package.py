"""Packs the release archives of one target: `arqonhpo-cli` and `libarqonhpo` (with the header).

    python tools/release/package.py --target x86_64-unknown-linux-gnu --out dist

Reads what `cargo build --release --target TARGET -p arqonhpo-cli -p arqonhpo-ffi` left in
`target/TARGET/release` (or `target/release` with `--host`). Archives are `.tar.gz` (`.zip` for
Windows targets) with sorted entries, fixed owners and fixed times, so the same files give the
same archive bytes.
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import subprocess
import tarfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# 1980-01-01, the earliest time a zip entry can carry; SOURCE_DATE_EPOCH overrides it.
EPOCH = int(os.environ.get("SOURCE_DATE_EPOCH", "315532800"))

# Library files a target may produce (a musl target builds no cdylib, only the static library).
LIBRARIES = [
    "libarqonhpo.so",
    "libarqonhpo.dylib",
    "libarqonhpo.a",
    "arqonhpo.dll",
    "arqonhpo.dll.lib",
    "arqonhpo.lib",
]


def workspace_version() -> str:
    out = subprocess.run(
        ["cargo", "metadata", "--format-version", "1", "--no-deps"],
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    meta = json.loads(out)
    return next(p["version"] for p in meta["packages"] if p["name"] == "arqonhpo-cli")


def write_archive(path: Path, files: dict[str, Path]) -> None:
    """Writes `files` (archive name -> source) into a deterministic tar.gz or zip."""
    names = sorted(files)
    if path.suffix == ".zip":
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
            for name in names:
                info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
                info.external_attr = (0o755 if os.access(files[name], os.X_OK) else 0o644) << 16
                info.compress_type = zipfile.ZIP_DEFLATED
                z.writestr(info, files[name].read_bytes())
        return
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for name in names:
            data = files[name].read_bytes()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mtime = EPOCH
            info.mode = 0o755 if os.access(files[name], os.X_OK) else 0o644
            info.uid = info.gid = 0
            info.uname = info.gname = ""
            tar.addfile(info, io.BytesIO(data))
    with path.open("wb") as f, gzip.GzipFile(fileobj=f, mode="wb", mtime=EPOCH, filename="") as gz:
        gz.write(raw.getvalue())


def package(target: str, build_dir: Path, out: Path, version: str) -> list[Path]:
    windows = "windows" in target
    ext = ".zip" if windows else ".tar.gz"
    exe = "arqonhpo-cli.exe" if windows else "arqonhpo-cli"
    docs = {"README.md": ROOT / "README.md", "LICENSE": ROOT / "LICENSE"}

    cli_dir = f"arqonhpo-cli-{version}-{target}"
    cli = {f"{cli_dir}/{exe}": build_dir / exe}
    assets = ROOT / "crates" / "cli" / "assets"
    for f in sorted(assets.rglob("*")):
        if f.is_file():
            cli[f"{cli_dir}/{f.relative_to(assets).as_posix()}"] = f
    cli.update({f"{cli_dir}/{k}": v for k, v in docs.items()})

    lib_dir = f"libarqonhpo-{version}-{target}"
    lib = {f"{lib_dir}/include/arqonhpo.h": ROOT / "crates" / "ffi" / "include" / "arqonhpo.h"}
    found = [n for n in LIBRARIES if (build_dir / n).is_file()]
    if not any(n.endswith((".a", ".lib")) for n in found):
        raise SystemExit(f"no static library of arqonhpo in {build_dir}")
    lib.update({f"{lib_dir}/lib/{n}": build_dir / n for n in found})
    lib.update({f"{lib_dir}/{k}": v for k, v in docs.items()})

    missing = [str(p) for p in [*cli.values(), *lib.values()] if not p.is_file()]
    if missing:
        raise SystemExit(f"missing build outputs: {missing}")
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, files in [(cli_dir, cli), (lib_dir, lib)]:
        path = out / f"{name}{ext}"
        write_archive(path, files)
        written.append(path)
    return written


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--target", required=True, help="the Rust target triple built")
    parser.add_argument(
        "--host", action="store_true", help="built without --target (target/release)"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "dist")
    args = parser.parse_args()
    target_dir = Path(
        json.loads(
            subprocess.run(
                ["cargo", "metadata", "--format-version", "1", "--no-deps"],
                cwd=ROOT,
                check=True,
                capture_output=True,
                text=True,
            ).stdout
        )["target_directory"]
    )
    build_dir = target_dir / "release" if args.host else target_dir / args.target / "release"
    for path in package(args.target, build_dir, args.out, workspace_version()):
        print(path)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
