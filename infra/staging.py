"""Docker-free asset staging: plain copies for function code, host-side pip for the layers.

Function assets are rebuilt from the working tree on every synth::

    .build/assets/<name>/functions/__init__.py
    .build/assets/<name>/functions/<name>/**
    .build/assets/<name>/shared/**

Layers are built once per set of pins and reused: the dependency layer from ``[project].dependencies``
(every function) and one extra layer per ``[project.optional-dependencies]`` group named in
``constants.EXTRA_LAYERS`` (e.g. ``enrich``, only for that function; skipped while the group is empty)::

    .build/layer/<hash>/python/...   (pip --platform manylinux2014_aarch64 --only-binary=:all:)

Several processes may synthesize from the same tree at once (tests, `cdk synth`, the local runtime),
so staging runs under a file lock and each folder is built aside and swapped in with a rename.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterable, Iterator
from pathlib import Path

from infra import constants

ROOT = Path(__file__).resolve().parent.parent
BUILD_DIR = ROOT / ".build"

# Provided by the Lambda Python runtime; shipping them would only add weight and version skew.
RUNTIME_PROVIDED = frozenset({"boto3", "botocore", "s3transfer"})
LAYER_PLATFORMS = {"arm64": "manylinux2014_aarch64", "x86_64": "manylinux2014_x86_64"}
LAMBDA_TASK_ROOT = "/var/task"  # where Lambda unpacks a function's code
LAMBDA_LAYER_ROOT = "/opt/python"  # where a Python layer's python/ folder lands
LAYER_RECIPE_VERSION = 4  # bump to force a rebuild when the recipe below changes (4: ships bytecode)

_IGNORED = shutil.ignore_patterns(
    "__pycache__", "*.pyc", "*.pyo", ".mypy_cache", ".pytest_cache", ".ruff_cache", "*.egg-info"
)
_NAME = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)")


class StagingError(RuntimeError):
    """An asset could not be staged."""


def compile_bytecode(
    folder: Path,
    runtime_dir: str,
    python_version: str = constants.LAMBDA_RUNTIME_VERSION,
    *,
    only: Path | None = None,
) -> bool:
    """Ship compiled bytecode: Lambda's code folder is read-only, so without it every cold start
    compiles every module again (about 700 ms instead of 200 ms for the API handler here).

    Bytecode only loads in the Python version that wrote it, so it is written only when this
    interpreter is the runtime's version (else a warning, and the asset ships source only). The
    pyc files are checked by source hash, not timestamp, name their source by its path in Lambda
    (``runtime_dir``: /var/task for functions, /opt/python for the layer) and are written with a
    fixed hash seed, so the same sources give the same bytes and the asset hash is stable.
    ``only``: compile just this subfolder of ``folder`` (still named by its path under ``runtime_dir``).
    """
    if f"{sys.version_info.major}.{sys.version_info.minor}" != python_version:
        print(
            f"warning: Python {sys.version_info.major}.{sys.version_info.minor} cannot write bytecode for the "
            f"python{python_version} runtime; {folder.name} ships source only (slower cold starts)",
            file=sys.stderr,
        )
        return False
    command = [
        sys.executable,
        "-m",
        "compileall",
        "-q",
        "-j",
        "0",
        "--invalidation-mode",
        "unchecked-hash",
        "-s",
        str(folder),
        "-p",
        runtime_dir,
        str(only or folder),
    ]
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    # The command is built from our own interpreter and a folder we just staged.
    result = subprocess.run(command, capture_output=True, text=True, check=False, env=env)  # noqa: S603
    if result.returncode != 0:
        raise StagingError(f"compiling bytecode in {folder} failed:\n{result.stdout}{result.stderr}")
    return True


def _normalize(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def _layer_pins(requirements: Iterable[str], source: str) -> tuple[str, ...]:
    """The pinned requirements a layer ships: all but what the runtime provides; each pinned with '=='."""
    selected = []
    for requirement in requirements:
        match = _NAME.match(requirement)
        if match is None:
            raise StagingError(f"cannot read a package name from {requirement!r} in {source}")
        if _normalize(match.group(1)) in RUNTIME_PROVIDED:
            continue
        if "==" not in requirement:
            raise StagingError(f"layer dependency {requirement!r} must be pinned with '==' in {source}")
        selected.append(requirement.strip())
    return tuple(sorted(selected))


def runtime_requirements(pyproject: Path = ROOT / "pyproject.toml") -> tuple[str, ...]:
    """The pinned ``[project].dependencies`` that the dependency layer ships (all functions)."""
    with pyproject.open("rb") as handle:
        dependencies: list[str] = tomllib.load(handle)["project"]["dependencies"]
    return _layer_pins(dependencies, str(pyproject))


def optional_requirements(group: str, pyproject: Path = ROOT / "pyproject.toml") -> tuple[str, ...]:
    """The pins of ``[project.optional-dependencies].<group>``; empty when the group is absent or empty."""
    with pyproject.open("rb") as handle:
        groups: dict[str, list[str]] = tomllib.load(handle)["project"].get("optional-dependencies", {})
    return _layer_pins(groups.get(group) or (), f"{pyproject} [{group}]")


@contextlib.contextmanager
def _locked(build_dir: Path) -> Iterator[None]:
    """Serialize staging between processes sharing one working tree (no-op where flock is missing)."""
    build_dir.mkdir(parents=True, exist_ok=True)
    try:
        import fcntl  # noqa: PLC0415 - POSIX only; staging still works without it
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    with (build_dir / ".lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _swap_in(built: Path, target: Path) -> None:
    """Replace ``target`` with ``built`` using renames, so readers never see a half-copied folder."""
    retired = target.with_name(f".retired-{target.name}-{os.getpid()}")
    if target.exists():
        target.rename(retired)
    built.rename(target)
    shutil.rmtree(retired, ignore_errors=True)


def _fresh(path: Path) -> Path:
    shutil.rmtree(path, ignore_errors=True)
    path.mkdir(parents=True)
    return path


def _copy_tree(source: Path, destination: Path) -> None:
    shutil.copytree(source, destination, ignore=_IGNORED, copy_function=shutil.copyfile)


def _stage_shared(source_root: Path, assets_dir: Path) -> Path | None:
    """``shared`` copied and compiled once (as /var/task/shared); each function asset gets a copy."""
    if not (source_root / "shared").is_dir():
        return None
    built = _fresh(assets_dir / f".building-shared-{os.getpid()}")
    _copy_tree(source_root / "shared", built / "shared")
    compile_bytecode(built, LAMBDA_TASK_ROOT)
    return built / "shared"


def _stage_function(name: str, source_root: Path, assets_dir: Path, shared: Path | None) -> Path:
    built = _fresh(assets_dir / f".building-{name}-{os.getpid()}")
    package = built / "functions"
    package.mkdir()
    init = source_root / "functions" / "__init__.py"
    if init.is_file():
        shutil.copyfile(init, package / "__init__.py")
    else:
        (package / "__init__.py").touch()
    if (source_root / "functions" / name).is_dir():
        _copy_tree(source_root / "functions" / name, package / name)
    compile_bytecode(built, LAMBDA_TASK_ROOT, only=package)
    if shared is not None:
        shutil.copytree(shared, built / "shared")
    target = assets_dir / name
    _swap_in(built, target)
    return target


def stage_functions(names: Iterable[str], *, source_root: Path = ROOT, build_dir: Path = BUILD_DIR) -> dict[str, Path]:
    """Copy each function's package and the whole ``shared`` package into its own asset folder."""
    assets_dir = build_dir / "assets"
    with _locked(build_dir):
        assets_dir.mkdir(parents=True, exist_ok=True)
        shared = _stage_shared(source_root, assets_dir)
        try:
            return {name: _stage_function(name, source_root, assets_dir, shared) for name in names}
        finally:
            if shared is not None:
                shutil.rmtree(shared.parent, ignore_errors=True)


