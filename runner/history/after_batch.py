"""What a batch calls when it ends: drift of the specs it ran, never failing the batch.

The batch summary lists these lines first (`views.drift_lines`); the batch's exit code
stays what its runs made it. `repro batch --report DIR` then calls
`runner.report.site.write_site(DIR, url)`.
"""

from __future__ import annotations

from collections.abc import Iterable

from runner.errors import ReproError
from runner.history.drift import Drift, find_drift
from runner.history.store import open_store


def drift_after_batch(spec_names: Iterable[str],
                      url: str | None = None) -> tuple[list[Drift], str | None]:
    """Each spec the batch ran against its previous run: (drifts, a warning or None)."""
    try:
        with open_store(url) as store:
            return find_drift(store, specs=list(spec_names)), None
    except ReproError as exc:
        return [], f"drift not computed: {exc.message}"
