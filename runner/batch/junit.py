"""JUnit XML for CI (Jenkins, GitLab, GitHub reporters): a testsuite per spec, a testcase
per claim (failure when not reproduced, inconclusive or missing, with the interval in the
message), a testcase per critical audit finding (failure), and one `run` testcase with an
error for a spec that could not run. Properties carry commit, image digest and GPU model.
Checked against the xunit plugin's published junit-10.xsd in the tests.
"""

from __future__ import annotations

import os
import platform
import xml.etree.ElementTree as ET
from pathlib import Path

from runner.batch.journal import Job, JobState, Journal
from runner.errors import ReproError
from runner.record.model import PASSING, ClaimResult, RunRecord, RunStatus
from runner.record.store import load_record


def write_junit(journal: Journal, path: Path) -> None:
    root = ET.Element("testsuites", name=f"repro batch {journal.data.batch_id}")
    totals = [0, 0, 0]
    seconds = 0.0
    for job in journal.data.jobs:
        suite = _suite(job, _record(journal, job))
        root.append(suite)
        for i, key in enumerate(("tests", "failures", "errors")):
            totals[i] += int(suite.get(key, "0"))
        seconds += float(suite.get("time", "0"))
    for key, value in zip(("tests", "failures", "errors"), totals, strict=True):
        root.set(key, str(value))
    root.set("time", f"{seconds:.3f}")
    ET.indent(root)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    ET.ElementTree(root).write(tmp, encoding="utf-8", xml_declaration=True)
    os.replace(tmp, path)


def _record(journal: Journal, job: Job) -> RunRecord | None:
    if job.record is None:
        return None
    try:
        return load_record(journal.folder / job.record)
    except ReproError:
        return None


def _suite(job: Job, record: RunRecord | None) -> ET.Element:
    suite = ET.Element("testsuite", name=job.name, hostname=job.node or platform.node())
    if job.started:
        suite.set("timestamp", job.started[:19])
    suite.set("time", f"{job.duration_seconds or 0.0:.3f}")
    suite.append(_properties(job, record))
    cases = _cases(job, record)
    suite.extend(cases)
    suite.set("tests", str(len(cases)))
    suite.set("failures", str(sum(1 for c in cases if c.find("failure") is not None)))
    suite.set("errors", str(sum(1 for c in cases if c.find("error") is not None)))
    suite.set("skipped", "0")
    return suite


def _properties(job: Job, record: RunRecord | None) -> ET.Element:
    from runner.history.summary import gpu_model

    values = {"spec": job.spec, "state": str(job.state), "exit_code": job.exit_code,
              "verdict": job.verdict, "record": job.record,
              "gpus": ",".join(map(str, job.gpus)) or None}
    if record is not None:
        values["commit"] = record.source.commit if record.source else None
        values["image_digest"] = record.image.id if record.image else None
        values["gpu_model"] = gpu_model(record) or "none"
    props = ET.Element("properties")
    for name, value in values.items():
        if value is not None:
            ET.SubElement(props, "property", name=name, value=str(value))
    return props


def _cases(job: Job, record: RunRecord | None) -> list[ET.Element]:
    if record is None or record.status is not RunStatus.COMPLETED or job.state is not JobState.DONE:
        return [_run_error(job, record)]
    cases = [_claim_case(job.name, c) for c in record.claims]
    cases += [_finding_case(job.name, f.audit, f.statement)
              for f in record.findings if f.severity == "critical"]
    return cases or [ET.Element("testcase", name="run", classname=job.name)]


def _run_error(job: Job, record: RunRecord | None) -> ET.Element:
    case = ET.Element("testcase", name="run", classname=job.name)
    kind = (str(record.status) if record is not None
            else "invalid_spec" if job.problems else str(job.state))
    reason = (record.reason if record is not None and record.reason else job.reason) or kind
    # A reporter often shows only the message: it names the first problem of a bad spec.
    message = f"{reason}: {job.problems[0]}" if job.problems else reason
    error = ET.SubElement(case, "error", type=kind, message=message.splitlines()[0])
    error.text = "\n".join([reason, *job.problems])
    return case


def _claim_case(spec: str, claim: ClaimResult) -> ET.Element:
    name = f"{claim.metric} = {claim.claimed:g} ± {claim.tolerance:g}"
    if claim.where:
        name += f" ({claim.where})"
    case = ET.Element("testcase", name=name, classname=f"{spec}.claims")
    if claim.verdict not in PASSING:
        failure = ET.SubElement(case, "failure", type=str(claim.verdict),
                                message=f"{claim.verdict}: {_interval(claim)}")
        failure.text = claim.explanation
    return case


def _interval(claim: ClaimResult) -> str:
    band = f"claimed {claim.claimed:g} ± {claim.tolerance:g}"
    if claim.mean is None:
        return f"no value ({', '.join(claim.missing) or 'missing'}); {band}"
    text = f"mean {claim.mean:.4g}"
    if claim.ci_low is not None and claim.ci_high is not None:
        level = f"{claim.confidence:.0%} " if claim.confidence else ""
        text += f", {level}CI [{claim.ci_low:.4g}, {claim.ci_high:.4g}]"
    return f"{text}; {band}"


def _finding_case(spec: str, audit: str, statement: str) -> ET.Element:
    case = ET.Element("testcase", name=f"audit {audit}: {statement[:120]}",
                      classname=f"{spec}.audits")
    failure = ET.SubElement(case, "failure", type="critical", message=statement)
    failure.text = statement
    return case
