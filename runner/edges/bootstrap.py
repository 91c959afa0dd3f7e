"""`repro images bootstrap`: engine side of the local base image (see runner.edges.base_images)."""

from __future__ import annotations

import shutil

from rich.console import Console

from runner.edges.base_images import build_rootfs_tar, debian_mirror, load_recipe, new_workdir
from runner.edges.docker_engine import DockerEngine
from runner.errors import InfraError


def bootstrap(recipe_name: str, mirror: str | None, force: bool, out: Console) -> int:
    recipe = load_recipe(recipe_name)
    engine = DockerEngine()
    existing = engine.image(recipe.tag)
    if existing is not None and not force:
        out.print(f"{recipe.tag} is present ({existing.id[:19]}); --force rebuilds it")
        return 0
    source = mirror or debian_mirror()
    out.print(f"building {recipe.tag}: debootstrap {recipe.suite} ({recipe.variant}) from the "
              f"machine's mirror; this takes a minute or two")
    workdir = new_workdir()
    try:
        tar_path = build_rootfs_tar(recipe, source, workdir)
        image_id = engine.import_rootfs(tar_path, recipe.tag, recipe.changes)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)
    code, output = engine.run_once(recipe.tag, ["python3", "--version"])
    if code != 0:
        raise InfraError(f"imported {recipe.tag} ({image_id[:19]}) but its python3 does not "
                         f"run (exit {code}): {output.strip()[-200:]}",
                         hint="check the recipe's `include:` list; --force rebuilds")
    out.print(f"imported {recipe.tag} ({image_id[:19]}): {output.strip()}")
    return 0
