"""JUnit XML: a testsuite per spec, a testcase per claim and per critical finding, an error
for a spec that could not run; valid against the xunit plugin's published junit-10.xsd
(tests/schemas/junit-10.xsd, from jenkinsci/xunit-plugin, MIT)."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import xmlschema
from record_factory import make_record, write_run

from runner.batch.journal import JobState
from runner.batch.junit import write_junit

XSD = Path(__file__).resolve().parents[2] / "schemas" / "junit-10.xsd"
CRITICAL = {"audit": "leakage", "severity": "critical",
            "statement": "12 test rows also appear in the training set"}


def test_junit_file_is_valid_and_says_what_ran(journal, tmp_path):
    j = journal("good", "bad-claim", "broken", "invalid")
    good = write_run(j.folder, make_record("good"))
    bad = write_run(j.folder, make_record("bad-claim", values=[0.7, 0.71, 0.69],
                                          verdict="not_reproduced", findings=[CRITICAL]))
    for name, folder, verdict, code in (("good", good, "reproduced", 0),
                                        ("bad-claim", bad, "not_reproduced", 1)):
        j.update(name, state=JobState.DONE, record=str(folder.relative_to(j.folder) /
                                                       "record.json"),
                 verdict=verdict, exit_code=code, duration_seconds=12.5, gpus=[1])
    j.update("broken", state=JobState.ERROR, exit_code=4,
             reason="too large: asks for 64 CPUs; this machine has 2 CPUs")
    j.update("invalid", state=JobState.ERROR, exit_code=3, reason="invalid spec",
             problems=["/r/invalid.yaml:6: bogus: unknown key"])
    out = tmp_path / "ci" / "junit.xml"

    write_junit(j, out)

    xmlschema.XMLSchema(str(XSD)).validate(str(out))
    root = ET.parse(out).getroot()
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("5", "2", "2")
    suites = {s.get("name"): s for s in root.iter("testsuite")}
    assert list(suites) == ["good", "bad-claim", "broken", "invalid"]
    props = {p.get("name"): p.get("value") for p in suites["good"].iter("property")}
    assert props["commit"] == "a" * 40 and props["image_digest"].startswith("sha256:")
    assert props["gpu_model"] == "none" and props["gpus"] == "1"
    [claim] = suites["good"].findall("testcase")
    assert claim.get("name") == "auc = 0.9 ± 0.01" and claim.find("failure") is None
    cases = suites["bad-claim"].findall("testcase")
    failure = cases[0].find("failure")
    assert failure is not None and failure.get("type") == "not_reproduced"
    assert "mean 0.7, 95% CI [" in failure.get("message", "")
    assert "claimed 0.9 ± 0.01" in failure.get("message", "")
    assert cases[1].get("classname") == "bad-claim.audits"
    assert cases[1].find("failure").get("message") == CRITICAL["statement"]
    error = suites["broken"].find("testcase/error")
    assert error is not None and "this machine has 2 CPUs" in error.get("message", "")
    invalid = suites["invalid"].find("testcase/error")
    assert invalid.get("type") == "invalid_spec" and "bogus: unknown key" in invalid.text
