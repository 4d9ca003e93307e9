"""Pairwise features of a suspect against one original, each a small function of a `Pair`.

Step three of the pipeline. Every feature is registered by name with `@feature`, so adding
or ablating one is a one-line change; `extract` turns pairs into the matrix a classifier reads.
Spinners rewrite words but keep the skeleton: the order of sentences, names, numbers and the
function words around the swaps. Independent reports of the same event share names and quotes
but not that skeleton. The features measure both.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
from rapidfuzz.distance import Indel

from detector import analysis
from detector.align import EQUAL, GAP, SWAP, Alignment, align
from detector.lexicon import FILLERS, Lexicon, closed_class_words, load_lexicon
from detector.segments import Segment, attribute, top_votes
from detector.terms import is_name, is_number
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
    values: dict[str, float] = field(default_factory=dict, compare=False, repr=False)

    def feature(self, name: str) -> float:
        """The value of feature `name`, computed once (the evidence reads some again)."""
        if name not in self.values:
            self.values[name] = FEATURES[name](self)
        return self.values[name]

    @cached_property
    def alignment(self) -> Alignment:
        return align(self.original, self.suspect)

    @cached_property
    def word_swaps(self) -> list[tuple[str, str]]:
        """One-word-for-one-word swaps, lower-cased."""
        o, s = self.original.words, self.suspect.words
        return [
            (o[b.i1], s[b.j1])
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
    def votes(self) -> dict[int, tuple[int, int]]:
        """Per suspect sentence with aligned tokens, the original sentence most of them point
        into and how many do."""
        return top_votes(analysis.columns(self.suspect).sentence,
                         self.alignment.suspect_to_original_array,
                         analysis.columns(self.original).sentence)

    @cached_property
    def sentence_bags(self) -> np.ndarray:
        """Dice similarity of every suspect sentence (rows) with every original sentence."""
        return _sentence_bag_similarity(self.suspect, self.original)

    @cached_property
    def segments(self) -> list[Segment]:
        """Each suspect sentence with its source sentence and how it was made."""
        return attribute(analysis.columns(self.suspect).sentence, self.alignment.suspect_codes,
                         self.votes, self.sentence_bags)

    @cached_property
    def aligned_suspect_tokens(self) -> int:
        return int(np.count_nonzero(self.alignment.suspect_codes))


# --- helpers -------------------------------------------------------------------------------


def _share(part: float, whole: float) -> float:
    return part / whole if whole else 0.0


def _containment(a: np.ndarray, b: np.ndarray) -> float:
    """Share of a's distinct keys found in b (both sorted, as `detector.analysis` keeps them)."""
    return _share(analysis.count_shared(a, b), a.size)


def _order_kept(a: Sequence[str], b: Sequence[str]) -> float:
    """Longest common subsequence of a and b over the shorter length: 1 when order is kept."""
    if not a or not b:
        return 0.0
    lcs = (len(a) + len(b) - Indel.distance(a, b)) / 2
    return lcs / min(len(a), len(b))


def _sentence_bag_similarity(suspect: Document, original: Document) -> np.ndarray:
    """Dice coefficient of the content-stem bags of each suspect and original sentence
    (float32). Only stems the two documents share can meet, so the matrices hold those."""
    a, b = analysis.columns(suspect), analysis.columns(original)
    rows_a, keys_a, distinct_a, sizes_a = a.stem_rows, a.stem_keys, a.stems, a.stems_per_sentence
    rows_b, keys_b, distinct_b, sizes_b = b.stem_rows, b.stem_keys, b.stems, b.stems_per_sentence
    n_a, n_b = sizes_a.size, sizes_b.size
    if not n_a or not n_b or not (keys_a.size or keys_b.size):
        return np.zeros((n_a, n_b))
    shared = distinct_a[np.isin(distinct_a, distinct_b, assume_unique=True)]
    A, B = (np.zeros((n, shared.size), dtype=np.float32) for n in (n_a, n_b))
    for matrix, rows, keys in ((A, rows_a, keys_a), (B, rows_b, keys_b)):
        at = np.searchsorted(shared, keys).clip(max=max(shared.size - 1, 0))
        found = shared[at] == keys if shared.size else np.zeros(keys.size, dtype=bool)
        matrix[rows[found], at[found]] = 1.0
    denominator = sizes_a.astype(np.float32)[:, None] + sizes_b.astype(np.float32)[None, :]
    shared_counts = np.einsum("ik,jk->ij", A, B)  # A @ B.T without BLAS threads: exact counts
    return np.divide(2 * shared_counts, denominator, out=np.zeros_like(denominator),
                     where=denominator > 0)


