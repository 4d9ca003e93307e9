"""Where replacements come from: WordNet synonyms, corpus counts and a distributional thesaurus."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from detector.lexicon import Lexicon
from detector.terms import is_number
from detector.training.config import CORPUS_DIR
from detector.training.spinner.inflect import Analysis, morphology, per_lexicon
from detector.training.spinner.tables import (
    FUNCTION_WORDS,
    NOT_CANDIDATES,
    NUMBER_WORDS,
    PHRASES,
)

_CORPUS_TOKEN = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*|\d+|[^\sA-Za-z\d]")


@dataclass
class Corpus:
    """Word counts of the originals corpus and a lazily built distributional thesaurus."""

    docs: list[list[str]]
    freq: Counter
    proper: frozenset[str]
    neighbours: dict[str, tuple[str, ...]] | None = None


_CORPORA: dict[Path, Corpus] = {}


def corpus(directory: Path | None = None) -> Corpus:
    """Tokens and counts of `data/originals`, read once per process (empty if absent)."""
    directory = directory or CORPUS_DIR
    if directory in _CORPORA:
        return _CORPORA[directory]
    docs: list[list[str]] = []
    for path in sorted(directory.glob("*/*.txt")):
        try:
            docs.append(_CORPUS_TOKEN.findall(path.read_text(encoding="utf-8", errors="replace")))
        except OSError:
            continue
    freq: Counter = Counter()
    caps: Counter = Counter()
    for toks in docs:
        for tok in toks:
            if tok[0].isupper():
                caps[tok.lower()] += 1
            elif tok[0].isalpha():
                freq[tok] += 1
    # Words seen only capitalised, at least twice: names a replacement must not bring in.
    proper = frozenset(w for w, n in caps.items() if n >= 2 and w not in freq)
    _CORPORA[directory] = found = Corpus(docs, freq, proper)
    return found


def _context_word(tok: str) -> str:
    if is_number(tok):
        return "<D>"
    if tok[0].isupper():
        return "<C>"
    return tok


def build_thesaurus(docs: list[list[str]], *, min_count: int = 4, k: int = 14) -> dict:
    """Distributional neighbours: words sharing left/right contexts (PPMI, cosine), top `k` each.

    Gives POS-consistent but often non-synonymous "odd" choices, unlike WordNet.
    """
    import numpy as np
    from scipy import sparse

    counts: Counter = Counter(t for toks in docs for t in toks if t.isalpha() and t.islower())
    vocab = sorted(w for w, n in counts.items() if n >= min_count and len(w) > 2)
    if len(vocab) <= k:
        return {}
    index = {w: i for i, w in enumerate(vocab)}
    features: dict[str, int] = {}
    rows: list[int] = []
    cols: list[int] = []
    for toks in docs:
        ctx = ["<S>", "<S>", *(_context_word(t) for t in toks), "<E>", "<E>"]
        for i, tok in enumerate(toks):
            row = index.get(tok)
            if row is None:
                continue
            j = i + 2
            for feat in ("L" + ctx[j - 1], "R" + ctx[j + 1], "LL" + ctx[j - 2] + "|" + ctx[j - 1],
                         "RR" + ctx[j + 1] + "|" + ctx[j + 2]):
                rows.append(row)
                cols.append(features.setdefault(feat, len(features)))
    shape = (len(vocab), len(features))
    matrix = sparse.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=shape)
    matrix.sum_duplicates()
    row_sums = np.asarray(matrix.sum(1)).ravel()
    col_sums = np.asarray(matrix.sum(0)).ravel() ** 0.75
    coo = matrix.tocoo()
    pmi = np.log(coo.data * col_sums.sum() / (row_sums[coo.row] * col_sums[coo.col]))
    keep = pmi > 0
    matrix = sparse.csr_matrix((pmi[keep], (coo.row[keep], coo.col[keep])), shape=shape)
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(1)).ravel()) + 1e-9
    matrix = sparse.diags(1.0 / norms) @ matrix
    transposed = matrix.T.tocsr()
    out: dict[str, tuple[str, ...]] = {}
    for start in range(0, len(vocab), 1000):
        sims = (matrix[start:start + 1000] @ transposed).toarray()
        for r in range(sims.shape[0]):
            sims[r, start + r] = 0.0
        top = np.argpartition(-sims, k, axis=1)[:, :k]
        for r in range(sims.shape[0]):
            order = top[r][np.argsort(-sims[r, top[r]], kind="stable")]
            out[vocab[start + r]] = tuple(vocab[c] for c in order if sims[r, c] > 0.01)
    return out


class Thesaurus:
    """Cached analyses and replacement candidates for one lexicon (warm after a few texts)."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lex = lexicon
        self.morphology = morphology(lexicon)
        self.corpus = corpus()
        self._syns: dict[tuple[str, str], tuple[str, ...]] = {}
        self._options: dict[str, tuple[tuple[str, str, tuple[str, ...]], ...]] = {}
        self._two_hop: dict[tuple[str, str], tuple[str, ...]] = {}
        self._neighbours: dict[str, tuple[str, ...]] = {}
        self._function: dict[str, tuple[str, ...]] = {}
        self._known: dict[str, bool] = {}

    def analyses(self, word: str) -> tuple[Analysis, ...]:
        """(pos, base, form) readings of a lower-case word, sense-blind."""
        return self.morphology.analyses(word)

    def known(self, word: str) -> bool:
        """True when a lower-case word is an English word we could swap (not likely a name)."""
        found = self._known.get(word)
        if found is None:
            found = bool(self.analyses(word)) or word in FUNCTION_WORDS or word in PHRASES
            self._known[word] = found
        return found

    def synonyms(self, base: str, pos: str) -> tuple[str, ...]:
        """WordNet lemmas sharing any synset of (`base`, `pos`), minus unusable ones."""
        key = (base, pos)
        found = self._syns.get(key)
        if found is None:
            lex, out, seen = self.lex, [], {base}
            numeric = base in NUMBER_WORDS
            for sid in lex.lemma_synsets(base):
                if lex.synset_pos[sid] != pos:
                    continue
                for name in lex.synset_lemmas(sid):
                    if name in seen or name.count(" ") > 2 or name in self.corpus.proper:
                        continue
                    if name in NOT_CANDIDATES or base in name.split(" "):
                        continue
                    seen.add(name)
                    if any(c.isdigit() for c in name) and not numeric:
                        continue
                    if re.search(r"[^a-z0-9 '\-]", name):
                        continue
                    out.append(name)
            found = self._syns[key] = tuple(out)
        return found

    def options(self, word: str) -> tuple[tuple[str, str, tuple[str, ...]], ...]:
        """(pos, form, synonyms) per reading of `word` that has synonyms: its WordNet choices."""
        found = self._options.get(word)
        if found is None:
            found = tuple(
                (pos, form, syns) for pos, base, form in self.analyses(word)
                if (syns := self.synonyms(base, pos))
            )
            self._options[word] = found
        return found

    def two_hop(self, base: str, pos: str) -> tuple[str, ...]:
        """Synonyms of synonyms that are not synonyms themselves: odd but related choices."""
        key = (base, pos)
        found = self._two_hop.get(key)
        if found is None:
            first = self.synonyms(base, pos)
            near = {base, *first}
            out: list[str] = []
            for syn in first:
                if " " in syn:
                    continue
                for other in self.synonyms(syn, pos):
                    if other not in near and other not in out and " " not in other:
                        out.append(other)
            found = self._two_hop[key] = tuple(out[:40])
        return found

    def neighbours(self, word: str) -> tuple[str, ...]:
        """Distributional neighbours with a matching (pos, form) reading and another lemma."""
        found = self._neighbours.get(word)
        if found is None:
            corpus = self.corpus
            if corpus.neighbours is None:
                corpus.neighbours = build_thesaurus(corpus.docs)
            mine = self.analyses(word)
            shapes = {(p, f) for p, _, f in mine}
            bases = {b for _, b, _ in mine} | {word}
            out = []
            for other in corpus.neighbours.get(word, ()):
                theirs = self.analyses(other)
                if other in FUNCTION_WORDS or other in corpus.proper:
                    continue
                same_shape = {(p, f) for p, _, f in theirs} & shapes
                if same_shape and not {b for _, b, _ in theirs} & bases:
                    out.append(other)
            found = self._neighbours[word] = tuple(out[:8])
        return found

    def function_synonyms(self, word: str) -> tuple[str, ...]:
        """WordNet's sense-blind synonyms of a function word ("about" -> "approximately")."""
        found = self._function.get(word)
        if found is None:
            found = tuple(
                s for s in self.lex.synonyms(word)
                if len(s) > 3 and s not in self.corpus.proper and not any(c.isdigit() for c in s)
            )
            self._function[word] = found
        return found


_THESAURI: dict[int, tuple[Lexicon, Thesaurus]] = {}


def thesaurus(lexicon: Lexicon | None = None) -> Thesaurus:
    """The `Thesaurus` of `lexicon` (the shipped one by default), made once per lexicon."""
    return per_lexicon(_THESAURI, Thesaurus, lexicon)
