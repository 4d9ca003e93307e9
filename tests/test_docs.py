"""Every ```console example in README.md and docs/*.md runs, and prints what the doc shows;
the ```json scan records docs/index-and-scan.md shows are, shortened, what its scan wrote.

After a deliberate change of output (a retrained model moves the scores), rewrite the shown
outputs from the repository root with

    .venv/bin/python -m tests.test_docs --update [README.md docs/report.md ...]

and read the diff before committing it (the ```json records are rewritten by hand). The test
itself never changes a document.
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from tests.doc_examples import (
    DOCS,
    ROOT,
    DocRun,
    _demo_paths,
    matches,
    normalise,
    parse,
    update,
    updated_output,
)

EXAMPLES = [(doc, k, example.name) for doc in DOCS for k, example in enumerate(parse(doc))]


@pytest.fixture(scope="module")
def runs():
    runs: dict[Path, DocRun] = {}
    yield runs
    for run in runs.values():
        run.close()


@pytest.mark.parametrize(("doc", "k"), [(doc, k) for doc, k, _ in EXAMPLES],
                         ids=[name for *_, name in EXAMPLES])
def test_console_example(runs, doc, k):
    run = runs.setdefault(doc, DocRun(doc))
    problem = run.check(k)
    if problem:
        pytest.fail(problem, pytrace=False)


def _shortened(block: str) -> object:
    """A record as a doc shows it, shortened: `, ...` cuts a list or an object."""
    return json.loads(re.sub(r",\s*\.\.\.\s*(?=[\]}])", "", block))


def _within(shown: object, actual: object) -> bool:
    """Whether what a doc shows of a record is the record: an object's keys a subset, a
    list a prefix, everything else equal."""
    if isinstance(shown, dict):
        return isinstance(actual, dict) and all(
            k in actual and _within(v, actual[k]) for k, v in shown.items())
    if isinstance(shown, list):
        return isinstance(actual, list) and len(shown) <= len(actual) and all(
            _within(a, b) for a, b in zip(shown, actual, strict=False))
    return shown == actual


def test_scan_records_shown_are_the_scan_s(runs):
    """The ```json records of index-and-scan.md are, shortened, what its scan wrote."""
    doc = ROOT / "docs" / "index-and-scan.md"
    run = runs.setdefault(doc, DocRun(doc))
    scan = next(k for k, e in enumerate(run.examples) if "--out scan.jsonl" in e.command)
    assert run.result(scan).status == 2  # the doc's scan has an unreadable suspect
    written = [json.loads(_demo_paths(line, run.workdir))
               for line in (run.workdir / "scan.jsonl").read_text(encoding="utf-8").splitlines()]
    by_name = {r["name"]: r for r in written}
    blocks = re.findall(r"^```json\n(.*?)^```$", doc.read_text(encoding="utf-8"),
                        re.MULTILINE | re.DOTALL)
    assert len(blocks) == 2
    for block in blocks:
        shown = _shortened(block)
        assert _within(shown, by_name[shown["name"]]), block


def test_shortened_records_are_read_as_cut():
    shown = _shortened('{"a": [1, 2, ...], "b": {"c": 1, ...}}')
    assert shown == {"a": [1, 2], "b": {"c": 1}}
    assert _within(shown, {"a": [1, 2, 3], "b": {"c": 1, "d": 2}, "e": 0})
    assert not _within(shown, {"a": [1, 3, 3], "b": {"c": 1}})
    assert not _within(shown, {"a": [1, 2], "b": {"c": 2}})


def test_every_doc_has_examples():
    assert {doc.name for doc, *_ in EXAMPLES} >= {"README.md", "index-and-scan.md", "report.md"}


# The machinery, on tiny documents.

DOC = """Intro.

```console
$ printf 'a\\nb\\n' \\
>   > out.txt
$ cat out.txt
a
b

$ false
$ echo $?
1
```

```sh
make install
```

```console
$ echo done
done
```
"""


def test_parse_commands_outputs_and_continuations(tmp_path):
    examples = parse(tmp_path / "doc.md", DOC)
    assert [e.command for e in examples] == ["printf 'a\\nb\\n' \\\n  > out.txt", "cat out.txt",
                                             "false", "echo $?", "echo done"]
    assert [e.line for e in examples] == [4, 6, 10, 11, 20]
    assert examples[1].expected == ["a", "b", ""]
    assert examples[0].expected == []


def test_an_indented_console_block_is_refused(tmp_path):
    with pytest.raises(ValueError, match="at the margin"):
        parse(tmp_path / "doc.md", "- item\n\n  ```console\n  $ true\n  ```\n")


def test_run_carries_files_and_exit_status(tmp_path):
    doc = tmp_path / "doc.md"
    doc.write_text(DOC, encoding="utf-8")
    run = DocRun(doc)
    try:
        assert [run.check(k) for k in range(len(run.examples))] == [None] * 5
        assert run.result(2).status == 1
    finally:
        run.close()


def test_an_unshown_failure_fails(tmp_path):
    doc = tmp_path / "doc.md"
    doc.write_text("```console\n$ false\n```\n", encoding="utf-8")
    run = DocRun(doc)
    try:
        assert "exit status 1" in run.check(0)
    finally:
        run.close()


def test_normalise_keeps_counts_and_replaces_what_varies(tmp_path):
    line = (f"2 added, 0 unreadable in 0.3 s; {tmp_path}/ref.sqlite holds 2 documents (53.2 kB)\n"
            "scanned 5 suspects, 1 spun, 0.8 s (11.1 suspects/s), 1,759 docs/s, 12 ms\n"
            "created:    2026-11-23T10:46:37Z\n\n")
    assert normalise(line, tmp_path) == (
        "2 added, 0 unreadable in <t> s; /tmp/demo/ref.sqlite holds 2 documents (<size>)\n"
        "scanned 5 suspects, 1 spun, <t> s (<n> suspects/s), <n> docs/s, <t> ms\n"
        "created:    <time>")


@pytest.mark.parametrize(("expected", "actual", "ok"), [
    (["a", "...", "d"], ["a", "b", "c", "d"], True),
    (["a", "...", "d"], ["a", "d"], True),
    (["a", "..."], ["a"], True),
    (["a", "...", "d"], ["a", "b"], False),
    (["a", "b"], ["a", "c"], False),
])
def test_ellipsis_matches_any_lines(expected, actual, ok):
    assert matches(expected, actual) is ok


def test_update_rewrites_stale_outputs_only(tmp_path):
    doc = tmp_path / "doc.md"
    doc.write_text("Text.\n\n```console\n$ echo new; echo 0.5 s\nold\n0.1 s\n\n$ echo same\nsame\n"
                   "```\n", encoding="utf-8")
    assert update(doc) == 1
    assert doc.read_text(encoding="utf-8") == (
        "Text.\n\n```console\n$ echo new; echo 0.5 s\nnew\n0.5 s\n\n$ echo same\nsame\n```\n")
    assert update(doc) == 0


def test_update_keeps_the_ellipsis_cut():
    assert updated_output(["x", "...", "z", ""], ["a", "b", "c", "d"]) == ["a", "...", "d"]
    assert updated_output(["x", "y"], ["a"]) == ["a"]


def main(argv: list[str]) -> int:
    if not argv or argv[0] != "--update":
        print("usage: python -m tests.test_docs --update [DOC.md ...]", file=sys.stderr)
        return 2
    docs = [Path(a).resolve() for a in argv[1:]] or DOCS
    for doc in docs:
        changed = update(doc)
        print(f"{doc.relative_to(ROOT)}: {changed} outputs rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
