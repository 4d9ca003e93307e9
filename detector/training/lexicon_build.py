"""Build the compact lexicon from the vendored WordNet (`make lexicon`; needs NLTK, seconds).

Runs once when the lexicon changes, never when scoring: `detector.lexicon` reads the result.
"""

from __future__ import annotations

import argparse
import gzip
import json
from collections.abc import Iterable
from pathlib import Path

from detector.resources import lexicon_path

NLTK_DATA = Path(__file__).resolve().parents[2] / "data" / "nltk_data"  # the checkout's copy


def build_lexicon(nltk_data: Path = NLTK_DATA) -> dict:
    """Read WordNet through NLTK and return the lexicon as plain JSON-able data."""
    import nltk

    nltk.data.path.insert(0, str(nltk_data))
    from nltk.corpus import wordnet as wn

    index: dict[str, list[int]] = {}
    names: list[str] = []
    pos_letters = []
    for sid, synset in enumerate(wn.all_synsets()):
        pos_letters.append("a" if synset.pos() == "s" else synset.pos())
        lemma_names = [lemma.name().replace("_", " ").lower() for lemma in synset.lemmas()]
        lemma_names = list(dict.fromkeys(lemma_names))
        names.append("|".join(lemma_names))
        for name in lemma_names:
            if " " not in name:  # tokens are single words; multi-word names stay in synsets
                index.setdefault(name, []).append(sid)
    exceptions = {
        pos: {form: sorted(bases) for form, bases in wn._exception_map[pos].items()}
        for pos in ("n", "v", "a", "r")
    }
    return {
        "source": "Princeton WordNet 3.0 (see data/nltk_data/WORDNET_LICENSE)",
        "format": 2,
        "lemmas": "\n".join(index),
        "lemma_synsets": "\n".join(" ".join(map(str, ids)) for ids in index.values()),
        "synset_pos": "".join(pos_letters),
        "synset_names": "\n".join(names),
        "exceptions": exceptions,
    }


def write_lexicon(data: dict, path: Path | None = None) -> Path:
    """Write the lexicon as gzipped JSON, byte-for-byte reproducible (no timestamp)."""
    path = path or lexicon_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    raw = json.dumps(data, separators=(",", ":"), sort_keys=True).encode()
    with open(path, "wb") as fh, gzip.GzipFile(fileobj=fh, mode="wb", mtime=0) as gz:
        gz.write(raw)
    return path


def main(argv: Iterable[str] | None = None) -> int:
    """Build `data/lexicon.json.gz` from the vendored WordNet (the `make lexicon` target)."""
    argparse.ArgumentParser(prog="python -m detector.training.lexicon_build",
                            description=main.__doc__).parse_args(argv)
    path = write_lexicon(build_lexicon())
    print(f"wrote {path} ({path.stat().st_size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