def layer_hash(requirements: Iterable[str], *, python_version: str, platform: str) -> str:
    recipe = {
        "requirements": sorted(requirements),
        "python": python_version,
        "platform": platform,
        "recipe": LAYER_RECIPE_VERSION,
    }
    return hashlib.sha256(json.dumps(recipe, sort_keys=True).encode()).hexdigest()[:16]


def build_layer(
    requirements: Iterable[str] | None = None,
    *,
    build_dir: Path = BUILD_DIR,
    python_version: str = constants.LAMBDA_RUNTIME_VERSION,
    architecture: str = constants.LAMBDA_ARCHITECTURE,
    exact: bool = False,
) -> Path:
    """Return ``.build/layer/<hash>`` (its ``python/`` holds the wheels), building it with pip if absent.

    ``exact`` installs the pins alone (``--no-deps``), for packages whose declared requirements are not used.
    """
    pins = tuple(sorted(runtime_requirements() if requirements is None else requirements))
    platform = LAYER_PLATFORMS[architecture]
    layers_dir = build_dir / "layer"
    recipe_pins = (*pins, "--no-deps") if exact else pins
    target = layers_dir / layer_hash(recipe_pins, python_version=python_version, platform=platform)
    if target.is_dir():
        return target
    with _locked(build_dir):
        if target.is_dir():  # another process built it while we waited for the lock
            return target
        built = _fresh(layers_dir / f".building-{target.name}-{os.getpid()}")
        pip = [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-compile",
            "--disable-pip-version-check",
        ]
        wheels_for = ["--platform", platform, "--implementation", "cp", "--python-version", python_version]
        exactly = ["--no-deps"] if exact else []
        command = [*pip, *wheels_for, "--only-binary=:all:", *exactly, "--target", str(built / "python"), *pins]
        if pins:
            # The command is built from constants and the project's own pins, not from outside input.
            result = subprocess.run(command, capture_output=True, text=True, check=False)  # noqa: S603
        else:  # nothing to install: an empty python/ folder
            (built / "python").mkdir()
            result = subprocess.CompletedProcess(command, 0)
        if result.returncode != 0:
            shutil.rmtree(built, ignore_errors=True)
            raise StagingError(
                f"building a layer failed (pip exit {result.returncode}); the first build "
                f"needs the package index.\n{result.stderr.strip()}"
            )
        compile_bytecode(built / "python", LAMBDA_LAYER_ROOT, python_version)
        built.rename(target)
    return target


def build_layers(*, build_dir: Path = BUILD_DIR, pyproject: Path = ROOT / "pyproject.toml") -> dict[str, Path | None]:
    """Every layer the stack uses, built (or found cached): the shared dependency layer, and each extra
    layer of :data:`constants.EXTRA_LAYERS` (``None`` when its optional-dependencies group is empty)."""
    layers: dict[str, Path | None] = {"dependencies": build_layer(runtime_requirements(pyproject), build_dir=build_dir)}
    for group in constants.EXTRA_LAYERS:
        pins = optional_requirements(group, pyproject)
        exact = group in constants.EXACT_LAYERS
        layers[group] = build_layer(pins, build_dir=build_dir, exact=exact) if pins else None
    return layers
