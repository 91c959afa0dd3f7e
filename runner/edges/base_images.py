"""`repro images bootstrap`: a base image from a distribution's packages, no registry needed.

Air-gapped labs have a Debian mirror but no container registry. debootstrap builds a
root file system from the mirror the machine already uses, and `docker import` turns it
into an image. Recipes ship inside the package (`runner/edges/recipes/NAME/recipe.yaml`),
so an installed wheel has them; `--recipe` also takes a folder of your own.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

import yaml

from runner.errors import InfraError, UsageError

RECIPES = Path(__file__).resolve().parent / "recipes"
APT_SOURCES = Path("/etc/apt")


@dataclass(frozen=True)
class Recipe:
    tag: str
    suite: str
    variant: str
    include: list[str]
    changes: list[str]


def load_recipe(name: str = "debian-python") -> Recipe:
    """A shipped recipe by name, or a folder holding a `recipe.yaml` of your own."""
    own = Path(name)
    path = (own if own.is_dir() else RECIPES / name) / "recipe.yaml"
    if not path.exists():
        shipped = ", ".join(sorted(p.name for p in RECIPES.iterdir() if p.is_dir()))
        raise UsageError(f"no image recipe {name!r} (looked for {path})",
                         hint=f"shipped recipes: {shipped}; or give a folder with recipe.yaml")
    raw = yaml.safe_load(path.read_text())
    return Recipe(raw["tag"], raw["suite"], raw.get("variant", "minbase"),
                  list(raw.get("include", [])), list(raw.get("changes", [])))


def debian_mirror(apt_dir: Path = APT_SOURCES) -> str:
    """The first Debian mirror this machine's apt uses (deb822 `.sources` or `sources.list`)."""
    for path in sorted((apt_dir / "sources.list.d").glob("*.sources")):
        for uri in re.findall(r"^URIs:\s*(\S+)", path.read_text(), re.MULTILINE):
            if "security" not in uri:
                return str(uri)
    legacy = apt_dir / "sources.list"
    if legacy.exists():
        for match in re.finditer(r"^deb\s+(?:\[[^\]]*\]\s+)?(\S+)", legacy.read_text(), re.M):
            if "security" not in match.group(1):
                return match.group(1)
    raise InfraError("no Debian mirror found in the apt sources",
                     hint="pass --mirror URL, the mirror your machine installs packages from")


def debootstrap(recipe: Recipe, mirror: str, rootfs: Path) -> None:
    if shutil.which("debootstrap") is None:
        raise InfraError("debootstrap is not installed", hint="apt-get install -y debootstrap")
    command = ["debootstrap", f"--variant={recipe.variant}",
               f"--include={','.join(recipe.include)}", recipe.suite, str(rootfs), mirror]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).splitlines()[-15:])
        raise InfraError(f"debootstrap failed (exit {result.returncode}):\n{tail}")


def pack(rootfs: Path, tar_path: Path) -> None:
    with tarfile.open(tar_path, "w") as tar:
        for child in sorted(rootfs.iterdir()):
            tar.add(child, arcname=child.name)


def build_rootfs_tar(recipe: Recipe, mirror: str, workdir: Path) -> Path:
    rootfs = workdir / "rootfs"
    debootstrap(recipe, mirror, rootfs)
    tar_path = workdir / "rootfs.tar"
    pack(rootfs, tar_path)
    return tar_path


def new_workdir() -> Path:
    return Path(tempfile.mkdtemp(prefix="repro-bootstrap-"))
