"""Pairwise features of a suspect against one original, each a small function of a `Pair`.

Step three of the pipeline. Every feature is registered by name with `@feature`, so adding
or ablating one is a one-line change; `extract` turns pairs into the matrix a classifier reads.
Spinners rewrite words but keep the skeleton: the order of sentences, names, numbers and the
function words around the swaps. Independent reports of the same event share names and quotes
but not that skeleton. The features measure both.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from functools import cached_property

import numpy as np
from rapidfuzz.distance import Indel

from detector.align import Alignment, align
from detector.lexicon import FILLERS, STOPWORDS, Lexicon, closed_class_words, load_lexicon
from detector.segments import Segment, attribute
from detector.terms import is_name, is_number, is_rare
from detector.text import Document

FEATURES: dict[str, Callable[[Pair], float]] = {}


def feature(func: Callable[[Pair], float]) -> Callable[[Pair], float]:
    """Register a feature under its function name."""
    FEATURES[func.__name__] = func
    return func


@dataclass(frozen=True)
class Pair:
    """A suspect and an original with their alignment, computed once and shared by features."""

    suspect: Document
    original: Document
    lexicon: Lexicon

    @cached_property
    def alignment(self) -> Alignment:
        return align(self.original, self.suspect)

    @cached_property
    def word_swaps(self) -> list[tuple[str, str]]:
        """One-word-for-one-word swaps, lower-cased."""
        o, s = self.original.tokens, self.suspect.tokens
        return [
            (o[b.i1].lower, s[b.j1].lower)
            for b in self.alignment.blocks
            if b.kind == "swap" and b.i2 - b.i1 == 1 and b.j2 - b.j1 == 1
        ]

    @cached_property
    def swap_blocks(self) -> list:
        return [b for b in self.alignment.blocks if b.kind == "swap"]

    @cached_property
    def paragraph_aligned(self) -> list[float]:
        return _paragraph_aligned(self)

    @cached_property
    def sentence_aligned(self) -> list[float]:
        return _sentence_aligned(self)

    @cached_property
    def sentence_map(self) -> list[tuple[int, int, int, int]]:
        return _sentence_map(self)

    @cached_property
    def sentence_bags(self) -> np.ndarray:
        """Dice similarity of every suspect sentence (rows) with every original sentence."""
        return _sentence_bag_similarity(self.suspect, self.original)

    @cached_property
    def segments(self) -> list[Segment]:
        """Each suspect sentence with its source sentence and how it was made."""
        return attribute([t.sentence for t in self.suspect.tokens], self.alignment.suspect_state,
                         self.alignment.suspect_to_original,
                         [t.sentence for t in self.original.tokens], self.sentence_bags)

    @cached_property
    def aligned_suspect_tokens(self) -> int:
        return sum(k != "gap" for k in self.alignment.suspect_state)


# --- helpers -------------------------------------------------------------------------------


def _share(part: float, whole: float) -> float:
    return part / whole if whole else 0.0


def _ngrams(seq: Sequence[str], n: int) -> set[tuple[str, ...]]:
    return set(zip(*(seq[i:] for i in range(n)), strict=False))


def _containment(a: set, b: set) -> float:
    """Share of a's items found in b."""
    return _share(len(a & b), len(a))


def _order_kept(a: Sequence[str], b: Sequence[str]) -> float:
    """Longest common subsequence of a and b over the shorter length: 1 when order is kept."""
    if not a or not b:
        return 0.0
    lcs = (len(a) + len(b) - Indel.distance(a, b)) / 2
    return lcs / min(len(a), len(b))


def _names(doc: Document) -> list[str]:
    """Capitalised tokens that do not open a sentence: proper names, mostly."""
    out = []
    prev_sentence = -1
    for t in doc.tokens:
        if t.sentence != prev_sentence:
            prev_sentence = t.sentence
            continue
        if is_name(t.text, t.lower):
            out.append(t.lower)
    return out


def _numbers(doc: Document) -> list[str]:
    return [t.lower for t in doc.tokens if is_number(t.lower)]


def _rare(doc: Document) -> list[str]:
    """Long lower-case words, which a spinner's thesaurus rarely covers."""
    return [t.lower for t in doc.tokens if is_rare(t.text, t.lower)]


