"""`repro images ...`: base images, and built images moved, for machines with no registry."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from runner.cli.base import RepoOpt, err, handled, out

images_app = typer.Typer(help="Base images and built images for machines with no container "
                              "registry.",
                         no_args_is_help=True)


@images_app.command("bootstrap")
@handled
def images_bootstrap(
    recipe: Annotated[str, typer.Option(
        help="a shipped recipe's name, or a folder with a recipe.yaml")] = "debian-python",
    mirror: Annotated[str | None, typer.Option(help="Debian mirror; default: apt's own")] = None,
    force: Annotated[bool, typer.Option(help="rebuild even if the image exists")] = False,
) -> int:
    """Build a local Debian base image with Python from the distribution's packages.

    Example: `repro images bootstrap` (then use `base: repro/debian-python:bookworm`)
    """
    from runner.edges.bootstrap import bootstrap

    return bootstrap(recipe, mirror, force, out)


def _log(text: str) -> None:
    if text.strip():
        err.print(f"[dim]{escape(text)}[/dim]", highlight=False)


@images_app.command("export")
@handled
def images_export(
    specs: Annotated[list[Path], typer.Argument(help="spec files or folders of *.yaml")],
    output: Annotated[Path, typer.Option("-o", "--output", help="the archive to write")],
    repo: RepoOpt = None,
) -> int:
    """Write the specs' built images, with their content-hash labels, into one file.

    Example: `repro images export specs/ -o images.tar`; on the other machine
    `repro images import images.tar`, and its runs reuse them without building.
    """
    from runner.onboard.image_archive import export_images
    from runner.run.local import docker_engine
    from runner.spec.collect import spec_files

    entries = export_images(spec_files(specs), repo, output, docker_engine(), _log)
    size = output.stat().st_size / 2**20
    out.print(f"wrote {output} ({size:.0f} MiB): "
              + ", ".join(e["tag"] for e in entries), highlight=False)
    return 0


@images_app.command("import")
@handled
def images_import(
    archive: Annotated[Path, typer.Argument(help="a file from `repro images export`")],
) -> int:
    """Load images from `repro images export`, checking every digest and label.

    Example: `repro images import images.tar`
    """
    from runner.onboard.image_archive import import_images
    from runner.run.local import docker_engine

    entries = import_images(archive, docker_engine, _log)
    for entry in entries:
        out.print(f"imported {entry['tag']} ({entry['id'][:19]}), digest verified",
                  highlight=False)
    return 0
