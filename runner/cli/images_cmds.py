"""`repro images ...`: base images for machines with no container registry."""

from __future__ import annotations

from typing import Annotated

import typer

from runner.cli.base import handled, out

images_app = typer.Typer(help="Base images for machines with no container registry.",
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