def _stopword_seq(doc: Document) -> list[str]:
    return _cached(doc, "stopwords", lambda d: [w for w in d.words if w in STOPWORDS])


def _char_ngrams(doc: Document, n: int = 5) -> np.ndarray:
    """Distinct byte 5-grams of the lower-cased token stream, packed into integers."""
    data = np.frombuffer(" ".join(doc.words).encode("utf-8"), dtype=np.uint8).astype(np.int64)
    if data.size < n:
        return np.zeros(0, dtype=np.int64)
    keys = np.zeros(data.size - n + 1, dtype=np.int64)
    for k in range(n):
        keys = (keys << 8) | data[k : data.size - n + 1 + k]
    return np.unique(keys)


def _cached(doc: Document, key: str, func: Callable[[Document], object]):
    """Per-document memo, so an original compared with many suspects is analysed once."""
    memo = doc.__dict__.setdefault("_feature_memo", {})
    if key not in memo:
        memo[key] = func(doc)
    return memo[key]


def _content_stems(doc: Document) -> list[list[str]]:
    """Per sentence, its content words cut to five letters (a crude stemmer: `stated` and
    `states` meet), names and numbers included: what heavy paraphrase keeps of a sentence."""
    closed = closed_class_words()
    sentences: list[list[str]] = [[] for _ in range(doc.n_sentences)]
    for t in doc.tokens:
        if len(t.lower) > 2 and t.lower not in STOPWORDS and t.lower not in closed:
            sentences[t.sentence].append(t.lower[:5])
    return sentences


def _sentence_bag_similarity(suspect: Document, original: Document) -> np.ndarray:
    a = _cached(suspect, "stems", _content_stems)
    b = _cached(original, "stems", _content_stems)
    vocab: dict[str, int] = {}
    matrices = []
    for sentences in (a, b):
        rows = [r for r, stems in enumerate(sentences) for _ in stems]
        cols = [vocab.setdefault(s, len(vocab)) for stems in sentences for s in stems]
        matrices.append((len(sentences), rows, cols))
    if not a or not b or not vocab:
        return np.zeros((len(a), len(b)))
    A, B = (np.zeros((n, len(vocab)), dtype=np.float32) for n, _, _ in matrices)
    A[matrices[0][1], matrices[0][2]] = 1.0
    B[matrices[1][1], matrices[1][2]] = 1.0
    sizes_a, sizes_b = A.sum(axis=1), B.sum(axis=1)
    denominator = sizes_a[:, None] + sizes_b[None, :]
    return np.divide(2 * (A @ B.T), denominator, out=np.zeros_like(denominator),
                     where=denominator > 0)


def _paragraph_aligned(pair: Pair) -> list[float]:
    """Per suspect paragraph (of 5 tokens or more), the share of its tokens aligned."""
    counts: Counter[int] = Counter()
    aligned: Counter[int] = Counter()
    for token, state in zip(pair.suspect.tokens, pair.alignment.suspect_state, strict=True):
        counts[token.paragraph] += 1
        aligned[token.paragraph] += state != "gap"
    return [aligned[p] / n for p, n in sorted(counts.items()) if n >= 5] or [0.0]


def _sentence_aligned(pair: Pair) -> list[float]:
    counts: Counter[int] = Counter()
    aligned: Counter[int] = Counter()
    for token, state in zip(pair.suspect.tokens, pair.alignment.suspect_state, strict=True):
        counts[token.sentence] += 1
        aligned[token.sentence] += state != "gap"
    return [aligned[s] / n for s, n in sorted(counts.items())] or [0.0]


def _sentence_map(pair: Pair) -> list[tuple[int, int, int, int]]:
    """(suspect sentence, original sentence, suspect length, original length) for sentences
    whose aligned tokens mostly point into one original sentence."""
    o_len = Counter(t.sentence for t in pair.original.tokens)
    votes: dict[int, Counter[int]] = {}
    s_len: Counter[int] = Counter()
    for j, i in enumerate(pair.alignment.suspect_to_original):
        s_sent = pair.suspect.tokens[j].sentence
        s_len[s_sent] += 1
        if i >= 0:
            votes.setdefault(s_sent, Counter())[pair.original.tokens[i].sentence] += 1
    out = []
    for s_sent, counter in sorted(votes.items()):
        o_sent, n = counter.most_common(1)[0]
        if n >= 0.5 * s_len[s_sent]:
            out.append((s_sent, o_sent, s_len[s_sent], o_len[o_sent]))
    return out


