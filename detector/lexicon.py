"""A compact WordNet lexicon: synonym sets, word classes and morphology, loaded without NLTK.

Loading WordNet through NLTK takes seconds; scoring must not. `make lexicon` runs
`detector.training.lexicon_build` once (NLTK needed only then) and writes
`data/lexicon.json.gz`, which `load_lexicon` reads in a fraction of a second.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

from detector.errors import ModelError
from detector.resources import lexicon_path

# WordNet's own detachment rules (as in NLTK's morphy), per part of speech.
SUFFIX_RULES: dict[str, tuple[tuple[str, str], ...]] = {
    "n": (("s", ""), ("ses", "s"), ("ves", "f"), ("xes", "x"), ("zes", "z"), ("ches", "ch"),
          ("shes", "sh"), ("men", "man"), ("ies", "y")),
    "v": (("s", ""), ("ies", "y"), ("es", "e"), ("es", ""), ("ed", "e"), ("ed", ""),
          ("ing", "e"), ("ing", "")),
    "a": (("er", ""), ("est", ""), ("er", "e"), ("est", "e")),
    "r": (),
}

CACHE_SIZE = 200_000  # lemmas, synsets and classes of words kept (about 80 MB) before a fresh start

# Closed word classes that WordNet leaves out; a spinner's sense-blind swaps cross them.
CLOSED_CLASSES: dict[str, frozenset[str]] = {
    "det": frozenset("a an the this that these those each every some any no another such "
                     "all both either neither much many few several".split()),
    "prep": frozenset("about above across after against along amid among around as at before "
                      "behind below beneath beside besides between beyond by despite down "
                      "during except for from in inside into like near of off on onto out "
                      "outside over past since through throughout till to toward towards under "
                      "underneath until up upon via with within without".split()),
    "conj": frozenset("and but or nor so yet because although though while whereas if unless "
                      "whether than once when whenever where wherever after before since "
                      "until however therefore moreover".split()),
    "pron": frozenset("i me my mine we us our ours you your yours he him his she her hers it "
                      "its they them their theirs who whom whose which what myself yourself "
                      "himself herself itself ourselves themselves".split()),
    "aux": frozenset("be is are was were been being am have has had having do does did will "
                     "would shall should can could may might must".split()),
}

# The 50 most frequent English words, as used for stopword n-grams (Stamatatos, 2011).
STOPWORDS: frozenset[str] = frozenset(
    "the of and a in to is was it for with he be on i that by at you 's are not his this from "
    "but had which she they or an were we their been has have will would her n't there can all "
    "as if who what said".split()
)

# Words spinners insert to pad a sentence ("has actually attempted").
FILLERS: frozenset[str] = frozenset(
    "actually really basically essentially literally truly certainly definitely simply just "
    "quite rather indeed clearly obviously generally particularly especially practically "
    "virtually totally completely entirely somewhat fairly pretty very undoubtedly".split()
)


@dataclass(frozen=True)
class Lexicon:
    """WordNet lemmas and synsets in plain Python containers, parsed lazily.

    `index` maps a one-word lemma (lower case) to its synset ids as a space-separated string,
    `synset_pos` holds one part-of-speech letter per synset id, `synset_names` the lemma names
    of each synset joined by `|` (multi-word names with spaces), and `exceptions` WordNet's
    irregular forms (`pos -> form -> lemmas`). Strings instead of lists make loading ten times
    faster; the few entries a run touches are split on first use.
    """

    index: dict[str, str]
    synset_pos: str
    synset_names: list[str]
    exceptions: dict[str, dict[str, list[str]]]
    cache_size: int = field(default=CACHE_SIZE, repr=False, compare=False)
    _cache: dict = field(default_factory=dict, repr=False, compare=False)

    def _keep(self, key: tuple, value):
        """Remember `value` for `key`; a full cache starts afresh, so memory stays flat."""
        if len(self._cache) >= self.cache_size:
            self._cache.clear()
        self._cache[key] = value
        return value

    def lemma_synsets(self, lemma: str) -> list[int]:
        """Synset ids of a one-word lemma, all parts of speech."""
        key = ("lemma", lemma)
        if key not in self._cache:
            ids = self.index.get(lemma)
            return self._keep(key, [int(s) for s in ids.split()] if ids else [])
        return self._cache[key]

    def synset_lemmas(self, synset: int) -> list[str]:
        """Lemma names of one synset."""
        return self.synset_names[synset].split("|")

    def lemmas(self, word: str) -> dict[str, set[str]]:
        """Base forms of `word` per part of speech, by WordNet's morphy rules."""
        word = word.lower()
        key = ("lemmas", word)
        if key not in self._cache:
            return self._keep(key, self._morphy(word))
        return self._cache[key]

    def _morphy(self, word: str) -> dict[str, set[str]]:
        found: dict[str, set[str]] = {}
        for pos, rules in SUFFIX_RULES.items():
            bases = set(self.exceptions.get(pos, {}).get(word, ()))
            if self._has(word, pos):
                bases.add(word)
            for suffix, ending in rules:
                if word.endswith(suffix):
                    base = word[: len(word) - len(suffix)] + ending
                    if base and self._has(base, pos):
                        bases.add(base)
            bases = {b for b in bases if self._has(b, pos)}
            if bases:
                found[pos] = bases
        return found

    def _has(self, lemma: str, pos: str) -> bool:
        return any(self.synset_pos[s] == pos for s in self.lemma_synsets(lemma))

    def synset_ids(self, word: str) -> frozenset[int]:
        """Every synset of every sense of `word` in any part of speech (sense-blind)."""
        key = ("ids", word.lower())
        if key not in self._cache:
            ids: set[int] = set()
            for pos, bases in self.lemmas(word).items():
                for base in bases:
                    ids.update(s for s in self.lemma_synsets(base) if self.synset_pos[s] == pos)
            return self._keep(key, frozenset(ids))
        return self._cache[key]

    def word_classes(self, word: str) -> frozenset[str]:
        """Possible word classes: WordNet parts of speech plus closed classes (det, prep, ...)."""
        key = ("cls", word.lower())
        if key not in self._cache:
            lower = word.lower()
            classes = {name for name, members in CLOSED_CLASSES.items() if lower in members}
            classes.update(self.lemmas(lower))
            if lower.replace(".", "").replace(",", "").isdigit():
                classes.add("num")
            return self._keep(key, frozenset(classes))
        return self._cache[key]

    def are_synonyms(self, a: str, b: str) -> bool:
        """True when `a` and `b` share a WordNet synset in any sense (or multi-word lemma)."""
        a, b = a.lower(), b.lower()
        return a == b or bool(self.synset_ids(a) & self.synset_ids(b))

    def synonyms(self, word: str, pos: str | None = None) -> list[str]:
        """Lemma names that share a synset with `word` (optionally one part of speech)."""
        out: list[str] = []
        seen = {word.lower()}
        for sid in sorted(self.synset_ids(word)):
            if pos and self.synset_pos[sid] != pos:
                continue
            for name in self.synset_lemmas(sid):
                if name not in seen:
                    seen.add(name)
                    out.append(name)
        return out

    def in_vocabulary(self, word: str) -> bool:
        """True for words WordNet knows in some inflected form."""
        return bool(self.lemmas(word))


@cache
def load_lexicon(path: Path | None = None) -> Lexicon:
    """Load the compact lexicon once per process (default: the one shipped in the package)."""
    path = path or lexicon_path()
    try:
        with gzip.open(path, "rb") as fh:
            data = json.loads(fh.read())
    except FileNotFoundError as err:
        raise ModelError(f"lexicon not found at {path}; run `make lexicon` to build it") from err
    except (OSError, ValueError) as err:
        raise ModelError(f"lexicon at {path} is unreadable ({err}); run `make lexicon`") from err
    if data.get("format") != 2:
        raise ModelError(f"lexicon at {path} has an old format; run `make lexicon`")
    return Lexicon(
        index=dict(zip(data["lemmas"].split("\n"), data["lemma_synsets"].split("\n"),
                       strict=True)),
        synset_pos=data["synset_pos"],
        synset_names=data["synset_names"].split("\n"),
        exceptions=data["exceptions"],
    )


@lru_cache(maxsize=1)
def closed_class_words() -> frozenset[str]:
    """All words of the closed classes together."""
    words: set[str] = set()
    for members in CLOSED_CLASSES.values():
        words |= members
    return frozenset(words)