def _aligned_shares(pair: Pair, groups: np.ndarray, min_tokens: int) -> list[float]:
    """Per group (sentence, paragraph) of `min_tokens` suspect tokens or more, in order, the
    share of its tokens aligned; [0.0] when there is none."""
    counts = np.bincount(groups, minlength=1)
    aligned = np.bincount(groups[pair.alignment.suspect_codes != GAP], minlength=counts.size)
    keep = counts >= max(min_tokens, 1)
    return (aligned[keep] / counts[keep]).tolist() or [0.0]


def _paragraph_aligned(pair: Pair) -> list[float]:
    """Per suspect paragraph (of 5 tokens or more), the share of its tokens aligned."""
    return _aligned_shares(pair, analysis.columns(pair.suspect).paragraph, 5)


def _sentence_aligned(pair: Pair) -> list[float]:
    return _aligned_shares(pair, analysis.columns(pair.suspect).sentence, 1)


def _sentence_map(pair: Pair) -> list[tuple[int, int, int, int]]:
    """(suspect sentence, original sentence, suspect length, original length) for sentences
    whose aligned tokens mostly point into one original sentence."""
    s_len = np.bincount(analysis.columns(pair.suspect).sentence, minlength=1).tolist()
    o_len = np.bincount(analysis.columns(pair.original).sentence, minlength=1).tolist()
    return [(s_sent, o_sent, s_len[s_sent], o_len[o_sent])
            for s_sent, (o_sent, n) in sorted(pair.votes.items()) if n >= 0.5 * s_len[s_sent]]


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
    return _share(int(np.count_nonzero(pair.alignment.suspect_codes == EQUAL)),
                  len(pair.suspect.words))


@feature
def substitution_rate(pair: Pair) -> float:
    """Share of aligned original positions that were swapped: ~0 for copies, 0.1-0.7 for spins."""
    codes = pair.alignment.original_codes
    swapped = int(np.count_nonzero(codes == SWAP))
    return _share(swapped, swapped + int(np.count_nonzero(codes == EQUAL)))