# --- alignment: how much of the text lines up, and how ------------------------------------


@feature
def aligned_share_suspect(pair: Pair) -> float:
    """Share of suspect tokens that are verbatim, swapped or short fillers (not unmatched)."""
    return pair.alignment.aligned_share("suspect")


@feature
def aligned_share_original(pair: Pair) -> float:
    """Share of original tokens that the suspect keeps verbatim or swaps."""
    return pair.alignment.aligned_share("original")


@feature
def verbatim_share(pair: Pair) -> float:
    """Share of suspect tokens copied verbatim within aligned text."""
    return _share(pair.alignment.suspect_state.count("equal"), len(pair.suspect.tokens))


@feature
def substitution_rate(pair: Pair) -> float:
    """Share of aligned original positions that were swapped: ~0 for copies, 0.1-0.7 for spins."""
    state = pair.alignment.original_state
    swapped = state.count("swap")
    return _share(swapped, swapped + state.count("equal"))


@feature
def long_run_share(pair: Pair) -> float:
    """Share of suspect tokens in verbatim runs of 12 tokens or more (copying, quoting)."""
    runs = [b.j2 - b.j1 for b in pair.alignment.blocks if b.kind == "equal"]
    long = sum(n for n in runs if n >= 12)
    return _share(long, len(pair.suspect.tokens))


@feature
def mean_run_log(pair: Pair) -> float:
    """Log mean length of verbatim runs: short runs between swaps mark spinning."""
    runs = [b.j2 - b.j1 for b in pair.alignment.blocks if b.kind == "equal"]
    return math.log1p(sum(runs) / len(runs)) if runs else 0.0


@feature
def swap_density(pair: Pair) -> float:
    """Swaps per aligned suspect token."""
    aligned = pair.aligned_suspect_tokens
    return _share(len(pair.swap_blocks), aligned)


# --- the swaps themselves: what kind of words replaced what --------------------------------


@feature
def swap_synonym_share(pair: Pair) -> float:
    """Share of one-word swaps whose words share a WordNet synset in any sense."""
    swaps = pair.word_swaps
    return _share(sum(pair.lexicon.are_synonyms(a, b) for a, b in swaps), len(swaps))


@feature
def swap_class_share(pair: Pair) -> float:
    """Share of one-word swaps whose two words can be the same word class (noun for noun...)."""
    swaps = pair.word_swaps
    lx = pair.lexicon
    return _share(sum(bool(lx.word_classes(a) & lx.word_classes(b)) for a, b in swaps), len(swaps))


@feature
def swap_dictionary_share(pair: Pair) -> float:
    """Share of one-word swaps where both words are dictionary words (spinners swap those)."""
    swaps = pair.word_swaps
    lx = pair.lexicon
    closed = closed_class_words()
    known = [(a in closed or lx.in_vocabulary(a)) and (b in closed or lx.in_vocabulary(b))
             for a, b in swaps]
    return _share(sum(known), len(swaps))


@feature
def swap_function_share(pair: Pair) -> float:
    """Share of one-word swaps that replace a function word (sense-blind spinners do)."""
    closed = closed_class_words()
    return _share(sum(a in closed for a, _ in pair.word_swaps), len(pair.word_swaps))


@feature
def swap_name_share(pair: Pair) -> float:
    """Share of swaps touching a capitalised word or a number (spinners leave those alone)."""
    o, s = pair.original.tokens, pair.suspect.tokens
    touched = 0
    for b in pair.swap_blocks:
        words = [t.text for t in o[b.i1 : b.i2]] + [t.text for t in s[b.j1 : b.j2]]
        touched += any(is_name(w) or is_number(w) for w in words)
    return _share(touched, len(pair.swap_blocks))


