"""repro works installed from a wheel, not only from the source tree.

A wheel is built from this checkout and installed with its dependencies into a fresh
virtual environment without system site-packages; the CLI's smoke tests run from there,
outside the source tree, so nothing can be picked up from the checkout by accident.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.packaging


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    work = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w",
                    str(work / "dist"), str(ROOT)], check=True)
    wheel = next((work / "dist").glob("repro-*.whl"))
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", str(wheel)], check=True)
    yield venv
    shutil.rmtree(work, ignore_errors=True)


def repro(venv: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run([str(venv / "bin" / "repro"), *args], cwd=cwd, env=env,
                          capture_output=True, text=True, check=False)


def test_the_installed_package_is_the_wheel(installed: Path, tmp_path: Path) -> None:
    where = subprocess.run([str(installed / "bin" / "python"), "-c",
                            "import runner; print(runner.__file__)"], cwd=tmp_path,
                           capture_output=True, text=True, check=True).stdout
    assert str(installed) in where and str(ROOT) not in where


def test_help_and_version(installed: Path, tmp_path: Path) -> None:
    assert repro(installed, "--help", cwd=tmp_path).returncode == 0
    version = repro(installed, "--version", cwd=tmp_path)
    assert version.returncode == 0 and version.stdout.startswith("repro ")


def test_validate_and_plan_the_shipped_specs(installed: Path, tmp_path: Path) -> None:
    shutil.copytree(ROOT / "specs", tmp_path / "specs")
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    result = repro(installed, "validate", "specs", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "ok specs/aftershock-mini.yaml" in result.stdout
    plan = repro(installed, "plan", "specs/aftershock-mini.yaml", cwd=tmp_path)
    assert plan.returncode == 0, plan.stderr
    assert "image tag  repro/aftershock-mini:" in plan.stdout


def test_bootstrap_finds_its_recipe_in_the_wheel(installed: Path, tmp_path: Path) -> None:
    assert repro(installed, "images", "bootstrap", "--help", cwd=tmp_path).returncode == 0
    found = subprocess.run(
        [str(installed / "bin" / "python"), "-c",
         "from runner.edges.base_images import load_recipe; print(load_recipe().tag)"],
        cwd=tmp_path, capture_output=True, text=True, check=False)
    assert found.stdout.strip() == "repro/debian-python:bookworm", found.stderr
