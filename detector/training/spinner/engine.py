"""The word-level spinning engine: per-style proposers swap words, phrases, fillers, articles."""

from __future__ import annotations

import random
from collections.abc import Callable

from detector.lexicon import CLOSED_CLASSES, FILLERS
from detector.terms import is_number
from detector.training.spinner.inflect import context_form, inflect, match_case
from detector.training.spinner.parse import POSSESSIVE, Sentence
from detector.training.spinner.tables import (
    CONSONANT_ONSETS,
    CONTRACTIONS,
    DIGIT_WORDS,
    EXPANSIONS,
    FILLER_AUX,
    FILLER_LIST,
    FUNCTION_SWAPS,
    FUNCTION_WORDS,
    MODAL_TO,
    MONTHS,
    NUMBER_WORDS,
    PHRASES,
    QUANTITIES,
    THE_ONLY,
    UNSWAPPABLE,
    VERB_PHRASES,
    VOWEL_ONSETS,
)
from detector.training.spinner.thesaurus import Thesaurus

STYLES: tuple[str, ...] = (
    "wordnet", "thesaurus", "phrase", "function_blind", "backtranslate", "heavy", "mixed",
)
BASE_STYLES = STYLES[:-1]  # "mixed" draws one of these per sentence

_Entry = tuple[tuple[str, ...], tuple[str, ...]]


def _index_phrases(table: dict[str, tuple[str, ...]]) -> dict[str, list[_Entry]]:
    """Index a phrase table by first word, longest phrases first."""
    index: dict[str, list[_Entry]] = {}
    for key, values in table.items():
        words = tuple(key.split(" "))
        index.setdefault(words[0], []).append((words, values))
    for entries in index.values():
        entries.sort(key=lambda e: -len(e[0]))
    return index


_PHRASE_INDEX = _index_phrases({**PHRASES, **{k: (v,) for k, v in NUMBER_WORDS.items()}})
_CONTRACT_INDEX = _index_phrases({k: (v,) for k, v in CONTRACTIONS.items()})