@feature
def swap_multiword_share(pair: Pair) -> float:
    """Share of swaps that are not one word for one word ("since" -> "considering that")."""
    return _share(len(pair.swap_blocks) - len(pair.word_swaps), len(pair.swap_blocks))


@feature
def swap_length_similarity(pair: Pair) -> float:
    """Mean character-length ratio of swapped words (short for short, long for long)."""
    swaps = pair.word_swaps
    if not swaps:
        return 0.0
    return sum(min(len(a), len(b)) / max(len(a), len(b)) for a, b in swaps) / len(swaps)


@feature
def filler_rate(pair: Pair) -> float:
    """Filler words ("actually", "really") inserted per aligned suspect token."""
    s = pair.suspect.tokens
    fillers = sum(
        s[j].lower in FILLERS
        for b in pair.alignment.blocks
        if b.kind in ("insert", "swap")
        for j in range(b.j1, b.j2)
    )
    aligned = pair.aligned_suspect_tokens
    return _share(fillers, aligned)


@feature
def insert_rate(pair: Pair) -> float:
    """Short insertions and deletions per aligned suspect token."""
    small = sum(b.kind in ("insert", "delete") for b in pair.alignment.blocks)
    aligned = pair.aligned_suspect_tokens
    return _share(small, aligned)


# --- what spinners leave untouched: names, numbers, quotes, rare words ----------------------


def _anchor_overlap(pair: Pair, func: Callable[[Document], list[str]], key: str) -> float:
    a = _cached(pair.suspect, key, func)
    b = _cached(pair.original, key, func)
    return _containment(set(a), set(b))


def _anchor_order(pair: Pair, func: Callable[[Document], list[str]], key: str) -> float:
    a = _cached(pair.suspect, key, func)
    b = _cached(pair.original, key, func)
    common = set(a) & set(b)
    if not common:
        return 0.0
    return _order_kept([x for x in a if x in common], [x for x in b if x in common])


@feature
def name_overlap(pair: Pair) -> float:
    """Share of the suspect's distinct names that occur in the original."""
    return _anchor_overlap(pair, _names, "names")


@feature
def name_order(pair: Pair) -> float:
    """How well the shared names keep their order of mention (1: same order throughout)."""
    return _anchor_order(pair, _names, "names")


@feature
def name_sequence_similarity(pair: Pair) -> float:
    """Normalised similarity of the two full sequences of name mentions."""
    a = _cached(pair.suspect, "names", _names)
    b = _cached(pair.original, "names", _names)
    return Indel.normalized_similarity(a, b) if a and b else 0.0


@feature
def number_overlap(pair: Pair) -> float:
    """Share of the suspect's distinct numbers that occur in the original."""
    return _anchor_overlap(pair, _numbers, "numbers")


@feature
def rare_overlap(pair: Pair) -> float:
    """Share of the suspect's long lower-case words that occur in the original."""
    return _anchor_overlap(pair, _rare, "rare")


@feature
def rare_order(pair: Pair) -> float:
    """How well shared long words keep their order."""
    return _anchor_order(pair, _rare, "rare")


@feature
def quote_overlap(pair: Pair) -> float:
    """Share of suspect quotes found verbatim in the original (independent reports share quotes)."""
    a = pair.suspect.quotes
    if not a:
        return 0.0
    text = pair.original.text.lower()
    return sum(q in text for q in a) / len(a)


# --- n-gram containment ---------------------------------------------------------------------


@feature
def stopword_8gram_containment(pair: Pair) -> float:
    """Share of the suspect's stopword 8-grams found in the original (Stamatatos, 2011)."""
    a = _cached(pair.suspect, "sw8", lambda d: _ngrams(_stopword_seq(d), 8))
    b = _cached(pair.original, "sw8", lambda d: _ngrams(_stopword_seq(d), 8))
    return _containment(a, b)


@feature
def stopword_4gram_containment(pair: Pair) -> float:
    """Share of the suspect's stopword 4-grams found in the original."""
    a = _cached(pair.suspect, "sw4", lambda d: _ngrams(_stopword_seq(d), 4))
    b = _cached(pair.original, "sw4", lambda d: _ngrams(_stopword_seq(d), 4))
    return _containment(a, b)


