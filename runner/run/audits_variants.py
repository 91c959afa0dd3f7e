"""The code audit and the neighbour audit inside a run, for the main configuration and for
each variant.

Both can change with a variant: an environment switch in the code (`PREPROCESS=leaky`)
takes another branch, and the variant's runs write other rows. A variant's finding that
the main configuration does not have is reported with the variant's name in its statement
and evidence; one the main configuration shares is reported once, for the main runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from runner.audits.findings import Finding
from runner.core.plan import Plan
from runner.core.schedule import Job, JobKind
from runner.run.audit_context import AuditContext, guard, resolve
from runner.run.steps import SeedResult


def code_env(plan: Plan, variant: str | None) -> dict[str, str]:
    """The environment the steps see, as far as the spec says (not the host's)."""
    spec = plan.spec
    env = {**spec.environment.env, **{k: v for s in spec.steps for k, v in s.env.items()},
           **plan.extra_env}
    if variant is not None and variant in spec.variants:
        env.update(spec.variants[variant].env)
    if spec.audits is not None and spec.audits.code is not None:
        env.update(spec.audits.code.env)
    return env


def _code(plan: Plan, variant: str | None, ctx: AuditContext) -> list[Finding]:
    from runner.audits.code_audit import audit_code

    audits = plan.spec.audits
    if audits is None or audits.code is None:
        return []
    paths = [ctx.repo / p for p in audits.code.paths]
    return guard("code", lambda: audit_code(paths, code_env(plan, variant)))


def _neighbours(plan: Plan, outputs: Path, ctx: AuditContext) -> list[Finding]:
    from runner.audits.neighbours import audit_neighbours

    leak = plan.spec.audits.leakage if plan.spec.audits else None
    nb = leak.neighbours if leak else None
    if nb is None:
        return []
    return guard("neighbours", lambda: audit_neighbours(
        resolve(nb.train, outputs, ctx), resolve(nb.test, outputs, ctx), nb.features,
        quantile=nb.quantile, max_share=nb.max_share))


def _key(finding: Finding) -> tuple[object, ...]:
    ev = finding.evidence
    return (finding.audit, finding.severity, ev.get("file"), ev.get("fit_line"),
            ev.get("split_line"), ev.get("kind"), finding.severity == "info")


def _for_variant(name: str, found: Sequence[Finding], main: Sequence[Finding]) -> list[Finding]:
    seen = {_key(f) for f in main}
    return [Finding(f.audit, f.severity, f"variant {name}: {f.statement}",
                    {**f.evidence, "variant": name})
            for f in found if f.severity != "info" and _key(f) not in seen]


def code_and_neighbours(plan: Plan, ok: Sequence[SeedResult], jobs: dict[str, Job],
                        first_main: Path, ctx: AuditContext) -> list[Finding]:
    main = _code(plan, None, ctx) + _neighbours(plan, first_main, ctx)
    found = list(main)
    for name in plan.spec.variants:
        runs = sorted((r for r in ok if jobs[r.label].kind is JobKind.VARIANT
                       and jobs[r.label].variant == name and r.outputs is not None),
                      key=lambda r: r.seed)
        variant = _code(plan, name, ctx)
        if runs and runs[0].outputs is not None:
            variant += _neighbours(plan, runs[0].outputs, ctx)
        found += _for_variant(name, variant, main)
    return found
