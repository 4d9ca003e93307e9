"""Wire stories localised by another outlet: how often each is called a copy.

An outlet running another's story often converts its spelling (British to American or back)
and nothing else. Every corpus article with two or more words that the spelling table
(`detector.spelling`) knows in both forms is converted word for word into the other spelling
and scored against itself as written: the right verdict is `copy`, never `spun`. The table
that converts is the one the detector compares with, so this measures what one spelling
buys (the verdicts before and after), not how complete the table is: real localisation also
changes words the table does not hold.

    python -m bench.localised
"""

from __future__ import annotations

import re
import sys
from collections import Counter

from detector.api import Detector
from detector.spelling import british_to_american
from detector.text import Document
from detector.training.config import CORPUS_DIR
from detector.training.dataset import load_corpus

_WORD = re.compile(r"[A-Za-z]+")


def localise(text: str, table: dict[str, str]) -> tuple[str, int]:
    """`text` with each word that `table` holds replaced (capitals kept), and how many were."""
    count = 0

    def swap(match: re.Match) -> str:
        nonlocal count
        word = match.group(0)
        other = table.get(word.lower())
        if other is None:
            return word
        count += 1
        return other.capitalize() if word[0].isupper() else other

    return _WORD.sub(swap, text), count


def main() -> int:
    to_american = british_to_american()
    to_british: dict[str, str] = {}
    for british, american in to_american.items():
        to_british.setdefault(american, british)
    detector = Detector()
    for name, table in (("American to British", to_british), ("British to American", to_american)):
        verdicts: Counter[str] = Counter()
        changed = []
        for article in load_corpus(CORPUS_DIR, seed=0):
            text, n = localise(article.text, table)
            if n < 2:
                continue
            changed.append(n)
            verdicts[detector.score_pair(Document(text), Document(article.text)).verdict] += 1
        total = sum(verdicts.values())
        if not total:
            print(f"{name}: no article has two words to convert")
            continue
        shares = ", ".join(f"{v} {c / total:.1%}" for v, c in verdicts.most_common())
        print(f"{name}: {total} articles, {sum(changed) / total:.1f} words converted each; "
              f"verdicts: {shares}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
