"""Console examples in the docs: parse them, run them, compare and rewrite their outputs.

A ```console block holds commands (lines starting with `$ `; a line ending in `\\` continues
on the next one, which may start with `> `) each followed by the output it prints, stdout and
stderr together. A line `...` in an output matches any number of lines. Each document's
commands run in order, through bash, in one fresh folder holding a copy of `seeds/`; state
carries over from one command to the next only through files (a `cd` does not).
"""

from __future__ import annotations

import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
ELLIPSIS = "..."
DEMO_DIR = "/tmp/demo"  # what the docs show for the folder the examples run in
TIMEOUT_S = 120

_FENCE_OPEN = re.compile(r"^```console\s*$")
_FENCE_CLOSE = re.compile(r"^```\s*$")
_ERROR_LINE = re.compile(r"^\S+: error: ")


@dataclass
class Example:
    """One command of a document and the output the document shows for it."""

    doc: Path
    line: int  # 1-based line of the `$ ` line
    command: str
    out_start: int  # 0-based index of the first output line in the document's lines
    out_end: int  # one past the last output line (blank separator lines included)
    expected: list[str] = field(default_factory=list)

    @property
    def name(self) -> str:
        doc = self.doc.relative_to(ROOT) if self.doc.is_relative_to(ROOT) else self.doc
        return f"{doc.as_posix()}:{self.line}"


@dataclass
class Result:
    output: str
    status: int


def parse(doc: Path, text: str | None = None) -> list[Example]:
    """Every command of every ```console block in `doc`, in document order."""
    lines = (doc.read_text(encoding="utf-8") if text is None else text).split("\n")
    examples: list[Example] = []
    i = 0
    while i < len(lines):
        if not _FENCE_OPEN.match(lines[i]):
            if "```console" in lines[i]:
                raise ValueError(f"{doc.name}:{i + 1}: a ```console fence must be a line of its "
                                 "own at the margin, or its commands would go unchecked")
            i += 1
            continue
        start = i + 1
        i += 1
        current: Example | None = None
        while i < len(lines) and not _FENCE_CLOSE.match(lines[i]):
            line = lines[i]
            if line.startswith("$ "):
                if current is not None:
                    current.out_end = i
                command_line = i
                parts = [line[2:]]
                while parts[-1].endswith("\\") and i + 1 < len(lines):
                    i += 1
                    parts.append(lines[i].removeprefix("> "))
                current = Example(doc, command_line + 1, "\n".join(parts), i + 1, i + 1)
                examples.append(current)
            elif current is None:
                raise ValueError(f"{doc.name}:{i + 1}: a console block must start with `$ `")
            i += 1
        if i == len(lines):
            raise ValueError(f"{doc.name}:{start}: console block is not closed")
        if current is None:
            raise ValueError(f"{doc.name}:{start}: console block without a `$ ` command")
        current.out_end = i
        i += 1
    for example in examples:
        example.expected = lines[example.out_start:example.out_end]
    return examples


def normalise(text: str, workdir: Path | str | None = None) -> str:
    """The output with what legitimately varies between runs replaced by fixed marks.

    - the folder the examples ran in (and its resolved path) -> `/tmp/demo`
    - ISO timestamps and dates (`2026-11-23T10:46:37Z`, `2026-11-23`) -> `<time>`
    - rates (`40.2 suspects/s`, `1,759 docs/s`) -> `<n> suspects/s`, `<n> docs/s`
    - durations (`0.1 s`, `12 ms`, `3.5 min`) -> `<t> s`, `<t> ms`, `<t> min`
    - sizes on disk (`53.2 kB`, `2.6 MB`) -> `<size>`
    - trailing spaces on each line, and blank lines at the end
    """
    text = _demo_paths(text, workdir)
    text = re.sub(r"\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?"
                  r"(?:Z|[+-]\d{2}:?\d{2})?)?\b", "<time>", text)
    text = re.sub(r"\b\d[\d,]*(?:\.\d+)? ([A-Za-z]+/s)\b", r"<n> \1", text)
    text = re.sub(r"\b\d+(?:\.\d+)? (s|ms|min)\b", r"<t> \1", text)
    text = re.sub(r"\b\d+(?:\.\d+)? (?:kB|KB|KiB|MB|MiB|GB|GiB)\b", "<size>", text)
    lines = [line.rstrip() for line in text.split("\n")]
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def matches(expected: list[str], actual: list[str]) -> bool:
    """Line by line equality, where an expected line `...` stands for any number of lines."""
    memo: dict[tuple[int, int], bool] = {}

    def match(i: int, j: int) -> bool:
        if (i, j) not in memo:
            if i == len(expected):
                memo[i, j] = j == len(actual)
            elif expected[i] == ELLIPSIS:
                memo[i, j] = any(match(i + 1, k) for k in range(j, len(actual) + 1))
            else:
                memo[i, j] = j < len(actual) and expected[i] == actual[j] and match(i + 1, j + 1)
        return memo[i, j]

    return match(0, 0)


def expected_status(examples: list[Example], k: int) -> str:
    """What exit status example k must have: `0`, `nonzero`, or `any` (an `echo $?` follows).

    A failing command must show that it fails: by a `spundetect: error: ...` line in its
    output, or by an `echo $?` command right after it.
    """
    if k + 1 < len(examples) and examples[k + 1].command.strip() == "echo $?":
        return "any"
    if any(_ERROR_LINE.match(line) for line in examples[k].expected):
        return "nonzero"
    return "0"


def environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in {"FORCE_COLOR", "CLICOLOR_FORCE", "PYTHONPATH"}}
    env.update(
        PATH=os.pathsep.join([str(Path(sys.executable).parent), env.get("PATH", "")]),
        NO_COLOR="1", COLUMNS="100", TZ="UTC",
        PYTHONUNBUFFERED="1", PYTHONIOENCODING="utf-8",
    )
    return env


class DocRun:
    """Runs one document's commands in order, each once, in one fresh folder."""

    def __init__(self, doc: Path):
        self.doc = doc
        self.examples = parse(doc)
        self.results: list[Result] = []
        self.workdir: Path | None = None
        self._env = environment()

    def result(self, k: int) -> Result:
        """The result of example k, running it (and the ones before it) if not yet done."""
        if self.workdir is None:
            self.workdir = Path(tempfile.mkdtemp(prefix="spundetect-docs-"))
            shutil.copytree(ROOT / "seeds", self.workdir / "seeds")
        while len(self.results) <= k:
            self.results.append(self._run(self.examples[len(self.results)].command))
        return self.results[k]

    def _run(self, command: str) -> Result:
        previous = self.results[-1].status if self.results else 0
        try:
            proc = subprocess.run(
                ["bash", "-c", f"(exit {previous})\n{command}"], cwd=self.workdir,
                env=self._env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT, timeout=TIMEOUT_S, check=False)
        except subprocess.TimeoutExpired as err:
            output = (err.stdout or b"").decode("utf-8", "replace")
            return Result(output + f"\n[timed out after {TIMEOUT_S} s]", -1)
        return Result(proc.stdout.decode("utf-8", "replace"), proc.returncode)

    def check(self, k: int) -> str | None:
        """None when example k prints what the document shows, else what went wrong."""
        problems = [p for p in (self.output_problem(k), self.status_problem(k)) if p]
        if not problems:
            return None
        example = self.examples[k]
        return f"{example.name}\n$ {example.command}\n" + "\n\n".join(problems)

    def output_problem(self, k: int) -> str | None:
        expected = normalise("\n".join(self.examples[k].expected)).split("\n")
        actual = normalise(self.result(k).output, self.workdir).split("\n")
        if matches(expected, actual):
            return None
        diff = difflib.unified_diff(expected, actual, "shown in the doc", "printed now",
                                    lineterm="", n=2)
        return "output differs (normalised):\n" + "\n".join(diff)

    def status_problem(self, k: int) -> str | None:
        status = self.result(k).status
        wanted = expected_status(self.examples, k)
        if wanted == "0" and status != 0:
            return (f"exit status {status}, and the doc does not show a failure "
                    "(add `$ echo $?` after it, or fix the command)")
        if wanted == "nonzero" and status == 0:
            return "exit status 0, but the doc shows an error"
        return None

    def close(self) -> None:
        if self.workdir is not None:
            shutil.rmtree(self.workdir, ignore_errors=True)
            self.workdir = None


def updated_output(expected: list[str], actual: list[str]) -> list[str]:
    """The new output lines for an example: what was printed, keeping a `...` cut.

    With a `...` in the shown output, the lines before the first `...` and after the last one
    are kept in number and refreshed from what was printed; the lines between become `...`.
    """
    body = list(expected)
    while body and not body[-1].strip():
        body.pop()
    if ELLIPSIS not in body:
        return actual
    head = body.index(ELLIPSIS)
    tail = len(body) - 1 - max(i for i, line in enumerate(body) if line == ELLIPSIS)
    if head + tail >= len(actual):
        return actual
    return [*actual[:head], ELLIPSIS, *actual[len(actual) - tail:]]


def update(doc: Path) -> int:
    """Rewrite the outputs shown in `doc` to what its commands print now; returns how many changed.

    An output that still matches (after `normalise`) is left alone, so timings do not churn.
    A wrong exit status cannot be fixed by rewriting an output: it is printed on stderr.
    Trailing blank lines of an output (separators in the block) are kept. A `...` cut stays.
    """
    run = DocRun(doc)
    lines = doc.read_text(encoding="utf-8").split("\n")
    changed = 0
    try:
        if run.examples:
            run.result(len(run.examples) - 1)  # every command, in document order
        for k, example in reversed(list(enumerate(run.examples))):  # later lines move first
            problem = run.status_problem(k)
            if problem:
                print(f"{example.name}: {problem}", file=sys.stderr)
            if run.output_problem(k) is None:
                continue  # unchanged up to what the normaliser allows: keep it as it is
            actual = shown_output(run.results[k].output, run.workdir)
            new = updated_output(example.expected, actual)
            old = example.expected
            blank_tail = len(old) - len(_rstrip_blank(old))
            replacement = new + old[len(old) - blank_tail:]
            if replacement != old:
                lines[example.out_start:example.out_end] = replacement
                changed += 1
    finally:
        run.close()
    if changed:
        doc.write_text("\n".join(lines), encoding="utf-8")
    return changed


def shown_output(output: str, workdir: Path | None) -> list[str]:
    """What the docs show for an output: the run's folder as `/tmp/demo`, no trailing blanks."""
    return _rstrip_blank([line.rstrip() for line in _demo_paths(output, workdir).split("\n")])


def _demo_paths(text: str, workdir: Path | str | None) -> str:
    if workdir is not None:
        for path in sorted({str(Path(workdir).resolve()), str(workdir)}, key=len, reverse=True):
            text = text.replace(path, DEMO_DIR)
    return text


def _rstrip_blank(lines: list[str]) -> list[str]:
    lines = list(lines)
    while lines and not lines[-1].strip():
        lines.pop()
    return lines