class Run:
    """One spin of one text: the random settings drawn for it, its caches and its edits."""

    def __init__(self, res: Thesaurus, rng: random.Random, rate: float) -> None:
        self.res, self.rng, self.rate = res, rng, rate
        # Settings drawn per call so that no two spun texts share one spinner's habits.
        self.quote_factor = rng.uniform(0.1, 0.5)
        self.stop_factor = rng.uniform(0.02, 0.2)
        self.single_pref = rng.uniform(2.0, 10.0)
        self.alpha = rng.uniform(0.0, 1.0)
        self.consistent = rng.random() < 0.5
        self.dist_share = rng.uniform(0.3, 0.8)
        self.filler_rate = rng.uniform(0.15, 0.6)
        self.article_rate = 0.1 + 0.3 * rate
        self.struct_rate = 0.15 + 0.4 * rate
        self.apostrophe = "'"
        self.memo: dict[str, str] = {}
        self.caps: set[str] = set()
        self.forced = -1
        self.proposers: dict[str, tuple[Callable[[Sentence, int], int], ...]] = {
            "wordnet": (self.content_wordnet,),
            "thesaurus": (self.content_thesaurus,),
            "phrase": (self.phrase_table, self.filler, self.content_wordnet),
            "function_blind": (self.function_swap, self.content_wordnet),
            "backtranslate": (self.contraction, self.article, self.content_backtranslate),
            "heavy": (self.content_heavy,),
        }

    # ---- shared helpers ------------------------------------------------------------------

    def replace(self, sent: Sentence, k: int, n: int, new: str) -> None:
        """Replace words k..k+n-1 (and the gaps between) by `new`, recording the edit."""
        first, last = 2 * k + 1, 2 * (k + n - 1) + 1
        old = "".join(sent.parts[first:last + 1])
        if new:
            new = match_case(sent.word(k), new)
        sent.parts[first] = new
        for j in range(first + 1, last + 1):
            sent.parts[j] = ""
        if not new and sent.parts[first + 1] == " ":
            sent.parts[first + 1] = ""
        for j in range(k, k + n):
            sent.done[j] = True
        sent.edits.append((k, old, new))

    def eligible(self, sent: Sentence, k: int) -> str | None:
        """The lower-case stem of word k when a content style may swap it, else None."""
        if sent.done[k] or sent.names[k]:
            return None
        word = sent.word(k)
        if is_number(word):
            return None
        low = word.lower()
        if "'" in low or "’" in low:
            m = POSSESSIVE.match(low)
            if not m or m.group(1) in FUNCTION_WORDS:
                return None
            low = m.group(1)
        if len(low) < 2 or low in UNSWAPPABLE or low in QUANTITIES:
            return None
        return low

    def chance(self, sent: Sentence, k: int, p: float) -> bool:
        if sent.quoted[k]:
            p *= self.quote_factor
        return self.rng.random() < p

    def content_p(self, low: str) -> float:
        return self.rate * self.stop_factor if low in FUNCTION_WORDS else self.rate

    def pick(self, candidates: tuple[str, ...] | list[str], alpha: float | None = None) -> str:
        """One candidate, favouring single words and (by `alpha`) words common in news."""
        alpha = self.alpha if alpha is None else alpha
        freq = self.res.corpus.freq
        weights = [
            (1.0 if " " in c else self.single_pref) * (freq.get(c, 0) + 0.5) ** alpha
            for c in candidates
        ]
        return self.rng.choices(candidates, weights)[0]

    def put(self, sent: Sentence, k: int, low: str, new: str | None) -> int:
        """Write a single-word replacement, keeping a possessive ending and the memo."""
        if not new or new == low:
            return 0
        if self.consistent:
            new = self.memo.setdefault(low, new)
        word = sent.word(k)
        m = POSSESSIVE.match(word)
        if m and m.group(1).lower() == low:
            ending = m.group(2)
            if new.endswith("s") and not low.endswith("s"):
                ending = ending[:1]  # children's -> kids'
            new = new + ending
        self.replace(sent, k, 1, new)
        return 1

    def prev_word(self, sent: Sentence, k: int) -> str:
        return sent.word(k - 1).lower() if k > 0 else ""

    def wordnet_choice(self, low: str, prev: str, pos: str | None = None,
                       alpha: float | None = None) -> str | None:
        """A sense-blind WordNet synonym of any reading of `low`, inflected like it."""
        if self.consistent and low in self.memo:
            return self.memo[low]
        options = self.res.options(low)
        if pos:
            options = tuple(o for o in options if o[0] == pos)
        if not options:
            return None
        p, form, syns = self.rng.choice(options)
        return inflect(self.pick(syns, alpha), p, context_form(p, form, prev))

    def odd_choice(self, low: str, prev: str) -> str | None:
        """A distributional neighbour or a two-hop WordNet word: related but not a synonym."""
        if self.consistent and low in self.memo:
            return self.memo[low]
        neighbours = self.res.neighbours(low)
        hops = [(p, b, f) for p, b, f in self.res.analyses(low) if self.res.two_hop(b, p)]
        if neighbours and (not hops or self.rng.random() < self.dist_share):
            return self.rng.choice(neighbours[: self.rng.randint(2, 8)])
        if not hops:
            return None
        p, b, form = self.rng.choice(hops)
        return inflect(self.pick(self.res.two_hop(b, p)), p, context_form(p, form, prev))

    def main_pos(self, sent: Sentence, k: int, low: str) -> str | None:
        """A guess at the word's part of speech from its suffix, neighbours and WordNet."""
        analyses = self.res.options(low)
        if not analyses:
            return None
        poses = [a[0] for a in analyses]
        prev = self.prev_word(sent, k)
        if "v" in poses and (low.endswith(("ing", "ed")) or prev in MODAL_TO):
            return "v"
        if "n" in poses and (prev in CLOSED_CLASSES["det"] or prev in ("the", "a", "an")):
            return "n"
        if "a" in poses and prev in ("very", "more", "most", "so", "too"):
            return "a"
        sizes = {p: 0 for p in poses}
        for p, base, _ in self.res.analyses(low):
            if p in sizes:
                sizes[p] += sum(1 for s in self.res.lex.lemma_synsets(base)
                                if self.res.lex.synset_pos[s] == p)
        return max(poses, key=lambda p: sizes[p])

    # ---- proposers: each returns how many words it consumed at k -------------------------

    def content_wordnet(self, sent: Sentence, k: int) -> int:
        low = self.eligible(sent, k)
        if low is None or not self.res.options(low):
            return 0
        if not self.chance(sent, k, self.content_p(low)):
            return 0
        return self.put(sent, k, low, self.wordnet_choice(low, self.prev_word(sent, k)))

    def content_thesaurus(self, sent: Sentence, k: int) -> int:
        low = self.eligible(sent, k)
        if low is None or low in FUNCTION_WORDS or not self.res.options(low):
            return 0
        if not self.chance(sent, k, self.rate):
            return 0
        prev = self.prev_word(sent, k)
        new = self.odd_choice(low, prev) if self.rng.random() < 0.8 else None
        return self.put(sent, k, low, new or self.wordnet_choice(low, prev))

    def content_heavy(self, sent: Sentence, k: int) -> int:
        low = self.eligible(sent, k)
        if low is None or low in FUNCTION_WORDS or not self.res.options(low):
            return 0
        if not self.chance(sent, k, 0.5 + 0.5 * self.rate):
            return 0
        pos = self.main_pos(sent, k, low)
        prev = self.prev_word(sent, k)
        new = None
        if self.rng.random() < 0.3:
            shapes = {p for p, _, _ in self.res.analyses(low) if p == pos}
            near = [w for w in self.res.neighbours(low)
                    if shapes & {p for p, _, _ in self.res.analyses(w)}]
            new = self.rng.choice(near) if near else None
        return self.put(sent, k, low, new or self.wordnet_choice(low, prev, pos))

    def content_backtranslate(self, sent: Sentence, k: int) -> int:
        low = self.eligible(sent, k)
        if low is None or not self.res.options(low):
            return 0
        if not self.chance(sent, k, self.content_p(low)):
            return 0
        # Translation engines read the context: same part of speech, common words, few oddities.
        prev = self.prev_word(sent, k)
        new = self.odd_choice(low, prev) if self.rng.random() < 0.15 else None
        pos = self.main_pos(sent, k, low)
        return self.put(sent, k, low, new or self.wordnet_choice(low, prev, pos, alpha=1.5))

    def match(self, sent: Sentence, k: int, index: dict) -> tuple[int, tuple[str, ...]] | None:
        """The longest table entry whose words start at k, joined by single spaces."""
        entries = index.get(sent.word(k).lower())
        if not entries:
            return None
        for words, values in entries:
            n = len(words)
            if k + n > sent.n:
                continue
            if all(sent.parts[2 * (k + j)] == " " and sent.word(k + j).lower() == words[j]
                   and not sent.done[k + j] for j in range(1, n)):
                return n, values
        return None

    def phrase_table(self, sent: Sentence, k: int) -> int:
        if sent.done[k] or sent.names[k]:
            return 0
        word = sent.word(k)
        low = word.lower()
        if is_number(low) and low in DIGIT_WORDS:
            gap_before = sent.parts[2 * k]
            gap_after = sent.parts[2 * k + 2]
            prev = self.prev_word(sent, k)
            if (gap_after[:1] in ("", " ") and gap_before[-1:] in (" ", "")
                    and prev not in MONTHS and not (k and sent.word(k - 1)[:1].isupper())
                    and self.chance(sent, k, self.rate)):
                self.replace(sent, k, 1, DIGIT_WORDS[low])
                return 1
            return 0
        found = self.match(sent, k, _PHRASE_INDEX)
        if found:
            n, values = found
            if self.chance(sent, k, self.rate):
                self.replace(sent, k, n, self.rng.choice(values))
                return n
            return 0
        verbs = [(b, f) for p, b, f in self.res.analyses(low) if p == "v" and b in VERB_PHRASES]
        if verbs and self.chance(sent, k, self.rate):
            base, form = verbs[0]
            form = context_form("v", form, self.prev_word(sent, k))
            new = inflect(self.rng.choice(VERB_PHRASES[base]), "v", form)
            return self.put(sent, k, low, new)
        return 0

    def filler(self, sent: Sentence, k: int) -> int:
        low = sent.word(k).lower()
        if low not in FILLER_AUX or sent.done[k] or k + 1 >= sent.n:
            return 0
        nxt = sent.word(k + 1)
        if sent.parts[2 * k + 2] != " " or not nxt.isalpha() or not nxt.islower():
            return 0
        if nxt in FILLERS or (nxt in FUNCTION_WORDS and nxt not in ("been", "be", "not")):
            return 0
        if not self.chance(sent, k, self.rate * self.filler_rate):
            return 0
        fill = "actually" if self.rng.random() < 0.35 else self.rng.choice(FILLER_LIST)
        self.replace(sent, k, 1, f"{sent.word(k)} {fill}")
        return 1

    def function_swap(self, sent: Sentence, k: int) -> int:
        if sent.done[k] or sent.names[k]:
            return 0
        low = sent.word(k).lower()
        if low not in FUNCTION_SWAPS:
            return 0
        if k != self.forced and not self.chance(sent, k, self.rate * 0.5):
            return 0
        wordnet = self.res.function_synonyms(low)
        pool = wordnet if wordnet and self.rng.random() < 0.25 else FUNCTION_SWAPS[low]
        new = self.rng.choice(pool)
        if new == low:
            return 0
        self.replace(sent, k, 1, new)
        return 1

    def choose_forced(self, sent: Sentence) -> None:
        """Pick the function word a crude spinner swaps in nearly every sentence."""
        spots = [k for k in range(sent.n) if sent.word(k).lower() in FUNCTION_SWAPS
                 and not sent.quoted[k] and not sent.names[k]]
        self.forced = self.rng.choice(spots) if spots and self.rng.random() < 0.9 else -1

    def contraction(self, sent: Sentence, k: int) -> int:
        if sent.done[k] or sent.names[k]:
            return 0
        low = sent.word(k).lower().replace("’", "'")
        if low in EXPANSIONS:
            if self.chance(sent, k, 0.3 + 0.5 * self.rate):
                self.replace(sent, k, 1, EXPANSIONS[low])
                return 1
            return 0
        found = self.match(sent, k, _CONTRACT_INDEX)
        if found and self.chance(sent, k, 0.3 * self.rate):
            n, values = found
            self.replace(sent, k, n, values[0].replace("'", self.apostrophe))
            return n
        return 0

    def article(self, sent: Sentence, k: int) -> int:
        if sent.done[k] or k + 1 >= sent.n or sent.parts[2 * k + 2] != " ":
            return 0
        low = sent.word(k).lower()
        nxt = sent.word(k + 1)
        if not nxt.isalpha() or not nxt.islower() or sent.done[k + 1]:
            return 0
        plural = any(f == "pl" for p, _, f in self.res.analyses(nxt) if p == "n")
        if low == "the":
            if plural and not sent.starts[k] and self.chance(sent, k, self.article_rate):
                self.replace(sent, k, 1, "")
                return 1
            if (not plural and not nxt.endswith("est") and nxt not in THE_ONLY
                    and self.chance(sent, k, self.article_rate * 0.4)):
                self.replace(sent, k, 1, "a")
                return 1
        elif low in ("a", "an"):
            if self.chance(sent, k, self.article_rate):
                self.replace(sent, k, 1, "the")
                return 1
        elif (low in CLOSED_CLASSES["prep"] and plural and not sent.names[k]
              and self.chance(sent, k, self.article_rate * 0.5)):
            self.replace(sent, k, 1, sent.word(k) + " the")
            return 1
        return 0

    # ---- passes --------------------------------------------------------------------------

    def word_pass(self, sent: Sentence, style: str) -> None:
        """Swap words left to right with the proposers of `style`, then fix a/an agreement."""
        if style == "function_blind":
            self.choose_forced(sent)
        proposers = self.proposers[style]
        k, n = 0, sent.n
        while k < n:
            used = 0
            for propose in proposers:
                used = propose(sent, k)
                if used:
                    break
            k += max(used, 1)
        self.fix_articles(sent)

    def fix_articles(self, sent: Sentence) -> None:
        for k in range(sent.n - 1):
            word = sent.word(k)
            if word.lower() not in ("a", "an") or sent.parts[2 * k + 2] != " ":
                continue
            if not (sent.done[k] or sent.done[k + 1]):
                continue
            nxt = sent.word(k + 1) or (sent.word(k + 2) if k + 2 < sent.n else "")
            if not nxt:
                continue
            article = "an" if _vowel_sound(nxt) else "a"
            if word.lower() != article:
                sent.parts[2 * k + 1] = match_case(word, article)
                sent.edits.append((k, word, sent.parts[2 * k + 1]))


def _vowel_sound(word: str) -> bool:
    """Whether `word` takes "an": it starts with a vowel sound."""
    low = word.lower()
    if low.startswith(CONSONANT_ONSETS):
        return False
    if low.startswith(VOWEL_ONSETS):
        return True
    return low[:1] in ("a", "e", "i", "o", "u")


