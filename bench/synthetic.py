"""Synthetic originals for scale tests: real sentences recombined, with fresh names and numbers.

A reference corpus of 100,000 news articles is not something we can ship, so benchmarks make
one: each synthetic article strings together runs of sentences from two or three corpus
articles and renames most of its people, places and numbers. The result reads like news,
is distinct from every other article, and shares sentence skeletons and some names with the
real articles, which makes it a hard distractor for candidate retrieval.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterator, Sequence
from pathlib import Path

from detector.terms import is_name
from detector.training.dataset import group_paragraphs

# Bump when `SyntheticCorpus.article` changes its output: cached corpora are keyed by it.
GENERATOR_VERSION = 1

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d+")
_ONSETS = ("b", "br", "c", "ch", "d", "dr", "f", "g", "gr", "h", "j", "k", "kr", "l", "m", "n",
           "p", "pr", "r", "s", "sh", "st", "t", "tr", "v", "w", "z")
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ou", "ia", "ea")
_CODAS = ("", "", "", "n", "r", "s", "l", "m", "nd", "rt", "k")


def fresh_name(rng: random.Random) -> str:
    """A pronounceable made-up name of two or three syllables."""
    parts = [rng.choice(_ONSETS) + rng.choice(_VOWELS) for _ in range(rng.choice((2, 2, 3)))]
    return ("".join(parts) + rng.choice(_CODAS)).capitalize()


def inner_names(sentences: Sequence[str]) -> set[str]:
    """Capitalised words that occur after the first word of a sentence."""
    return {w for s in sentences for w in _WORD.findall(s)[1:] if is_name(w)}


class _Sentence:
    """A sentence cut at its names and numbers, so renaming is a join."""

    __slots__ = ("pieces", "slots")

    def __init__(self, text: str, names: set[str]):
        """`names`: words seen capitalised inside a sentence, so names when they open one."""
        self.pieces: list[str] = []
        self.slots: list[str] = []  # the original name or number at each cut
        last = 0
        for k, m in enumerate(_WORD.finditer(text)):
            word = m.group()
            if word.isdigit() or (is_name(word) and (k > 0 or word in names)):
                self.pieces.append(text[last : m.start()])
                self.slots.append(word)
                last = m.end()
        self.pieces.append(text[last:])

    def render(self, rename) -> str:
        out = [self.pieces[0]]
        for slot, piece in zip(self.slots, self.pieces[1:], strict=True):
            out.append(rename(slot))
            out.append(piece)
        return "".join(out)


class SyntheticCorpus:
    """Makes distinct synthetic originals from the sentences of real ones."""

    def __init__(self, articles: Sequence[Sequence[str]], *, seed: int = 0,
                 keep_name: float = 0.3, keep_number: float = 0.3):
        """`articles` are lists of sentences; a name or number is kept with the given odds."""
        names = inner_names([s for a in articles for s in a])
        self.articles = [[_Sentence(s, names) for s in a] for a in articles if len(a) >= 3]
        if not self.articles:
            raise ValueError("no articles of three sentences or more to recombine")
        self.seed = seed
        self.keep_name = keep_name
        self.keep_number = keep_number
        rng = random.Random(seed)
        self.names = sorted({fresh_name(rng) for _ in range(40_000)})

    def article(self, number: int) -> str:
        """Synthetic article `number`: the same for the same seed and number."""
        rng = random.Random(self.seed * 1_000_003 + number)
        sources = rng.sample(self.articles, k=min(len(self.articles), rng.choice((2, 2, 3))))
        sentences: list[_Sentence] = []
        for source in sources:
            n = rng.randint(3, min(8, len(source)))
            start = rng.randint(0, len(source) - n)
            sentences.extend(source[start : start + n])
        names: dict[str, str] = {}

        def rename(word: str) -> str:
            if word.isdigit():
                if rng.random() < self.keep_number:
                    return word
                first = rng.choice("123456789") if len(word) > 1 else ""
                return first + "".join(rng.choice("0123456789")
                                       for _ in range(len(word) - len(first)))
            if word not in names:
                names[word] = word if rng.random() < self.keep_name else rng.choice(self.names)
            return names[word]

        rendered = [s.render(rename) for s in sentences]
        return "\n\n".join(group_paragraphs(rendered, rng)) + "\n"

    def articles_iter(self, n: int, start: int = 0) -> Iterator[str]:
        for number in range(start, start + n):
            yield self.article(number)


def write_corpus(corpus: SyntheticCorpus, directory: Path, n: int, *, per_folder: int = 1000
                 ) -> list[Path]:
    """Write synthetic articles 0..n-1 as text files, reusing those already there.

    Article k is the same whatever `n`, so a corpus of n is the first n files of a larger one.
    A `complete-PER_FOLDER-N` marker, written once all N files are there, lets a re-run of
    that size or a smaller one skip checking a million files one by one.
    """
    done = max((int(m.name.rsplit("-", 1)[1]) for m in directory.glob(f"complete-{per_folder}-*")),
               default=0)
    paths = []
    for number in range(n):
        folder = directory / f"{number // per_folder:04d}"
        path = folder / f"syn{number:06d}.txt"
        if number >= done and not path.exists():
            folder.mkdir(parents=True, exist_ok=True)
            path.write_text(corpus.article(number), encoding="utf-8")
        paths.append(path)
    if n > done:
        (directory / f"complete-{per_folder}-{n}").touch()
    return paths


def sentences_of(path: Path) -> list[str]:
    """The sentences of a corpus file (one sentence a line)."""
    return [s.strip() for s in path.read_text(encoding="utf-8").splitlines() if s.strip()]