@feature
def long_run_share(pair: Pair) -> float:
    """Share of suspect tokens in verbatim runs of 12 tokens or more (copying, quoting)."""
    runs = [b.j2 - b.j1 for b in pair.alignment.blocks if b.kind == "equal"]
    long = sum(n for n in runs if n >= 12)
    return _share(long, len(pair.suspect.words))


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
    o, s = pair.original.token_columns.texts, pair.suspect.token_columns.texts
    touched = 0
    for b in pair.swap_blocks:
        words = o[b.i1 : b.i2] + s[b.j1 : b.j2]
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
    s = pair.suspect.words
    fillers = sum(
        s[j] in FILLERS
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


def _anchor_overlap(pair: Pair, kind: str) -> float:
    """Share of the suspect's distinct anchors of one kind (names, numbers, rare) that the
    original has."""
    a = set(getattr(analysis.columns(pair.suspect), kind))
    return _share(len(a.intersection(getattr(analysis.columns(pair.original), kind))), len(a))


def _anchor_order(pair: Pair, kind: str) -> float:
    a = getattr(analysis.columns(pair.suspect), kind)
    b = getattr(analysis.columns(pair.original), kind)
    common = set(a) & set(b)
    if not common:
        return 0.0
    return _order_kept([x for x in a if x in common], [x for x in b if x in common])


@feature
def name_overlap(pair: Pair) -> float:
    """Share of the suspect's distinct names that occur in the original."""
    return _anchor_overlap(pair, "names")


@feature
def name_order(pair: Pair) -> float:
    """How well the shared names keep their order of mention (1: same order throughout)."""
    return _anchor_order(pair, "names")


@feature
def name_sequence_similarity(pair: Pair) -> float:
    """Normalised similarity of the two full sequences of name mentions."""
    a = analysis.columns(pair.suspect).names
    b = analysis.columns(pair.original).names
    return Indel.normalized_similarity(a, b) if a and b else 0.0


@feature
def number_overlap(pair: Pair) -> float:
    """Share of the suspect's distinct numbers that occur in the original."""
    return _anchor_overlap(pair, "numbers")


@feature
def rare_overlap(pair: Pair) -> float:
    """Share of the suspect's long lower-case words that occur in the original."""
    return _anchor_overlap(pair, "rare")


@feature
def rare_order(pair: Pair) -> float:
    """How well shared long words keep their order."""
    return _anchor_order(pair, "rare")


@feature
def quote_overlap(pair: Pair) -> float:
    """Share of suspect quotes found verbatim in the original (independent reports share quotes)."""
    a = pair.suspect.quotes
    if not a:
        return 0.0
    text = analysis.lower_text(pair.original)
    return sum(q in text for q in a) / len(a)


# --- n-gram containment ---------------------------------------------------------------------


@feature
def stopword_8gram_containment(pair: Pair) -> float:
    """Share of the suspect's stopword 8-grams found in the original (Stamatatos, 2011)."""
    return _containment(analysis.stopword_grams(pair.suspect, 8),
                        analysis.stopword_grams(pair.original, 8))


@feature
def stopword_4gram_containment(pair: Pair) -> float:
    """Share of the suspect's stopword 4-grams found in the original."""
    return _containment(analysis.stopword_grams(pair.suspect, 4),
                        analysis.stopword_grams(pair.original, 4))


def _word_containment(pair: Pair, n: int) -> float:
    return _containment(analysis.word_grams(pair.suspect, n),
                        analysis.word_grams(pair.original, n))


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
    return _containment(analysis.word_grams(pair.original, 3),
                        analysis.word_grams(pair.suspect, 3))


@feature
def char_5gram_containment(pair: Pair) -> float:
    """Share of the suspect's character 5-grams found in the original."""
    return _containment(analysis.char_grams(pair.suspect), analysis.char_grams(pair.original))


# --- length and structure -------------------------------------------------------------------


@feature
def length_ratio(pair: Pair) -> float:
    """Log ratio of suspect to original token counts."""
    return math.log((len(pair.suspect.words) + 1) / (len(pair.original.words) + 1))


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
        k = bisect_right(tails, x)
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
    paragraphs = analysis.columns(pair.suspect).paragraph
    codes = pair.alignment.suspect_codes
    size = int(paragraphs.max()) + 1 if paragraphs.size else 0
    swapped = np.bincount(paragraphs[codes == SWAP], minlength=size)
    kept = np.bincount(paragraphs[codes == EQUAL], minlength=size)
    rated = (kept > 0) & (swapped + kept >= 8)
    rates = swapped[rated] / (swapped[rated] + kept[rated])
    return float(rates.max()) if rates.size else 0.0


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
    found = analysis.columns(doc)
    return set(found.names) | set(found.numbers)


@feature
def original_fact_coverage(pair: Pair) -> float:
    """Share of the original's distinct names and numbers that the suspect mentions (a rewrite
    keeps the story's facts; another outlet's report keeps some)."""
    facts = _facts(pair.original)
    return _share(len(facts & _facts(pair.suspect)), len(facts))


@feature
def original_word_coverage(pair: Pair) -> float:
    """Share of the original's distinct content words that the suspect uses."""
    return _containment(analysis.content_words(pair.original),
                        analysis.content_words(pair.suspect))


FEATURE_NAMES: tuple[str, ...] = tuple(FEATURES)


def pair_features(pair: Pair, names: Sequence[str] = FEATURE_NAMES) -> np.ndarray:
    """Feature vector of one pair, in the order of `names`."""
    return np.array([pair.feature(name) for name in names], dtype=np.float64)


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
