"""`python -m bench.report_page`: how big the HTML report gets and how fast it opens.

For each count of suspects (default 50 and 500), pairs of every kind the model knows are made
from the corpus (`bench.run.make_pairs_file`: spun, copies, other reports, unrelated; about 800
words an article) and scored with `spundetect pairs`; then `spundetect report` writes the page
and headless Chromium (`tests.browser`) opens it from disk, `--runs` times after one warm-up.
Printed per count: the page's size, the seconds `report` took (a fresh process), and the median
milliseconds from navigation to the first paint, to the table's controls working (the script
right after the table), to DOMContentLoaded and to the load event.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from bench.run import _command, make_pairs_file
from tests.browser import Browser, find_chromium

# Runs in the page before its own script: notes when the controls became ready.
_WATCH = """new MutationObserver(() => {
  if (document.documentElement.getAttribute("data-controls") === "ready"
      && window.__controlsReady === undefined) { window.__controlsReady = performance.now(); }
}).observe(document, {attributes: true, subtree: true});"""

_TIMES = """(() => {
  const n = performance.getEntriesByType("navigation")[0];
  const paint = performance.getEntriesByType("paint")
    .find(e => e.name === "first-contentful-paint");
  return {paint: paint ? paint.startTime : null, controls: window.__controlsReady ?? null,
          dom: n.domContentLoadedEventEnd, load: n.loadEventEnd};
})()"""


def _median(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return statistics.median(known) if known else None


def bench_report_page(n: int, workdir: Path, *, runs: int = 3, jobs: int = 2) -> dict:
    """Size of the report of `n` suspects, seconds to write it, milliseconds to open it."""
    folder = workdir / f"pairs_{n}"
    folder.mkdir(parents=True, exist_ok=True)
    pairs, _ = make_pairs_file(folder, n)
    results, page = workdir / f"results_{n}.jsonl", workdir / f"report_{n}.html"
    subprocess.run([*_command(), "pairs", str(pairs), "--out", str(results), "--force",
                    "--jobs", str(jobs)], check=True, capture_output=True)
    start = time.perf_counter()
    subprocess.run([*_command(), "report", str(results), "--out", str(page), "--force"],
                   check=True, capture_output=True)
    seconds = time.perf_counter() - start
    times = []
    with Browser(workdir / "profile") as browser:
        browser.send("Page.addScriptToEvaluateOnNewDocument", session=True, source=_WATCH)
        for _ in range(runs + 1):  # the first one warms Chromium up
            browser.open(page)
            times.append(browser.evaluate(_TIMES))
    times = times[1:]
    return {"suspects": n, "bytes": page.stat().st_size, "report_s": round(seconds, 2),
            **{f"{key}_ms": _median([t[key] for t in times])
               for key in ("paint", "controls", "dom", "load")}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.report_page", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--suspects", type=int, nargs="+", default=[50, 500])
    parser.add_argument("--runs", type=int, default=3, help="page loads per count (median)")
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args(argv)
    if find_chromium() is None:
        parser.error("Chromium not found (Debian: apt-get install chromium)")
    with tempfile.TemporaryDirectory() as tmp:
        for n in args.suspects:
            r = bench_report_page(n, Path(tmp), runs=args.runs, jobs=args.jobs)

            def ms(key: str, row: dict = r) -> str:
                return "n/a" if row[key] is None else f"{row[key]:.0f} ms"

            print(f"{r['suspects']} suspects: {r['bytes'] / 1e6:.2f} MB, written in "
                  f"{r['report_s']:.1f} s; in Chromium: first paint {ms('paint_ms')}, "
                  f"controls {ms('controls_ms')}, DOMContentLoaded {ms('dom_ms')}, "
                  f"load {ms('load_ms')}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
