"""`repro shell SPEC`: a shell (or one command) in the paper's built image, in the container
a run's job gets: the same sandbox, data mounts and environment, the repository at its
commit. The container is removed on every way out.
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Callable
from pathlib import Path

from runner.core.determinism import determinism_env
from runner.core.gpu import decide
from runner.edges import terminal
from runner.edges.engine import ContainerEngine, ContainerRequest
from runner.errors import UsageError
from runner.onboard.prepare import Prepared, prepared
from runner.run.jobs import built_labels
from runner.run.steps import container_request

Say = Callable[[str], None]
# bash when the image has it, else sh; Debian's bashrc shows $debian_chroot in the prompt.
DEFAULT_SHELL = ["/bin/sh", "-c", "command -v bash >/dev/null 2>&1 && exec bash || exec sh"]


def shell(spec_path: Path, engine: ContainerEngine, seed: int | None, network: bool,
          command: list[str], repo: str | None, say: Say) -> int:
    with prepared(spec_path, repo, engine, say) as ready:
        request, env = shell_request(ready, seed, network, say)
        container = engine.start(request)
        try:
            say(f"container {request.name}: {ready.spec.environment.workdir} at "
                f"{ready.source.kind} {ready.source.source_id.split(':')[-1][:12]}, network "
                f"{'on' if network else 'off'}; it is removed when the shell exits")
            return _attach(engine, container, command or DEFAULT_SHELL, env)
        finally:
            engine.remove(container)


def shell_request(ready: Prepared, seed: int | None, network: bool,
                  say: Say) -> tuple[ContainerRequest, dict[str, str]]:
    """The job container's request (run.steps), named for the shell, and the step env."""
    spec = ready.spec
    chosen = spec.seeds[0] if seed is None else seed
    if seed is not None and seed not in spec.seeds:
        raise UsageError(f"seed {seed} is not one of the spec's seeds {spec.seeds}")
    gpu = decide(spec.resources.gpus, ready.info.gpu_support, ready.info.gpu_support_reason,
                 allow_missing=True)
    if gpu.missing_allowed:
        say(f"note: the spec asks for GPUs but this host cannot pass them through "
            f"({gpu.detail}); the shell has none")
    name = f"repro-shell-{spec.name}-{os.getpid()}"
    request = container_request(ready.plan, ready.built.id, name, ready.mounts,
                                {**built_labels(ready.built), "org.repro.shell": "true"},
                                gpu.granted)
    env = {**determinism_env(spec.determinism_settings.mode, chosen),
           "REPRO_SEED": str(chosen), "debian_chroot": f"repro:{spec.name}"}
    return dataclasses.replace(request, network=network), env


def _attach(engine: ContainerEngine, container: str, command: list[str],
            env: dict[str, str]) -> int:
    if not terminal.is_terminal():
        result = engine.exec(container, command, env, _print_line, None)
        return result.exit_code if result.exit_code is not None else 1
    stream = engine.open_exec(container, command, env, tty=True)
    try:
        terminal.interact(stream.sock,
                          lambda rows, cols: engine.resize_exec(stream.exec_id, rows, cols))
    finally:
        stream.sock.close()
    code = engine.exec_exit_code(stream.exec_id)
    return code if code is not None else 1


def _print_line(line: str) -> None:
    print(line, flush=True)
