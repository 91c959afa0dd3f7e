"""`repro audit ...`: run one audit on files at hand, outside a spec.

Exit codes: 0 the audit ran and found nothing critical; 1 it found at least one critical
finding; 2 bad input (a missing file or column, a malformed value, conflicting options), which
is printed as one `error: ...` line on stderr.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Annotated, cast

import typer

from runner.audits.findings import Finding, has_critical
from runner.cli.base import handled, out
from runner.errors import UsageError
from runner.spec.audit_terms import METRICS, MODELS, BaselineMetric, BaselineModel

audit_app = typer.Typer(
    help="Audit a paper's method: group leakage, duplicate rows, class balance, baselines.",
    no_args_is_help=True,
)

JsonOpt = Annotated[bool, typer.Option("--json", help='Print {"findings": [...]} as JSON.')]
# The model must beat a baseline by more than this when --tolerance is not given.
DEFAULT_TOLERANCE = 0.01
ChunkOpt = Annotated[int, typer.Option("--chunk-size", min=1, help="Rows read per chunk.")]


def _run(audit: Callable[[], list[Finding]], as_json: bool) -> int:
    """Print the findings; exit 1 on a critical one. Errors go through the one handler."""
    from runner.present.findings import findings_json, findings_table

    findings = audit()
    if as_json:
        typer.echo(findings_json(findings))
    else:
        out.print(findings_table(findings))
    return 1 if has_critical(findings) else 0


def _names(text: str | None) -> list[str] | None:
    if text is None:
        return None
    names = [n.strip() for n in text.split(",") if n.strip()]
    if not names:
        raise UsageError(f"expected a comma-separated list of names, got {text!r}")
    return names


def _seeds(text: str) -> list[int]:
    try:
        seeds = [int(v.strip()) for v in text.split(",") if v.strip()]
    except ValueError:
        raise UsageError(f"--seeds: expected comma-separated integers, got {text!r}") from None
    if not seeds:
        raise UsageError("--seeds: give at least one seed")
    return seeds


@audit_app.command()
@handled
def leakage(
    manifest: Annotated[Path, typer.Argument(help="Table with one row per item and its split.")],
    item: Annotated[str, typer.Option("--item", help="Column naming each item.")],
    split: Annotated[str, typer.Option("--split", help="Column holding each item's split.")],
    group_pattern: Annotated[
        str | None, typer.Option("--group-pattern", help="Regex on the item; group 1 is the key.")
    ] = None,
    group_column: Annotated[
        str | None, typer.Option("--group-column", help="Column holding each item's group.")
    ] = None,
    chunk_size: ChunkOpt = 100_000,
    as_json: JsonOpt = False,
) -> int:
    """Find groups (and items) that appear in more than one split.

    Example: repro audit leakage split.csv --item Name --split Original
    --group-pattern '^(\\d{4}[A-Za-z]{6})'
    """
    from runner.audits.leakage import audit_leakage

    def audit() -> list[Finding]:
        if (group_pattern is None) == (group_column is None):
            raise UsageError("give exactly one of --group-pattern and --group-column")
        return audit_leakage(manifest, item, split, group_pattern, group_column, chunk_size)

    return _run(audit, as_json)


@audit_app.command()
@handled
def duplicates(
    train: Annotated[Path, typer.Argument(help="Training table.")],
    test: Annotated[Path, typer.Argument(help="Test table.")],
    columns: Annotated[
        str | None, typer.Option("--columns", help="Comma-separated columns (default: all).")
    ] = None,
    chunk_size: ChunkOpt = 100_000,
    as_json: JsonOpt = False,
) -> int:
    """Count test rows that also occur, exactly, in the training table.

    Example: repro audit duplicates train.csv test.csv --columns lat,lon,depth
    """
    from runner.audits.duplicates import audit_duplicates

    return _run(lambda: audit_duplicates(train, test, _names(columns), chunk_size), as_json)


def _reported(pairs: list[str]) -> dict[str, float]:
    out: dict[str, float] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        try:
            if not sep or not name.strip():
                raise ValueError
            out[name.strip()] = float(value)
        except ValueError:
            raise UsageError(f"--reported expects NAME=NUMBER, got {pair!r}") from None
    return out


@audit_app.command()
@handled
def balance(
    file: Annotated[Path, typer.Argument(help="Table with labels (and saved predictions).")],
    label: Annotated[str, typer.Option("--label", help="Column holding the true class.")],
    predictions: Annotated[
        str | None, typer.Option("--predictions", help="Column of saved scores or labels.")
    ] = None,
    reported: Annotated[
        list[str] | None,
        typer.Option("--reported", help="A metric the paper's code reported, NAME=VALUE."),
    ] = None,
    threshold: Annotated[float, typer.Option(help="Score threshold for a positive.")] = 0.5,
    as_json: JsonOpt = False,
) -> int:
    """Count the classes; recompute accuracy, balanced accuracy and ROC AUC from predictions.

    Example: repro audit balance test.csv --label fake --predictions score
    --reported accuracy=0.93
    """
    from runner.audits.balance import audit_class_balance

    def audit() -> list[Finding]:
        given = _reported(reported or [])
        return audit_class_balance(file, label, predictions, given or None, threshold)

    return _run(audit, as_json)


def _model_and_metric(model: str, metric: str) -> tuple[BaselineModel, BaselineMetric]:
    if model not in MODELS:
        raise UsageError(f"unknown --model {model!r}; choose one of {', '.join(MODELS)}")
    if metric not in METRICS:
        raise UsageError(f"unknown --metric {metric!r}; choose one of {', '.join(METRICS)}")
    return cast(BaselineModel, model), cast(BaselineMetric, metric)


@audit_app.command()
@handled
def baseline(
    train: Annotated[Path, typer.Argument(help="Training table.")],
    test: Annotated[Path, typer.Argument(help="Test table.")],
    features: Annotated[str, typer.Option("--features", help="Comma-separated feature columns.")],
    label: Annotated[str, typer.Option("--label", help="Target column.")],
    model: Annotated[str, typer.Option(help=f"One of: {', '.join(MODELS)}.")] = MODELS[0],
    metric: Annotated[str, typer.Option(help=f"One of: {', '.join(METRICS)}.")] = "roc_auc",
    compare_to_value: Annotated[
        float | None, typer.Option(help="The paper's model metric to compare with.")
    ] = None,
    tolerance: Annotated[
        float | None, typer.Option(help="Margin the model must beat the baseline by [0.01].")
    ] = None,
    seeds: Annotated[str, typer.Option(help="Comma-separated seeds.")] = "0",
    as_json: JsonOpt = False,
) -> int:
    """Fit a simple baseline and, given the paper's value, check that the model beats it.

    Example: repro audit baseline train.csv test.csv --features stress_xx,stress_yy
    --label aftershock --compare-to-value 0.849 --tolerance 0.01
    """
    from runner.audits.baseline import baseline_findings

    def audit() -> list[Finding]:
        checked_model, checked_metric = _model_and_metric(model, metric)
        if tolerance is not None and compare_to_value is None:
            raise UsageError("--tolerance needs --compare-to-value")
        feature_list, seed_list = _names(features) or [], _seeds(seeds)
        return baseline_findings(
            train, test, feature_list, label, checked_model, checked_metric, seed_list,
            compare_to_value, DEFAULT_TOLERANCE if tolerance is None else tolerance,
        )  # fmt: skip

    return _run(audit, as_json)


def _env_pairs(pairs: list[str]) -> dict[str, str]:
    env: dict[str, str] = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep or not name.strip():
            raise UsageError(f"--env expects NAME=VALUE, got {pair!r}")
        env[name.strip()] = value
    return env


@audit_app.command()
@handled
def code(
    paths: Annotated[
        list[Path], typer.Argument(help="Python files, notebooks or folders to read.")
    ],
    env: Annotated[
        list[str] | None,
        typer.Option("--env", help="NAME=VALUE the code runs with (decides env switches)."),
    ] = None,
    as_json: JsonOpt = False,
) -> int:
    """Find preprocessing, feature selection, imputation or oversampling fitted before the
    data is split (train_test_split, a KFold split, cross_val_score, GridSearchCV).

    Example: repro audit code examples/aftershock-mini --env PREPROCESS=leaky
    """
    from runner.audits.code_audit import audit_code

    return _run(lambda: audit_code(paths, _env_pairs(env or [])), as_json)


@audit_app.command()
@handled
def neighbours(
    train: Annotated[Path, typer.Argument(help="Training table.")],
    test: Annotated[Path, typer.Argument(help="Test table.")],
    features: Annotated[str, typer.Option("--features", help="Comma-separated feature columns.")],
    quantile: Annotated[
        float, typer.Option(help="Near copy: closer than this quantile of training NN distances.")
    ] = 0.01,
    max_share: Annotated[
        float, typer.Option(help="Critical when more than this share of test rows is flagged.")
    ] = 0.05,
    chunk_size: ChunkOpt = 100_000,
    as_json: JsonOpt = False,
) -> int:
    """Count test rows that are near copies of training rows or interpolated between two
    (SMOTE-like), against the training rows' own nearest-neighbour distances.

    Example: repro audit neighbours out/train.csv out/test.csv
    --features stress_xx,stress_yy,stress_zz
    """
    from runner.audits.neighbours import audit_neighbours

    def audit() -> list[Finding]:
        if not 0 < quantile < 0.5 or not 0 < max_share < 1:
            raise UsageError("--quantile must lie in (0, 0.5) and --max-share in (0, 1)")
        return audit_neighbours(train, test, _names(features) or [], quantile, max_share,
                                chunk_size)

    return _run(audit, as_json)
