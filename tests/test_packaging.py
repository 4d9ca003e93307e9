"""The installed package: scoring loads no training code, and finds its model from any folder."""

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

from tests.conftest import SEEDS

ROOT = Path(__file__).resolve().parent.parent

SCORE_AND_LIST_MODULES = """
import json, sys
from detector.cli import main
code = main(["score", sys.argv[1], "--against", sys.argv[2], "--json"])
loaded = sorted(m for m in sys.modules
                if m.startswith(("detector.training", "sklearn", "bench", "nltk", "matplotlib")))
print(json.dumps({"code": code, "loaded": loaded}))
"""


def test_scoring_loads_no_training_code(tmp_path):
    suspect, original = (next(SEEDS.glob(f"{k}_*.txt")) for k in ("004", "000"))
    out = subprocess.run([sys.executable, "-c", SCORE_AND_LIST_MODULES, str(suspect),
                          str(original)], capture_output=True, text=True, cwd=tmp_path,
                         check=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    assert result["code"] == 0
    assert result["loaded"] == []


def test_a_non_editable_install_scores_from_another_folder(tmp_path):
    """Build a wheel, install it (no source tree on the path) and score the seeds elsewhere."""
    wheels, site, elsewhere = (tmp_path / d for d in ("wheels", "site", "elsewhere"))
    elsewhere.mkdir()
    pip = [sys.executable, "-m", "pip", "-q", "--disable-pip-version-check"]
    subprocess.run([*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", str(wheels),
                    str(ROOT)], check=True, capture_output=True)
    (wheel,) = wheels.glob("spundetect-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    for needed in ("detector/shipped/model/compact.npz", "detector/shipped/model/metadata.json",
                   "detector/shipped/lexicon/lexicon.json.gz", "detector/index/store.py",
                   "detector/report/html.py"):
        assert needed in names
    assert not any(n.startswith(("detector/shipped/lexicon/originals",
                                 "detector/shipped/lexicon/nltk_data", "bench/", "tests/"))
                   for n in names)
    subprocess.run([*pip, "install", "--no-deps", "--no-index", "--target", str(site),
                    str(wheel)], check=True, capture_output=True)
    suspect, original = (shutil.copy(next(SEEDS.glob(f"{k}_*.txt")), elsewhere)
                         for k in ("004", "000"))
    code = ("import json, sys, detector; from detector.cli import main; "
            "print(detector.__file__); sys.exit(main(sys.argv[1:]))")
    out = subprocess.run([sys.executable, "-c", code, "score", suspect, "--against", original,
                          "--json"], capture_output=True, text=True, cwd=elsewhere,
                         env={**os.environ, "PYTHONPATH": str(site)})
    assert out.returncode == 0, out.stderr
    where, record = out.stdout.strip().splitlines()
    assert Path(where).is_relative_to(site)
    assert json.loads(record)["verdict"] == "spun"