def _word_containment(pair: Pair, n: int) -> float:
    a = _cached(pair.suspect, f"w{n}", lambda d: _ngrams(d.words, n))
    b = _cached(pair.original, f"w{n}", lambda d: _ngrams(d.words, n))
    return _containment(a, b)


@feature
def word_1gram_containment(pair: Pair) -> float:
    """Share of the suspect's distinct words found in the original."""
    return _word_containment(pair, 1)


@feature
def word_3gram_containment(pair: Pair) -> float:
    """Share of the suspect's word 3-grams found in the original."""
    return _word_containment(pair, 3)


@feature
def word_5gram_containment(pair: Pair) -> float:
    """Share of the suspect's word 5-grams found in the original (verbatim copying)."""
    return _word_containment(pair, 5)


@feature
def original_3gram_coverage(pair: Pair) -> float:
    """Share of the original's word 3-grams found in the suspect (how much of it was used)."""
    a = _cached(pair.original, "w3", lambda d: _ngrams(d.words, 3))
    b = _cached(pair.suspect, "w3", lambda d: _ngrams(d.words, 3))
    return _containment(a, b)


@feature
def char_5gram_containment(pair: Pair) -> float:
    """Share of the suspect's character 5-grams found in the original."""
    a = _cached(pair.suspect, "c5", _char_ngrams)
    b = _cached(pair.original, "c5", _char_ngrams)
    return float(np.isin(a, b, assume_unique=True).mean()) if a.size else 0.0


# --- length and structure -------------------------------------------------------------------


@feature
def length_ratio(pair: Pair) -> float:
    """Log ratio of suspect to original token counts."""
    return math.log((len(pair.suspect.tokens) + 1) / (len(pair.original.tokens) + 1))


@feature
def sentence_count_ratio(pair: Pair) -> float:
    """Log ratio of suspect to original sentence counts."""
    return math.log((pair.suspect.n_sentences + 1) / (pair.original.n_sentences + 1))


@feature
def sentence_aligned_share(pair: Pair) -> float:
    """Share of suspect sentences with at least half their tokens aligned."""
    shares = pair.sentence_aligned
    return sum(s >= 0.5 for s in shares) / len(shares)


@feature
def sentence_mapped_share(pair: Pair) -> float:
    """Share of suspect sentences that map mostly onto one original sentence."""
    return _share(len(pair.sentence_map), pair.suspect.n_sentences)


def _in_order_share(indices: Sequence[int]) -> float:
    """Longest non-decreasing subsequence over the length: 1 when the order is kept."""
    if not indices:
        return 0.0
    tails: list[int] = []  # patience sorting
    for x in indices:
        k = int(np.searchsorted(tails, x, side="right"))
        tails[k : k + 1] = [x]
    return len(tails) / len(indices)


@feature
def sentence_order(pair: Pair) -> float:
    """Share of mapped sentences in the original's order (longest increasing run of them)."""
    return _in_order_share([o for _, o, _, _ in pair.sentence_map])


@feature
def sentence_content_match(pair: Pair) -> float:
    """Mean over suspect sentences of the best content-word overlap with one original sentence
    (survives paraphrase that breaks word alignment)."""
    sims = pair.sentence_bags
    return float(sims.max(axis=1).mean()) if sims.size else 0.0


@feature
def sentence_content_matched_share(pair: Pair) -> float:
    """Share of suspect sentences sharing at least 40% of content words with one original
    sentence."""
    sims = pair.sentence_bags
    return float((sims.max(axis=1) >= 0.4).mean()) if sims.size else 0.0


@feature
def sentence_content_order(pair: Pair) -> float:
    """Share of content-matched suspect sentences whose best matches keep the original order."""
    sims = pair.sentence_bags
    if not sims.size:
        return 0.0
    matched = sims.max(axis=1) >= 0.25
    return _in_order_share(sims.argmax(axis=1)[matched].tolist())


@feature
def sentence_length_agreement(pair: Pair) -> float:
    """Mean min/max length ratio of mapped sentence pairs (spins keep sentence lengths)."""
    mapped = pair.sentence_map
    if not mapped:
        return 0.0
    return sum(min(a, b) / max(a, b) for _, _, a, b in mapped) / len(mapped)


