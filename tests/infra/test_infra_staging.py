"""Docker-free staging: function assets copied from the tree, a pip-built layer cached by its pins."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from infra import constants, staging


def _write(path: Path, text: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


def _pyproject(tmp_path: Path, dependencies: list[str]) -> Path:
    lines = ",\n".join(f'    "{d}"' for d in dependencies)
    return _write(tmp_path / "pyproject.toml", f'[project]\nname = "x"\ndependencies = [\n{lines},\n]\n')


def test_layer_requirements_are_the_pins_without_what_the_runtime_provides(tmp_path):
    # GIVEN pinned dependencies including boto3
    pyproject = _pyproject(tmp_path, ["boto3==1.0.0", "Pydantic==2.0.0", "aws-lambda-powertools[tracer]==3.0.0"])
    # WHEN the layer's requirements are read  THEN boto3 is left to the runtime, extras are kept
    assert staging.runtime_requirements(pyproject) == (
        "Pydantic==2.0.0",
        "aws-lambda-powertools[tracer]==3.0.0",
    )


def test_an_unpinned_layer_dependency_is_refused(tmp_path):
    # GIVEN a dependency without '==' (the cache key would not describe the layer)  THEN staging refuses it
    with pytest.raises(staging.StagingError, match="pinned"):
        staging.runtime_requirements(_pyproject(tmp_path, ["pydantic>=2"]))


def test_project_pins_are_the_single_source(synth):
    # GIVEN the project's pyproject.toml  THEN the layer ships every runtime pin except boto3
    requirements = staging.runtime_requirements()
    assert requirements and all("==" in r for r in requirements)
    assert not any(r.lower().startswith("boto3") for r in requirements)


def test_layer_hash_changes_with_pins_platform_and_python():
    base = staging.layer_hash(["a==1"], python_version="3.13", platform="manylinux2014_aarch64")
    assert base == staging.layer_hash(["a==1"], python_version="3.13", platform="manylinux2014_aarch64")
    assert base != staging.layer_hash(["a==2"], python_version="3.13", platform="manylinux2014_aarch64")
    assert base != staging.layer_hash(["a==1"], python_version="3.12", platform="manylinux2014_aarch64")
    assert base != staging.layer_hash(["a==1"], python_version="3.13", platform="manylinux2014_x86_64")


def test_function_asset_holds_its_package_and_shared_and_only_fresh_bytecode(tmp_path):
    # GIVEN a source tree with two functions, shared code and stray bytecode
    source = tmp_path / "src"
    _write(source / "functions" / "__init__.py")
    _write(source / "functions" / "api" / "handler.py", "def handler(e, c): ...")
    _write(source / "functions" / "api" / "__pycache__" / "handler.cpython-311.pyc")
    _write(source / "functions" / "relay" / "handler.py")
    _write(source / "shared" / "models" / "article.py", "X = 1")
    _write(source / "shared" / "stale.pyc")
    build = tmp_path / "build"
    # WHEN the api function is staged
    (asset,) = staging.stage_functions(["api"], source_root=source, build_dir=build).values()
    # THEN its asset holds functions/__init__.py, functions/api and shared, and nothing else
    files = sorted(str(p.relative_to(asset)) for p in asset.rglob("*") if p.is_file() and p.suffix != ".pyc")
    assert files == ["functions/__init__.py", "functions/api/handler.py", "shared/models/article.py"]
    # AND the only bytecode is what staging compiled from those sources, none of the stray files
    compiled = sorted(str(p.relative_to(asset)) for p in asset.rglob("*.pyc"))
    tag = "cpython-" + constants.LAMBDA_RUNTIME_VERSION.replace(".", "")
    assert compiled == [
        f"functions/__pycache__/__init__.{tag}.pyc",
        f"functions/api/__pycache__/handler.{tag}.pyc",
        f"shared/models/__pycache__/article.{tag}.pyc",
    ]
    assert asset == build / "assets" / "api"


def test_restaging_reflects_the_working_tree(tmp_path):
    # GIVEN a staged function whose source then loses a module and gains another
    source = tmp_path / "src"
    old = _write(source / "functions" / "enrich" / "old.py")
    _write(source / "shared" / "__init__.py")
    build = tmp_path / "build"
    staging.stage_functions(["enrich"], source_root=source, build_dir=build)
    old.unlink()
    _write(source / "functions" / "enrich" / "new.py")
    # WHEN it is staged again
    asset = staging.stage_functions(["enrich"], source_root=source, build_dir=build)["enrich"]
    # THEN the asset mirrors the tree now, and no temporary folder is left behind
    assert (asset / "functions" / "enrich" / "new.py").is_file()
    assert not (asset / "functions" / "enrich" / "old.py").exists()
    assert (asset / "functions" / "__init__.py").is_file()  # created when the tree has none
    assert sorted(p.name for p in (build / "assets").iterdir()) == ["enrich"]


def test_missing_function_code_still_stages(tmp_path):
    # GIVEN a tree where a function's folder does not exist yet  THEN staging still yields an asset
    _write(tmp_path / "src" / "shared" / "__init__.py")
    asset = staging.stage_functions(["build_feeds"], source_root=tmp_path / "src", build_dir=tmp_path / "b")
    assert (asset["build_feeds"] / "shared" / "__init__.py").is_file()


def test_synthesized_layer_is_built_for_lambda_not_the_host(synth):
    # GIVEN the layer asset the synth used
    assets = json.loads((synth.outdir / f"{constants.STACK_NAME}.assets.json").read_text())
    layer_dir = staging.build_layer()  # cached: returns the folder the synth staged
    site_packages = layer_dir / "python"
    # THEN it holds the pinned packages as aarch64 wheels for the runtime's CPython, without boto3
    tag = "cpython-" + constants.LAMBDA_RUNTIME_VERSION.replace(".", "")
    assert (site_packages / "pydantic").is_dir()
    assert list(site_packages.glob(f"pydantic_core/_pydantic_core.{tag}-aarch64-linux-gnu.so"))
    assert not (site_packages / "boto3").exists()
    # AND bytecode for that runtime only, so cold starts do not compile the dependencies
    compiled = list(site_packages.rglob("*.pyc"))
    assert compiled and all(f".{tag}." in path.name for path in compiled)
    main_pyc = site_packages / "pydantic" / "__pycache__" / f"main.{tag}.pyc"
    assert b"/opt/python/pydantic/main.py" in main_pyc.read_bytes()  # named where Lambda mounts the layer
    assert any(f["source"]["path"].startswith("asset.") for f in assets["files"].values())


def test_function_assets_ship_bytecode_checked_by_source_hash(tmp_path):
    # GIVEN a function and the shared package
    _write(tmp_path / "src" / "functions" / "api" / "handler.py", "VALUE = 1\n")
    _write(tmp_path / "src" / "shared" / "__init__.py")
    # WHEN it is staged twice
    first = staging.stage_functions(["api"], source_root=tmp_path / "src", build_dir=tmp_path / "b")["api"]
    pyc = next((first / "functions" / "api" / "__pycache__").glob("handler.*.pyc"))
    first_bytes = pyc.read_bytes()
    staging.stage_functions(["api"], source_root=tmp_path / "src", build_dir=tmp_path / "b")
    # THEN the bytecode is there, flagged as hash-checked (not timestamp), and identical each time
    flags = int.from_bytes(first_bytes[4:8], "little")
    assert flags == 0b01  # hash-based, unchecked: valid on a read-only file system whatever the mtime
    assert next((first / "functions" / "api" / "__pycache__").glob("handler.*.pyc")).read_bytes() == first_bytes
    assert b"/var/task/functions/api/handler.py" in first_bytes  # tracebacks name the path in Lambda


def _groups(tmp_path: Path, body: str) -> Path:
    return _write(tmp_path / "pyproject.toml", f'[project]\nname = "x"\ndependencies = []\n{body}')


def test_an_absent_or_empty_optional_group_has_no_layer_requirements(tmp_path):
    # GIVEN a project without an [enrich] group, then one with an empty group  THEN neither asks for a layer
    assert staging.optional_requirements("enrich", _groups(tmp_path, "")) == ()
    empty = _groups(tmp_path, "[project.optional-dependencies]\nenrich = []\n")
    assert staging.optional_requirements("enrich", empty) == ()


def test_an_optional_group_yields_its_pins_without_what_the_runtime_provides(tmp_path):
    # GIVEN an [enrich] group with pinned packages and boto3
    body = '[project.optional-dependencies]\nenrich = ["pymorphy3==2.0.2", "boto3==1.0.0", "dawg2-python==0.9"]\n'
    # THEN its layer ships the pins (sorted), boto3 left to the runtime
    assert staging.optional_requirements("enrich", _groups(tmp_path, body)) == ("dawg2-python==0.9", "pymorphy3==2.0.2")


def test_an_unpinned_optional_dependency_is_refused(tmp_path):
    body = '[project.optional-dependencies]\nenrich = ["pymorphy3>=2"]\n'
    with pytest.raises(staging.StagingError, match=r"pinned .* \[enrich\]"):
        staging.optional_requirements("enrich", _groups(tmp_path, body))


def test_an_empty_extra_group_builds_no_extra_layer(tmp_path):
    # GIVEN a project whose runtime dependencies are already staged and whose [enrich] group is empty
    pyproject = _groups(tmp_path, "[project.optional-dependencies]\nenrich = []\n")
    # WHEN the layers are built (no runtime dependency: the dependency layer is an empty, cached folder)
    layers = staging.build_layers(build_dir=tmp_path / "build", pyproject=pyproject)
    # THEN there is the dependency layer and no extra layer (neither group has packages)
    assert layers["dependencies"] is not None and layers["dependencies"].is_dir()
    assert layers == {"dependencies": layers["dependencies"], "enrich": None, "auth": None}
