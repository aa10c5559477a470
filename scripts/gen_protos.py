"""Regenerate the Python code for the gateway protos in tui/proto/polymarket/v1.

Runs ``grpc_tools.protoc`` from the running interpreter with ``-I tui/proto`` (plus the
well-known types bundled with grpc_tools) and writes ``*_pb2.py``, ``*_pb2.pyi`` and
``*_pb2_grpc.py`` next to the ``.proto`` files, or under ``--out DIR`` with the same
relative layout (``DIR/polymarket/v1/...``). protoc names the modules ``polymarket.v1.*``;
the imports are rewritten to ``tui.proto.polymarket.v1.*`` so the package imports from
anywhere. The output is deterministic: the same inputs give the same bytes.

Usage: python scripts/gen_protos.py [--out DIR]
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
PROTO_ROOT = REPO_ROOT / "tui" / "proto"
PROTO_SUBDIR = Path("polymarket") / "v1"
PACKAGE_PREFIX = "tui.proto"
GENERATED_SUFFIXES = ("_pb2.py", "_pb2.pyi", "_pb2_grpc.py")

# `from polymarket.v1 import x_pb2` / `from polymarket.v1.x_pb2 import Y`
_FROM_IMPORT = re.compile(r"^(\s*from\s+)(polymarket\.v1)(?=[\s.])", re.MULTILINE)
# `import polymarket.v1.x_pb2` (optionally `as ...`)
_PLAIN_IMPORT = re.compile(r"^(\s*import\s+)(polymarket\.v1\.)", re.MULTILINE)
# the module name handed to the descriptor builder (sets the classes' __module__)
_BUILDER_MODULE = re.compile(r"(BuildTopDescriptorsAndMessages\(DESCRIPTOR, ')(polymarket\.v1\.)")


def proto_files(proto_root: Path = PROTO_ROOT) -> list[Path]:
    """The .proto files to compile, sorted so the protoc command line is stable."""
    return sorted((proto_root / PROTO_SUBDIR).glob("*.proto"))


def is_generated(name: str) -> bool:
    """Whether a file name is one protoc output of ours."""
    return name.endswith(GENERATED_SUFFIXES)


def rewrite_imports(source: str) -> str:
    """Point protoc's ``polymarket.v1`` imports at ``tui.proto.polymarket.v1``."""
    source = _FROM_IMPORT.sub(rf"\g<1>{PACKAGE_PREFIX}.\g<2>", source)
    source = _PLAIN_IMPORT.sub(rf"\g<1>{PACKAGE_PREFIX}.\g<2>", source)
    return _BUILDER_MODULE.sub(rf"\g<1>{PACKAGE_PREFIX}.\g<2>", source)


def _well_known_include() -> Path:
    import grpc_tools  # imported here so `--help` works without grpcio-tools

    return Path(grpc_tools.__file__).resolve().parent / "_proto"


def run_protoc(out_root: Path, proto_root: Path = PROTO_ROOT) -> None:
    """Compile every proto into ``out_root`` (raw protoc output, imports not rewritten)."""
    protos = proto_files(proto_root)
    if not protos:
        raise SystemExit(f"no .proto files under {proto_root / PROTO_SUBDIR}")
    cmd = [
        sys.executable,
        "-m",
        "grpc_tools.protoc",
        f"-I{proto_root}",
        f"-I{_well_known_include()}",
        f"--python_out={out_root}",
        f"--pyi_out={out_root}",
        f"--grpc_python_out={out_root}",
        *(str(p.relative_to(proto_root)) for p in protos),
    ]
    result = subprocess.run(cmd, cwd=proto_root, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise SystemExit(f"protoc failed ({result.returncode}):\n{result.stderr}")


def generate(out: Path = PROTO_ROOT) -> list[Path]:
    """Generate into ``out/polymarket/v1`` and return the files written, sorted.

    Stale generated files in the target directory (for a removed .proto) are deleted;
    ``__init__.py`` and the .proto files themselves are never touched. Files whose
    content is unchanged are not rewritten.
    """
    target = out / PROTO_SUBDIR
    target.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="gen_protos_") as tmp:
        tmp_root = Path(tmp)
        run_protoc(tmp_root)
        produced = sorted(
            p for p in (tmp_root / PROTO_SUBDIR).iterdir() if p.is_file() and is_generated(p.name)
        )
        written: list[Path] = []
        for src in produced:
            text = src.read_text(encoding="utf-8")
            data = rewrite_imports(text).encode("utf-8")
            dest = target / src.name
            if not dest.exists() or dest.read_bytes() != data:
                dest.write_bytes(data)
            written.append(dest)
    keep = {p.name for p in written}
    for stale in sorted(target.iterdir()):
        if stale.is_file() and is_generated(stale.name) and stale.name not in keep:
            stale.unlink()
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--out",
        type=Path,
        default=PROTO_ROOT,
        help="root to write into; files go to OUT/polymarket/v1 (default: tui/proto)",
    )
    args = parser.parse_args(argv)
    written = generate(args.out.resolve())
    print(f"wrote {len(written)} files to {args.out / PROTO_SUBDIR}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
