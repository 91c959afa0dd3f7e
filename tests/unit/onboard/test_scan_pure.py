"""`repro new`'s pure pieces: import names, printed metrics, metric names, YAML scalars."""

from __future__ import annotations

import re

import pytest
import yaml

from runner.onboard.draft import metric_name
from runner.onboard.pypi_names import is_stdlib, pypi_name
from runner.onboard.pyscan import PyFile, printed_metrics, python2_evidence
from runner.onboard.spec_writer import q


@pytest.mark.parametrize(("module", "expected"), [
    ("sklearn", ("scikit-learn", True)), ("cv2", ("opencv-python", True)),
    ("PIL.Image", ("Pillow", True)), ("yaml", ("PyYAML", True)),
    ("skimage.io", ("scikit-image", True)), ("numpy", ("numpy", True)),
    ("obscurepkg.sub", ("obscurepkg", False)),
])
def test_import_names_map_to_pypi(module: str, expected: tuple[str, bool]) -> None:
    assert pypi_name(module) == expected


def test_python2_standard_library_is_not_third_party() -> None:
    assert is_stdlib("cPickle") and is_stdlib("os") and not is_stdlib("keras")


def _file(text: str) -> PyFile:
    return PyFile("x.py", text, None)


@pytest.mark.parametrize(("line", "log", "value"), [
    ("print 'merged AUC on testing data set: ' + str(auc)",
     "merged AUC on testing data set: 0.849", "0.849"),
    ("print('Test accuracy:', acc)", "Test accuracy: 0.91", "0.91"),
    ('print(f"val loss={loss:.4f}")', "val loss=1.5e-03", "1.5e-03"),
    ("print('F1 %.3f' % f1)", "F1 0.700", "0.700"),
    ("logger.info('error rate: %s', e)", "error rate: 12.5", "12.5"),
])
def test_a_printed_metric_becomes_a_regex_that_reads_the_value(line: str, log: str,
                                                                value: str) -> None:
    [found] = printed_metrics([_file(line + "\n")])
    match = re.search(found.regex, log)
    assert match and match.group(1) == value


def test_lines_without_a_metric_word_are_not_metrics() -> None:
    assert printed_metrics([_file("print('loaded ' + name)\nprint('epoch', i)\n")]) == []


def test_python2_evidence_names_the_line() -> None:
    assert python2_evidence([_file("x = 1\nprint x\n")]) == "x.py:2: print x"
    assert python2_evidence([PyFile("y.py", "print(x)\n", object())]) is None  # type: ignore


@pytest.mark.parametrize(("label", "name"), [
    ("merged AUC on testing data set", "merged_auc"), ("Test accuracy", "test_accuracy"),
    ("loss", "loss"),
])
def test_metric_names(label: str, name: str) -> None:
    assert metric_name(label) == name


@pytest.mark.parametrize("value", ["python:2.7-slim", "TODO: a: b", "yes", "0.5", "- x",
                                   "a # b", "it's", r"AUC\s*([0-9.]+)", "Keras==TODO"])
def test_scalars_read_back_as_the_same_string(value: str) -> None:
    assert yaml.safe_load(f"k: {q(value)}") == {"k": value}


def test_a_progress_message_without_a_value_is_not_a_metric() -> None:
    text = ("print 'now merged auc calculations for these three quantities...'\n"
            "print('computing the AUC')\n")
    assert printed_metrics([_file(text)]) == []