# --- per paragraph: partial spins and stitched suspects --------------------------------------


@feature
def paragraph_aligned_max(pair: Pair) -> float:
    """Aligned share of the suspect's best-matching paragraph."""
    return max(pair.paragraph_aligned)


@feature
def paragraph_aligned_mean(pair: Pair) -> float:
    """Mean aligned share over suspect paragraphs."""
    shares = pair.paragraph_aligned
    return sum(shares) / len(shares)


@feature
def paragraph_derived_share(pair: Pair) -> float:
    """Share of suspect paragraphs that are mostly aligned (>= 60% of tokens)."""
    shares = pair.paragraph_aligned
    return sum(s >= 0.6 for s in shares) / len(shares)


@feature
def paragraph_substitution_max(pair: Pair) -> float:
    """Highest substitution rate among well-aligned suspect paragraphs (a spun paragraph shows)."""
    swapped: Counter[int] = Counter()
    kept: Counter[int] = Counter()
    for token, state in zip(pair.suspect.tokens, pair.alignment.suspect_state, strict=True):
        if state == "swap":
            swapped[token.paragraph] += 1
        elif state == "equal":
            kept[token.paragraph] += 1
    rates = [swapped[p] / (swapped[p] + kept[p]) for p in kept if swapped[p] + kept[p] >= 8]
    return max(rates, default=0.0)


# --- segments and coverage: rewrites restructure sentences but keep the story -------------


@feature
def segment_matched_share(pair: Pair) -> float:
    """Share of suspect sentences that come from an original sentence (verbatim, swapped or
    rewritten)."""
    segments = pair.segments
    return _share(sum(s.kind != "new" for s in segments), len(segments))


@feature
def segment_rewritten_share(pair: Pair) -> float:
    """Share of suspect sentences that reword one original sentence without aligning to it."""
    segments = pair.segments
    return _share(sum(s.kind == "rewritten" for s in segments), len(segments))


@feature
def original_sentence_coverage(pair: Pair) -> float:
    """Share of the original's sentences that some suspect sentence comes from."""
    used = {s.original for s in pair.segments if s.original is not None}
    return _share(len(used), pair.original.n_sentences)


def _facts(doc: Document) -> set[str]:
    return set(_cached(doc, "names", _names)) | set(_cached(doc, "numbers", _numbers))


@feature
def original_fact_coverage(pair: Pair) -> float:
    """Share of the original's distinct names and numbers that the suspect mentions (a rewrite
    keeps the story's facts; another outlet's report keeps some)."""
    return _containment(_facts(pair.original), _facts(pair.suspect))


def _content_words(doc: Document) -> set[str]:
    return _cached(doc, "content", lambda d: {w for w in d.words if len(w) > 2
                                              and w not in STOPWORDS})


@feature
def original_word_coverage(pair: Pair) -> float:
    """Share of the original's distinct content words that the suspect uses."""
    return _containment(_content_words(pair.original), _content_words(pair.suspect))


FEATURE_NAMES: tuple[str, ...] = tuple(FEATURES)


def pair_features(pair: Pair, names: Sequence[str] = FEATURE_NAMES) -> np.ndarray:
    """Feature vector of one pair, in the order of `names`."""
    return np.array([FEATURES[name](pair) for name in names], dtype=np.float64)


def make_pair(
    suspect: Document | str, original: Document | str, lexicon: Lexicon | None = None
) -> Pair:
    """A `Pair` from documents or raw texts."""
    if isinstance(suspect, str):
        suspect = Document(suspect)
    if isinstance(original, str):
        original = Document(original)
    return Pair(suspect, original, lexicon or load_lexicon())


def extract(
    pairs: Iterable[Pair | tuple[Document | str, Document | str]],
    names: Sequence[str] = FEATURE_NAMES,
    lexicon: Lexicon | None = None,
) -> np.ndarray:
    """Feature matrix (n_pairs, n_features) of pairs given as `Pair` or (suspect, original)."""
    rows = []
    for item in pairs:
        pair = item if isinstance(item, Pair) else make_pair(item[0], item[1], lexicon)
        rows.append(pair_features(pair, names))
    return np.vstack(rows) if rows else np.zeros((0, len(names)))
