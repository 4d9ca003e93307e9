"""Synthetic article spinners that turn an original into a spun copy, the detector's positives.

Evaluation uses spinners we never see, so the styles here imitate several families of real
tools (sense-blind WordNet swaps, odd thesauri, phrase tables with fillers, crude function-word
swaps, machine-translation round trips) and draw their settings at random for every call.
"""

from __future__ import annotations

import random
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from detector.lexicon import (
    CLOSED_CLASSES,
    FILLERS,
    STOPWORDS,
    Lexicon,
    closed_class_words,
    load_lexicon,
)
from detector.text import split_sentences
from detector.training.config import CORPUS_DIR

# --------------------------------------------------------------------------------------------
# Word lists and tables
# --------------------------------------------------------------------------------------------

# Irregular verbs: base -> (past, past participle). Prefixed forms (undertake) are derived.
IRREGULAR_VERBS: dict[str, tuple[str, str]] = {
    "arise": ("arose", "arisen"), "be": ("was", "been"), "bear": ("bore", "borne"),
    "beat": ("beat", "beaten"), "become": ("became", "become"), "begin": ("began", "begun"),
    "bend": ("bent", "bent"), "bet": ("bet", "bet"), "bid": ("bid", "bid"),
    "bind": ("bound", "bound"), "bite": ("bit", "bitten"), "bleed": ("bled", "bled"),
    "blow": ("blew", "blown"), "break": ("broke", "broken"), "bring": ("brought", "brought"),
    "broadcast": ("broadcast", "broadcast"), "build": ("built", "built"),
    "burst": ("burst", "burst"), "buy": ("bought", "bought"), "cast": ("cast", "cast"),
    "catch": ("caught", "caught"), "choose": ("chose", "chosen"), "cling": ("clung", "clung"),
    "come": ("came", "come"), "cost": ("cost", "cost"), "creep": ("crept", "crept"),
    "cut": ("cut", "cut"), "deal": ("dealt", "dealt"), "dig": ("dug", "dug"),
    "do": ("did", "done"), "draw": ("drew", "drawn"), "drink": ("drank", "drunk"),
    "drive": ("drove", "driven"), "eat": ("ate", "eaten"), "fall": ("fell", "fallen"),
    "feed": ("fed", "fed"), "feel": ("felt", "felt"), "fight": ("fought", "fought"),
    "find": ("found", "found"), "flee": ("fled", "fled"), "fly": ("flew", "flown"),
    "forbid": ("forbade", "forbidden"), "forecast": ("forecast", "forecast"),
    "forget": ("forgot", "forgotten"), "forgive": ("forgave", "forgiven"),
    "freeze": ("froze", "frozen"), "get": ("got", "gotten"), "give": ("gave", "given"),
    "go": ("went", "gone"), "grind": ("ground", "ground"), "grow": ("grew", "grown"),
    "hang": ("hung", "hung"), "have": ("had", "had"), "hear": ("heard", "heard"),
    "hide": ("hid", "hidden"), "hit": ("hit", "hit"), "hold": ("held", "held"),
    "hurt": ("hurt", "hurt"), "keep": ("kept", "kept"), "kneel": ("knelt", "knelt"),
    "know": ("knew", "known"), "lay": ("laid", "laid"), "lead": ("led", "led"),
    "leave": ("left", "left"), "lend": ("lent", "lent"), "let": ("let", "let"),
    "lie": ("lay", "lain"), "light": ("lit", "lit"), "lose": ("lost", "lost"),
    "make": ("made", "made"), "mean": ("meant", "meant"), "meet": ("met", "met"),
    "pay": ("paid", "paid"), "prove": ("proved", "proven"), "put": ("put", "put"),
    "quit": ("quit", "quit"), "read": ("read", "read"), "ride": ("rode", "ridden"),
    "ring": ("rang", "rung"), "rise": ("rose", "risen"), "run": ("ran", "run"),
    "say": ("said", "said"), "see": ("saw", "seen"), "seek": ("sought", "sought"),
    "sell": ("sold", "sold"), "send": ("sent", "sent"), "set": ("set", "set"),
    "shake": ("shook", "shaken"), "shed": ("shed", "shed"), "shine": ("shone", "shone"),
    "shoot": ("shot", "shot"), "show": ("showed", "shown"), "shrink": ("shrank", "shrunk"),
    "shut": ("shut", "shut"), "sing": ("sang", "sung"), "sink": ("sank", "sunk"),
    "sit": ("sat", "sat"), "sleep": ("slept", "slept"), "slide": ("slid", "slid"),
    "speak": ("spoke", "spoken"), "spend": ("spent", "spent"), "spin": ("spun", "spun"),
    "split": ("split", "split"), "spread": ("spread", "spread"), "spring": ("sprang", "sprung"),
    "stand": ("stood", "stood"), "steal": ("stole", "stolen"), "stick": ("stuck", "stuck"),
    "sting": ("stung", "stung"), "strike": ("struck", "struck"), "swear": ("swore", "sworn"),
    "sweep": ("swept", "swept"), "swim": ("swam", "swum"), "swing": ("swung", "swung"),
    "take": ("took", "taken"), "teach": ("taught", "taught"), "tear": ("tore", "torn"),
    "tell": ("told", "told"), "think": ("thought", "thought"), "throw": ("threw", "thrown"),
    "understand": ("understood", "understood"), "upset": ("upset", "upset"),
    "wake": ("woke", "woken"), "wear": ("wore", "worn"), "weep": ("wept", "wept"),
    "win": ("won", "won"), "wind": ("wound", "wound"), "withdraw": ("withdrew", "withdrawn"),
    "write": ("wrote", "written"),
}
_VERB_PREFIXES = ("under", "over", "with", "out", "fore", "mis", "re", "up", "be")
# Two-syllable verbs stressed on the last syllable double their final consonant.
_DOUBLE_FINAL = frozenset(
    "admit commit occur refer prefer control regret permit submit omit transfer compel propel "
    "rebel equip expel forget upset begin deter incur patrol acquit infer confer".split()
)

IRREGULAR_PLURALS: dict[str, str] = {
    "child": "children", "person": "people", "foot": "feet", "tooth": "teeth", "mouse": "mice",
    "goose": "geese", "ox": "oxen", "life": "lives", "wife": "wives", "knife": "knives",
    "leaf": "leaves", "half": "halves", "wolf": "wolves", "shelf": "shelves", "thief": "thieves",
    "self": "selves", "loaf": "loaves", "crisis": "crises", "analysis": "analyses",
    "basis": "bases", "thesis": "theses", "criterion": "criteria", "phenomenon": "phenomena",
    "datum": "data", "medium": "media", "sheep": "sheep", "deer": "deer", "fish": "fish",
    "series": "series", "species": "species", "aircraft": "aircraft", "hero": "heroes",
    "potato": "potatoes", "tomato": "tomatoes", "echo": "echoes", "veto": "vetoes",
}
_UNCOUNTABLE = frozenset(
    "information evidence equipment advice news furniture research software knowledge "
    "luggage baggage homework traffic weather music money police staff".split()
)
_NOT_MAN = frozenset("human german roman shaman talisman caiman ottoman".split())

IRREGULAR_ADJECTIVES: dict[str, tuple[str, str]] = {
    "good": ("better", "best"), "well": ("better", "best"), "bad": ("worse", "worst"),
    "ill": ("worse", "worst"), "far": ("farther", "farthest"), "little": ("less", "least"),
    "many": ("more", "most"), "much": ("more", "most"),
}

NUMBER_WORDS: dict[str, str] = {
    "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7",
    "eight": "8", "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "twenty": "20",
    "thirty": "30", "fifty": "50", "hundred": "100",
}
_DIGIT_WORDS = {v: k for k, v in NUMBER_WORDS.items() if len(v) == 1}
# Words that state a quantity or order: content styles leave them alone (numbers are facts).
_QUANTITIES = frozenset(NUMBER_WORDS) | frozenset(
    "zero one eleven thirteen fourteen fifteen sixteen seventeen eighteen nineteen forty sixty "
    "seventy eighty ninety thousand million billion trillion dozen dozens hundreds thousands "
    "millions billions first second third fourth fifth sixth seventh eighth ninth tenth once "
    "twice half quarter percent".split()
)
_MONTHS = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split()
)

# Typical spinner substitutions: literal (possibly multi-word) phrase -> replacements.
PHRASES: dict[str, tuple[str, ...]] = {
    "since": ("considering that", "given that", "because", "ever since"),
    "also": ("likewise", "additionally", "furthermore", "in addition", "too"),
    "but": ("however", "yet", "though"),
    "because": ("due to the fact that", "since", "as", "given that", "considering that"),
    "because of": ("due to", "owing to", "as a result of", "on account of"),
    "about": ("concerning", "regarding", "around", "approximately", "roughly"),
    "said": ("stated", "specified", "mentioned", "noted", "explained", "shared"),
    "says": ("states", "specifies", "mentions", "notes", "explains"),
    "however": ("nevertheless", "nonetheless", "though", "even so"),
    "many": ("numerous", "lots of", "a lot of", "various", "a great deal of"),
    "several": ("a number of", "numerous", "a few", "various"),
    "very": ("extremely", "really", "incredibly", "exceptionally", "highly"),
    "really": ("actually", "truly", "genuinely"),
    "a lot of": ("a great deal of", "a variety of", "numerous", "lots of", "plenty of"),
    "lots of": ("a lot of", "plenty of", "a great deal of"),
    "in order to": ("to", "so as to", "in an effort to"),
    "as well as": ("along with", "in addition to", "together with", "and also"),
    "so": ("therefore", "thus", "so that"),
    "then": ("afterwards", "after that", "later"),
    "now": ("currently", "presently", "today", "right now"),
    "currently": ("presently", "now", "at present"),
    "already": ("currently", "previously", "by now"),
    "before": ("prior to", "ahead of", "previously"),
    "after": ("following", "after that", "later on"),
    "during": ("throughout", "in the course of", "over"),
    "while": ("whilst", "as", "although"),
    "although": ("though", "even though", "despite the fact that"),
    "despite": ("in spite of", "regardless of", "notwithstanding"),
    "among": ("amongst", "amid", "in between"),
    "between": ("in between", "among"),
    "including": ("consisting of", "such as", "containing"),
    "people": ("individuals", "folks", "persons", "people"),
    "country": ("nation", "state"),
    "could": ("might", "can", "may"),
    "should": ("ought to", "need to", "must"),
    "must": ("need to", "have to", "should"),
    "may": ("might", "could", "can"),
    "might": ("may", "could"),
    "whether": ("whether or not", "if"),
    "called": ("referred to as", "known as", "named"),
    "according to": ("based on", "as per", "in accordance with"),
    "next": ("following", "upcoming", "coming"),
    "last": ("previous", "recent", "past"),
    "first": ("very first", "initial", "first-ever"),
    "recently": ("just recently", "lately", "recently"),
    "most": ("the majority of", "many", "a lot of"),
    "often": ("frequently", "typically", "commonly", "regularly"),
    "usually": ("normally", "generally", "typically"),
    "especially": ("specifically", "particularly", "notably"),
    "almost": ("nearly", "practically", "virtually"),
    "around": ("about", "approximately", "roughly", "near"),
    "more than": ("over", "greater than", "upwards of"),
    "less than": ("fewer than", "under", "below"),
    "each": ("every", "each and every"),
    "so that": ("in order that", "so"),
    "such as": ("like", "consisting of", "including"),
    "for example": ("for instance", "as an example"),
    "in addition": ("additionally", "furthermore", "moreover"),
    "as a result": ("consequently", "therefore", "as a consequence"),
    "therefore": ("hence", "thus", "consequently"),
    "still": ("still", "nevertheless", "yet"),
    "other": ("various other", "additional", "different"),
    "until": ("till", "up until", "up to"),
    "within": ("inside", "in"),
    "without": ("lacking", "without"),
    "instead": ("rather", "instead"),
    "instead of": ("rather than", "in place of"),
    "a number of": ("a variety of", "a couple of", "numerous"),
    "few": ("couple of", "handful of", "small number of"),
    "out of": ("from", "away from"),
    "important": ("essential", "crucial", "vital", "crucial"),
    "big": ("huge", "large", "substantial", "massive"),
    "large": ("big", "huge", "substantial", "massive"),
    "small": ("little", "tiny", "minor"),
    "very important": ("extremely essential", "critical"),
    "at least": ("a minimum of", "at the very least"),
    "as well": ("too", "likewise", "also"),
    "because it": ("since it", "as it"),
    "due to": ("because of", "owing to", "thanks to"),
    "a few": ("a couple of", "some", "a handful of"),
    "whole": ("entire", "total"),
    "news": ("news", "reports", "headlines"),
    "officials": ("authorities", "representatives", "officers"),
    "spokesman": ("representative", "agent", "speaker"),
    "spokeswoman": ("representative", "agent", "speaker"),
}

# Verb substitutions by base form; the replacement is inflected like the original.
VERB_PHRASES: dict[str, tuple[str, ...]] = {
    "help": ("assist", "aid", "support"), "use": ("utilize", "make use of", "employ"),
    "try": ("attempt", "try"), "start": ("begin", "commence", "launch"),
    "begin": ("start", "commence"), "need": ("require", "have to"),
    "want": ("desire", "wish", "prefer"), "find": ("discover", "locate", "find out"),
    "give": ("provide", "offer", "supply"), "keep": ("maintain", "preserve", "keep"),
    "seem": ("appear", "look"), "buy": ("purchase", "acquire"),
    "include": ("consist of", "contain"),
    "show": ("reveal", "display", "reveal"), "tell": ("inform", "notify"),
    "get": ("obtain", "acquire", "receive", "get"), "make": ("produce", "create", "make"),
    "end": ("finish", "conclude", "end"), "meet": ("satisfy", "fulfill", "fulfill"),
    "visit": ("see", "check out", "go to"), "discuss": ("go over", "talk about", "review"),
    "announce": ("reveal", "reveal", "declare"), "ask": ("request", "inquire", "ask"),
    "allow": ("enable", "permit", "let"), "happen": ("take place", "occur", "happen"),
    "decide": ("choose", "pick", "decide"), "continue": ("proceed", "keep", "continue"),
    "receive": ("get", "obtain", "receive"), "believe": ("think", "think", "believe"),
    "add": ("include", "include", "add"), "expect": ("anticipate", "expect"),
    "increase": ("boost", "raise", "enhance"), "reduce": ("decrease", "lower", "minimize"),
    "stop": ("halt", "stop", "end"), "leave": ("depart", "exit", "leave"),
    "become": ("end up being", "become"), "remain": ("stay", "stay", "remain"),
    "call": ("require", "call", "call"), "release": ("launch", "release", "release"),
    "seek": ("look for", "look for"), "travel": ("take a trip", "travel"),
    "persuade": ("convince", "encourage"), "say": ("state", "specify", "mention", "state"),
    "report": ("report", "report", "state"), "kill": ("eliminate", "kill", "eliminate"),
}

# Crude, sense-blind swaps of prepositions and conjunctions.
FUNCTION_SWAPS: dict[str, tuple[str, ...]] = {
    "in": ("inside", "within", "into", "at", "in"), "for": ("meant", "for the purpose of",
    "intended for", "throughout"), "as": ("as well", "because", "like", "while"),
    "of": ("off", "out of", "from"), "on": ("upon", "onto", "on top of", "concerning"),
    "to": ("towards", "in order to", "into"), "with": ("together with", "having", "along with"),
    "by": ("through", "past", "via", "by means of"), "at": ("in", "on", "at"),
    "from": ("out of", "coming from", "off"), "after": ("later on", "following", "behind"),
    "before": ("prior to", "earlier than", "ahead of"), "about": ("regarding", "around",
    "approximately", "concerning"), "but": ("however", "yet", "only", "but"),
    "and": ("as well as", "plus", "and also"), "or": ("otherwise", "or else"),
    "that": ("which", "the fact that", "that"), "while": ("whilst", "as", "although"),
    "if": ("whether", "when"), "so": ("therefore", "thus", "extremely"),
    "than": ("compared to", "than"), "since": ("given that", "ever since", "because"),
    "over": ("more than", "above", "throughout", "finished"), "out": ("away", "out of"),
    "up": ("upward", "up-wards"), "under": ("beneath", "below", "listed below"),
    "during": ("throughout", "in", "amidst"), "into": ("right into", "in", "inside"),
    "against": ("versus", "against"), "through": ("via", "throughout", "with"),
    "because": ("since", "due to the fact that"), "when": ("as soon as", "once", "whenever"),
    "until": ("up until", "till"), "although": ("though", "despite the fact that"),
    "without": ("without", "lacking"), "among": ("amongst", "amid"),
    "across": ("throughout", "over"), "near": ("close to", "nearby"),
}

CONTRACTIONS: dict[str, str] = {
    "do not": "don't", "does not": "doesn't", "did not": "didn't", "is not": "isn't",
    "are not": "aren't", "was not": "wasn't", "were not": "weren't", "will not": "won't",
    "cannot": "can't", "could not": "couldn't", "would not": "wouldn't",
    "should not": "shouldn't", "has not": "hasn't", "have not": "haven't", "had not": "hadn't",
    "it is": "it's", "that is": "that's", "there is": "there's", "they are": "they're",
    "we are": "we're", "i am": "i'm", "we have": "we've", "they have": "they've",
    "we will": "we'll", "they will": "they'll", "you are": "you're",
}
_EXPANSIONS = {v: k for k, v in CONTRACTIONS.items()}

_FILLER_AUX = frozenset(
    "is are was were has have had will would can could should may might must be been".split()
)
_PERFECT_AUX = frozenset(
    "has have had having been be is are was were being get gets got getting".split()
)
_HAVE = frozenset("has have had having".split())
_MODAL_TO = frozenset("to will would can could should may might must".split())
_FILLER_LIST = tuple(sorted(FILLERS))
_FUNCTION_WORDS = (STOPWORDS | closed_class_words()) - {"said"}
_UNSWAPPABLE = CLOSED_CLASSES["aux"] | CLOSED_CLASSES["pron"] | CLOSED_CLASSES["det"] | {
    "not", "n't", "'s", "there", "to", "of", "the", "a", "an"}
_NOT_CANDIDATES = _UNSWAPPABLE | _QUANTITIES | {"do", "get", "make", "go"}
_PLAIN_ADJ_ER = ("y", "ow", "le", "er")
_SAY_VERBS = "said|says|stated|states|added|noted|told reporters"

_WORD = re.compile(
    r"([A-Za-z]+(?:['’][A-Za-z]+)*(?:-[A-Za-z]+(?:['’][A-Za-z]+)*)*|\d+(?:[.,:]\d+)*)"
)
_POSSESSIVE = re.compile(r"^(.*[A-Za-z])(['’]s|['’])$")
_PARA_SPLIT = re.compile(r"(\n\s*\n)")
_START_GAP = re.compile(r"[“\"(:\n]\s*$|^\s*[“\"(]")
_QUOTE_CHARS = "\"“”"


# --------------------------------------------------------------------------------------------
# Inflection
# --------------------------------------------------------------------------------------------

_LEX_VERBS: dict[str, tuple[str, str]] = {}
_LEX_ADJS: dict[str, tuple[str, str]] = {}


def _learn_irregulars(lexicon: Lexicon) -> None:
    """Fill the irregular verb and adjective tables from WordNet's exception lists, once."""
    if _LEX_VERBS:
        return
    verbs: dict[str, list[str]] = {}
    for form, bases in lexicon.exceptions.get("v", {}).items():
        for base in bases:
            verbs.setdefault(base, []).append(form)
    for base, forms in verbs.items():
        pasts = sorted(f for f in forms if f.endswith("ed"))
        odd = sorted(f for f in forms if not f.endswith(("ed", "ing", "s")))
        if pasts:
            _LEX_VERBS[base] = (pasts[0], pasts[0])
        elif len(odd) == 1:
            _LEX_VERBS[base] = (odd[0], odd[0])
        elif len(odd) >= 2:
            pps = [f for f in odd if f.endswith("n") or "u" in f]
            pp = pps[0] if pps else odd[-1]
            past = next((f for f in odd if f != pp), pp)
            _LEX_VERBS[base] = (past, pp)
    adjs: dict[str, list[str]] = {}
    for form, bases in lexicon.exceptions.get("a", {}).items():
        for base in bases:
            adjs.setdefault(base, []).append(form)
    for base, forms in adjs.items():
        er = [f for f in forms if f.endswith("er")]
        est = [f for f in forms if f.endswith("est")]
        if er and est:
            _LEX_ADJS[base] = (er[0], est[0])


def _syllables(word: str) -> int:
    groups = re.findall(r"[aeiouy]+", word)
    n = len(groups)
    if word.endswith("e") and not word.endswith(("le", "ee")) and n > 1:
        n -= 1
    return max(n, 1)


def _doubles(word: str) -> bool:
    """True when a suffix doubles the final consonant (stop -> stopped, admit -> admitted)."""
    if word in _DOUBLE_FINAL:
        return True
    return bool(re.fullmatch(r"[^aeiou]*[aeiou][bdfgklmnprtvz]", word)) and _syllables(word) == 1


def _plural(noun: str) -> str:
    if noun in IRREGULAR_PLURALS:
        return IRREGULAR_PLURALS[noun]
    if noun in _UNCOUNTABLE or noun.endswith(("ness", "ics")):
        return noun
    if noun.endswith("man") and noun not in _NOT_MAN:
        return noun[:-3] + "men"
    if noun.endswith(("s", "x", "z", "ch", "sh")):
        return noun + "es"
    if len(noun) > 1 and noun.endswith("y") and noun[-2] not in "aeiou":
        return noun[:-1] + "ies"
    return noun + "s"


def _third_person(verb: str) -> str:
    special = {"be": "is", "have": "has", "do": "does", "go": "goes"}
    if verb in special:
        return special[verb]
    if verb.endswith(("s", "x", "z", "ch", "sh", "o")):
        return verb + "es"
    if len(verb) > 1 and verb.endswith("y") and verb[-2] not in "aeiou":
        return verb[:-1] + "ies"
    return verb + "s"


def _irregular(verb: str) -> tuple[str, str] | None:
    if verb in IRREGULAR_VERBS:
        return IRREGULAR_VERBS[verb]
    for prefix in _VERB_PREFIXES:
        tail = verb[len(prefix):]
        if verb.startswith(prefix) and tail in IRREGULAR_VERBS and len(tail) > 2:
            past, pp = IRREGULAR_VERBS[tail]
            return prefix + past, prefix + pp
    return _LEX_VERBS.get(verb)


def _past(verb: str, participle: bool) -> str:
    irregular = _irregular(verb)
    if irregular:
        return irregular[1] if participle else irregular[0]
    if verb.endswith("e"):
        return verb + "d"
    if len(verb) > 1 and verb.endswith("y") and verb[-2] not in "aeiou":
        return verb[:-1] + "ied"
    if verb.endswith("c"):
        return verb + "ked"
    if _doubles(verb):
        return verb + verb[-1] + "ed"
    return verb + "ed"


def _gerund(verb: str) -> str:
    if verb == "be":
        return "being"
    if verb.endswith("ie"):
        return verb[:-2] + "ying"
    if verb.endswith("e") and not verb.endswith(("ee", "ye", "oe")) and len(verb) > 2:
        return verb[:-1] + "ing"
    if verb.endswith("c"):
        return verb + "king"
    if _doubles(verb):
        return verb + verb[-1] + "ing"
    return verb + "ing"


def _compare(adj: str, form: str) -> str:
    index = 0 if form == "er" else 1
    if adj in IRREGULAR_ADJECTIVES:
        return IRREGULAR_ADJECTIVES[adj][index]
    if adj in _LEX_ADJS:
        return _LEX_ADJS[adj][index]
    suffix = "er" if form == "er" else "est"
    syllables = _syllables(adj)
    if syllables == 1 or (syllables == 2 and adj.endswith(_PLAIN_ADJ_ER)):
        if adj.endswith("e"):
            return adj + suffix[1:]
        if len(adj) > 1 and adj.endswith("y") and adj[-2] not in "aeiou":
            return adj[:-1] + "i" + suffix
        if syllables == 1 and re.fullmatch(r"[^aeiou]*[aeiou][bdgmnpt]", adj):
            return adj + adj[-1] + suffix
        return adj + suffix
    return ("more " if form == "er" else "most ") + adj


def inflect(base: str, pos: str, form: str) -> str:
    """Put `base` into `form` (base, pl, 3sg, past, pp, ing, er, est) for part of speech `pos`."""
    if form == "base" or not base:
        return base
    words = base.split(" ")
    if len(words) > 1:
        if pos == "v":
            return " ".join([inflect(words[0], pos, form), *words[1:]])
        if pos == "n":
            return " ".join([*words[:-1], inflect(words[-1], pos, form)])
        if pos == "a":
            return ("more " if form == "er" else "most ") + base
        return base
    if pos == "n" or (pos == "v" and form == "pl"):
        return _plural(base)
    if pos == "v":
        if form == "3sg":
            return _third_person(base)
        if form == "ing":
            return _gerund(base)
        return _past(base, form == "pp")
    if pos == "a" and form in ("er", "est"):
        return _compare(base, form)
    return base


def word_form(word: str, pos: str, base: str) -> str:
    """The inflection of `word` relative to its base form `base` in part of speech `pos`."""
    word = word.lower()
    if word == base:
        return "base"
    if pos == "n":
        return "pl"
    if pos == "v":
        if word.endswith("ing"):
            return "ing"
        if word in ("has", "is", "does") or (
            word.endswith("s") and word in (base + "s", base + "es", base[:-1] + "ies")
        ):
            return "3sg"
        irregular = _irregular(base)
        if irregular and irregular[1] == word and irregular[0] != word:
            return "pp"
        return "past"
    if pos == "a":
        if word.endswith("st"):
            return "est"
        return "er"
    return "base"


def _context_form(pos: str, form: str, prev: str) -> str:
    """Refine a verb form by the word before it: "has tried" and "has cost" are participles."""
    if pos == "v" and (
        (form == "past" and prev in _PERFECT_AUX) or (form == "base" and prev in _HAVE)
    ):
        return "pp"
    return form


def _guess_form(word: str) -> tuple[str, str]:
    """Part of speech and form of an unknown word from its suffix alone."""
    if word.endswith("ing"):
        return "v", "ing"
    if word.endswith("ed"):
        return "v", "past"
    if word.endswith("s") and not word.endswith("ss"):
        return "n", "pl"
    return "n", "base"


def match_case(original: str, replacement: str) -> str:
    """Give `replacement` the capitalisation of `original` (lower, Title or UPPER)."""
    if not replacement or not original:
        return replacement
    if original.isupper() and len(original) > 1:
        return replacement.upper()
    if original[0].isupper():
        return replacement[0].upper() + replacement[1:]
    return replacement


def inflect_like(
    base: str, original: str, *, pos: str | None = None, prev: str = "",
    lexicon: Lexicon | None = None,
) -> str:
    """Inflect `base` the way `original` is inflected: inflect_like("state", "said") == "stated"."""
    res = _resources(lexicon)
    low = original.lower()
    options = [a for a in res.analyses(low) if pos is None or a[0] == pos]
    if options:
        # Prefer readings the new word can take ("child" is a noun: documents -> children).
        low_base = base.lower()
        base_pos = {a[0] for a in res.analyses(low_base) if a[1] == low_base} or {
            a[0] for a in res.analyses(low_base.split(" ")[-1])}
        options.sort(key=lambda a: (a[0] not in base_pos, a[2] == "base"))
        chosen = options[0]
        p, form = chosen[0], chosen[2]
    else:
        p, form = _guess_form(low)
        p = pos or p
    return match_case(original, inflect(base.lower(), p, _context_form(p, form, prev.lower())))


# --------------------------------------------------------------------------------------------
# Corpus statistics and the distributional thesaurus
# --------------------------------------------------------------------------------------------

_CORPUS_TOKEN = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*|\d+|[^\sA-Za-z\d]")


@dataclass
class _Corpus:
    """Word counts of the originals corpus and a lazily built distributional thesaurus."""

    docs: list[list[str]]
    freq: Counter
    proper: frozenset[str]
    neighbours: dict[str, tuple[str, ...]] | None = None


_CORPORA: dict[Path, _Corpus] = {}


def _corpus(directory: Path | None = None) -> _Corpus:
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
    proper = frozenset(w for w, n in caps.items() if n >= 2 and w not in freq)
    _CORPORA[directory] = corpus = _Corpus(docs, freq, proper)
    return corpus


def _context_word(tok: str) -> str:
    if tok[0].isdigit():
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


# --------------------------------------------------------------------------------------------
# Per-lexicon caches of analyses and candidates
# --------------------------------------------------------------------------------------------

Analysis = tuple[str, str, str]  # (pos, base, form)


class _Resources:
    """Cached analyses and replacement candidates for one lexicon (warm after a few texts)."""

    def __init__(self, lexicon: Lexicon) -> None:
        self.lex = lexicon
        _learn_irregulars(lexicon)
        self.corpus = _corpus()
        self._analyses: dict[str, tuple[Analysis, ...]] = {}
        self._syns: dict[tuple[str, str], tuple[str, ...]] = {}
        self._options: dict[str, tuple[tuple[str, str, tuple[str, ...]], ...]] = {}
        self._two_hop: dict[tuple[str, str], tuple[str, ...]] = {}
        self._neighbours: dict[str, tuple[str, ...]] = {}
        self._function: dict[str, tuple[str, ...]] = {}
        self._known: dict[str, bool] = {}

    def analyses(self, word: str) -> tuple[Analysis, ...]:
        """(pos, base, form) readings of a lower-case word, sense-blind."""
        found = self._analyses.get(word)
        if found is None:
            lemmas = self.lex.lemmas(word)
            found = tuple(
                (pos, base, word_form(word, pos, base))
                for pos in ("v", "n", "a", "r") for base in sorted(lemmas.get(pos, ()))
            )
            self._analyses[word] = found
        return found

    def known(self, word: str) -> bool:
        """True when a lower-case word is an English word we could swap (not likely a name)."""
        found = self._known.get(word)
        if found is None:
            found = bool(self.analyses(word)) or word in _FUNCTION_WORDS or word in PHRASES
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
                    if name in _NOT_CANDIDATES or base in name.split(" "):
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
                if other in _FUNCTION_WORDS or other in corpus.proper:
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


_RESOURCES: dict[int, tuple[Lexicon, _Resources]] = {}


def _resources(lexicon: Lexicon | None) -> _Resources:
    lexicon = lexicon or load_lexicon()
    entry = _RESOURCES.get(id(lexicon))
    if entry is None or entry[0] is not lexicon:
        entry = _RESOURCES[id(lexicon)] = (lexicon, _Resources(lexicon))
    return entry[1]


# --------------------------------------------------------------------------------------------
# Text structure: paragraphs -> sentences -> words and gaps
# --------------------------------------------------------------------------------------------


@dataclass
class _Sentence:
    """A sentence as alternating gaps and words (`parts[2k + 1]` is word k) plus word flags."""

    parts: list[str]
    sep: str
    quoted: list[bool] = field(default_factory=list)
    starts: list[bool] = field(default_factory=list)
    names: list[bool] = field(default_factory=list)
    done: list[bool] = field(default_factory=list)
    style: str = ""
    edits: list[tuple[int, str, str]] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.parts) // 2

    def word(self, k: int) -> str:
        return self.parts[2 * k + 1]

    def text(self) -> str:
        return "".join(self.parts)


@dataclass
class _Paragraph:
    lead: str
    sentences: list[_Sentence]
    spin: bool = True


def _sentence_spans(paragraph: str) -> tuple[str, list[tuple[str, str]]]:
    """Leading whitespace and (sentence, following separator) pairs that rebuild `paragraph`."""
    sentences = split_sentences(paragraph)
    starts, pos = [], 0
    for sent in sentences:
        i = paragraph.find(sent, pos)
        if i < 0:
            return "", [(paragraph, "")]
        starts.append(i)
        pos = i + len(sent)
    if not sentences:
        return paragraph, []
    out = []
    for j, (sent, i) in enumerate(zip(sentences, starts, strict=True)):
        end = starts[j + 1] if j + 1 < len(starts) else len(paragraph)
        out.append((sent, paragraph[i + len(sent):end]))
    return paragraph[: starts[0]], out


def _quote_state(gap: str, inside: bool) -> bool:
    for ch in gap:
        if ch == '"':
            inside = not inside
        elif ch == "“":
            inside = True
        elif ch == "”":
            inside = False
    return inside


def _parse(text: str) -> tuple[list[str], list[_Paragraph], set[str]]:
    """Split text into blank-line separators and paragraphs, and collect mid-sentence capitals."""
    chunks = _PARA_SPLIT.split(text)
    paragraphs: list[_Paragraph] = []
    caps: set[str] = set()
    for chunk in chunks[::2]:
        lead, spans = _sentence_spans(chunk)
        inside = _quote_state(lead, False)
        sentences = []
        for sent_text, sep in spans:
            parts = _WORD.split(sent_text)
            sent = _Sentence(parts, sep)
            for k in range(len(parts) // 2):
                gap, word = parts[2 * k], parts[2 * k + 1]
                if gap == " " and k:
                    start = False
                else:
                    inside = _quote_state(gap, inside)
                    start = k == 0 or bool(_START_GAP.search(gap))
                sent.quoted.append(inside)
                sent.starts.append(start)
                if not start and word[0].isupper():
                    caps.add(word)
            inside = _quote_state(parts[-1] + sep, inside)
            sentences.append(sent)
        paragraphs.append(_Paragraph(lead, sentences))
    return chunks[1::2], paragraphs, caps


def _is_name(word: str, start: bool, caps: set[str], res: _Resources) -> bool:
    """Capitalised mid-sentence, all-caps, camel-case, or a capitalised start we cannot read."""
    rest = word[1:]
    if rest != rest.lower():
        return True
    if not word[0].isupper():
        return False
    if not start or word == "I":
        return True
    stem = _POSSESSIVE.sub(r"\1", word)
    return stem in caps or word in caps or not res.known(stem.lower())


def _name_at(sent: _Sentence, k: int, caps: set[str], res: _Resources) -> bool:
    """Whether word k is (part of) a name; a capitalised start before a name is a title."""
    word = sent.parts[2 * k + 1]
    if not word[0].isalpha():
        return False
    if word[0].islower():
        return word[1:] != word[1:].lower()
    if _is_name(word, sent.starts[k], caps, res):
        return True
    return (word[0].isupper() and k + 1 < sent.n and sent.parts[2 * k + 2] == " "
            and sent.word(k + 1)[0].isupper())


def _render(separators: list[str], paragraphs: list[_Paragraph]) -> str:
    out: list[str] = []
    for i, para in enumerate(paragraphs):
        if i:
            out.append(separators[i - 1])
        out.append(para.lead)
        out.extend(s.text() + s.sep for s in para.sentences)
    return "".join(out)


# --------------------------------------------------------------------------------------------
# The spinning engine
# --------------------------------------------------------------------------------------------

STYLES: tuple[str, ...] = (
    "wordnet", "thesaurus", "phrase", "function_blind", "backtranslate", "heavy", "mixed",
)
_BASE_STYLES = STYLES[:-1]


@dataclass(frozen=True)
class SpinResult:
    """A spun text with its realised swaps (original, replacement), style, rate and share spun."""

    text: str
    swaps: list[tuple[str, str]]
    style: str
    rate: float
    share: float = 1.0


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


class _Run:
    """One spin of one text: the random settings drawn for it, its caches and its edits."""

    def __init__(self, res: _Resources, rng: random.Random, rate: float) -> None:
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
        self.proposers: dict[str, tuple[Callable[[_Sentence, int], int], ...]] = {
            "wordnet": (self.content_wordnet,),
            "thesaurus": (self.content_thesaurus,),
            "phrase": (self.phrase_table, self.filler, self.content_wordnet),
            "function_blind": (self.function_swap, self.content_wordnet),
            "backtranslate": (self.contraction, self.article, self.content_backtranslate),
            "heavy": (self.content_heavy,),
        }

    # ---- shared helpers ------------------------------------------------------------------

    def replace(self, sent: _Sentence, k: int, n: int, new: str) -> None:
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

    def eligible(self, sent: _Sentence, k: int) -> str | None:
        """The lower-case stem of word k when a content style may swap it, else None."""
        if sent.done[k] or sent.names[k]:
            return None
        word = sent.word(k)
        if not word[:1].isalpha():
            return None
        low = word.lower()
        if "'" in low or "’" in low:
            m = _POSSESSIVE.match(low)
            if not m or m.group(1) in _FUNCTION_WORDS:
                return None
            low = m.group(1)
        if len(low) < 2 or low in _UNSWAPPABLE or low in _QUANTITIES:
            return None
        return low

    def chance(self, sent: _Sentence, k: int, p: float) -> bool:
        if sent.quoted[k]:
            p *= self.quote_factor
        return self.rng.random() < p

    def content_p(self, low: str) -> float:
        return self.rate * self.stop_factor if low in _FUNCTION_WORDS else self.rate

    def pick(self, candidates: tuple[str, ...] | list[str], alpha: float | None = None) -> str:
        """One candidate, favouring single words and (by `alpha`) words common in news."""
        alpha = self.alpha if alpha is None else alpha
        freq = self.res.corpus.freq
        weights = [
            (1.0 if " " in c else self.single_pref) * (freq.get(c, 0) + 0.5) ** alpha
            for c in candidates
        ]
        return self.rng.choices(candidates, weights)[0]

    def put(self, sent: _Sentence, k: int, low: str, new: str | None) -> int:
        """Write a single-word replacement, keeping a possessive ending and the memo."""
        if not new or new == low:
            return 0
        if self.consistent:
            new = self.memo.setdefault(low, new)
        word = sent.word(k)
        m = _POSSESSIVE.match(word)
        if m and m.group(1).lower() == low:
            ending = m.group(2)
            if new.endswith("s") and not low.endswith("s"):
                ending = ending[:1]  # children's -> kids'
            new = new + ending
        self.replace(sent, k, 1, new)
        return 1

    def prev_word(self, sent: _Sentence, k: int) -> str:
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
        return inflect(self.pick(syns, alpha), p, _context_form(p, form, prev))

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
        return inflect(self.pick(self.res.two_hop(b, p)), p, _context_form(p, form, prev))

    def main_pos(self, sent: _Sentence, k: int, low: str) -> str | None:
        """A guess at the word's part of speech from its suffix, neighbours and WordNet."""
        analyses = self.res.options(low)
        if not analyses:
            return None
        poses = [a[0] for a in analyses]
        prev = self.prev_word(sent, k)
        if "v" in poses and (low.endswith(("ing", "ed")) or prev in _MODAL_TO):
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

    def content_wordnet(self, sent: _Sentence, k: int) -> int:
        low = self.eligible(sent, k)
        if low is None or not self.res.options(low):
            return 0
        if not self.chance(sent, k, self.content_p(low)):
            return 0
        return self.put(sent, k, low, self.wordnet_choice(low, self.prev_word(sent, k)))

    def content_thesaurus(self, sent: _Sentence, k: int) -> int:
        low = self.eligible(sent, k)
        if low is None or low in _FUNCTION_WORDS or not self.res.options(low):
            return 0
        if not self.chance(sent, k, self.rate):
            return 0
        prev = self.prev_word(sent, k)
        new = self.odd_choice(low, prev) if self.rng.random() < 0.8 else None
        return self.put(sent, k, low, new or self.wordnet_choice(low, prev))

    def content_heavy(self, sent: _Sentence, k: int) -> int:
        low = self.eligible(sent, k)
        if low is None or low in _FUNCTION_WORDS or not self.res.options(low):
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

    def content_backtranslate(self, sent: _Sentence, k: int) -> int:
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

    def match(self, sent: _Sentence, k: int, index: dict) -> tuple[int, tuple[str, ...]] | None:
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

    def phrase_table(self, sent: _Sentence, k: int) -> int:
        if sent.done[k] or sent.names[k]:
            return 0
        word = sent.word(k)
        low = word.lower()
        if word.isdigit() and low in _DIGIT_WORDS:
            gap_before = sent.parts[2 * k]
            gap_after = sent.parts[2 * k + 2]
            prev = self.prev_word(sent, k)
            if (gap_after[:1] in ("", " ") and gap_before[-1:] in (" ", "")
                    and prev not in _MONTHS and not (k and sent.word(k - 1)[:1].isupper())
                    and self.chance(sent, k, self.rate)):
                self.replace(sent, k, 1, _DIGIT_WORDS[low])
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
            form = _context_form("v", form, self.prev_word(sent, k))
            new = inflect(self.rng.choice(VERB_PHRASES[base]), "v", form)
            return self.put(sent, k, low, new)
        return 0

    def filler(self, sent: _Sentence, k: int) -> int:
        low = sent.word(k).lower()
        if low not in _FILLER_AUX or sent.done[k] or k + 1 >= sent.n:
            return 0
        nxt = sent.word(k + 1)
        if sent.parts[2 * k + 2] != " " or not nxt.isalpha() or not nxt.islower():
            return 0
        if nxt in FILLERS or (nxt in _FUNCTION_WORDS and nxt not in ("been", "be", "not")):
            return 0
        if not self.chance(sent, k, self.rate * self.filler_rate):
            return 0
        fill = "actually" if self.rng.random() < 0.35 else self.rng.choice(_FILLER_LIST)
        self.replace(sent, k, 1, f"{sent.word(k)} {fill}")
        return 1

    def function_swap(self, sent: _Sentence, k: int) -> int:
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

    def choose_forced(self, sent: _Sentence) -> None:
        """Pick the function word a crude spinner swaps in nearly every sentence."""
        spots = [k for k in range(sent.n) if sent.word(k).lower() in FUNCTION_SWAPS
                 and not sent.quoted[k] and not sent.names[k]]
        self.forced = self.rng.choice(spots) if spots and self.rng.random() < 0.9 else -1

    def contraction(self, sent: _Sentence, k: int) -> int:
        if sent.done[k] or sent.names[k]:
            return 0
        low = sent.word(k).lower().replace("’", "'")
        if low in _EXPANSIONS:
            if self.chance(sent, k, 0.3 + 0.5 * self.rate):
                self.replace(sent, k, 1, _EXPANSIONS[low])
                return 1
            return 0
        found = self.match(sent, k, _CONTRACT_INDEX)
        if found and self.chance(sent, k, 0.3 * self.rate):
            n, values = found
            self.replace(sent, k, n, values[0].replace("'", self.apostrophe))
            return n
        return 0

    def article(self, sent: _Sentence, k: int) -> int:
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
            if (not plural and not nxt.endswith("est") and nxt not in _THE_ONLY
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

    def word_pass(self, sent: _Sentence, style: str) -> None:
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

    def fix_articles(self, sent: _Sentence) -> None:
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


_THE_ONLY = frozenset("first last same only next whole other entire rest".split())


def _vowel_sound(word: str) -> bool:
    low = word.lower()
    if low.startswith(("uni", "use", "usu", "one", "eu", "ur")):
        return False
    if low.startswith(("hour", "honest", "honor", "heir")):
        return True
    return low[:1] in ("a", "e", "i", "o", "u")


# --------------------------------------------------------------------------------------------
# Sentence-level rewrites of the machine-translation round trip
# --------------------------------------------------------------------------------------------

_LEADING_PP = re.compile(
    r"^(?P<pp>(?:In|On|At|During|After|Before|Since|Throughout|Last|Earlier|Later|By|Under|"
    r"Despite|Amid|Following|Over|Within)\b[^,;:“”\"]{1,45}), (?P<rest>[^“”\"]+?)(?P<end>[.!?])$"
)
_TRAILING_PP = re.compile(
    r"^(?P<rest>[^“”\"]{20,}?) (?P<pp>(?:on|in|at|during|since|after|before|last|this|next) "
    r"(?:the )?(?:[A-Z][\w’']*|\d[\d,]*)(?: (?:[A-Z][\w’']*|\d[\d,]*)){0,2})(?P<end>[.!?])$"
)
_SAID_AFTER = re.compile(
    rf"^(?P<pre>.*[,”\"] )(?P<verb>{_SAY_VERBS}) (?P<who>[^,.;“”\"]{{3,60}}?)(?P<end>[.!?])$"
)
_SAID_BEFORE = re.compile(
    rf"^(?P<pre>.*[,”\"]) (?P<who>[A-Z][^,.;“”\"]{{2,60}}?) (?P<verb>{_SAY_VERBS})(?P<end>[.!?])$"
)
_CONJUNCTS = re.compile(
    r"(?<!, )(?<![\w’'-])\b([a-z]{3,}|[A-Z][a-z]{2,}) and ([a-z]{3,}|[A-Z][a-z]{2,})\b(?!,? and)"
)


# "X and Y" is swapped only where both are whole phrases: after a determiner or preposition and
# before punctuation or a function word ("of bread and milk rose" stays put, "rising costs" too).
_NP_BEFORE = re.compile(r"(?:^|\b(?:the|a|an|of|in|on|at|for|to|with|by|from|and|his|her|its|"
                        r"their|our|both|between|about|over) )$", re.IGNORECASE)
_NP_AFTER = re.compile(r"(?:[,.;:!?)]|\s+(?:the|a|an|of|in|on|at|for|to|with|by|from|that|which|"
                       r"who|were|was|are|is|have|has|had|will|would|said|last|this|next)\b)")


def _changed_span(old: str, new: str) -> tuple[str, str]:
    """The differing middle of two versions of a sentence, widened to whole words."""
    start = 0
    while start < min(len(old), len(new)) and old[start] == new[start]:
        start += 1
    end = 0
    while end < min(len(old), len(new)) - start and old[-1 - end] == new[-1 - end]:
        end += 1
    while start > 0 and old[start - 1].isalnum():
        start -= 1
    while end > 0 and old[len(old) - end].isalnum():
        end -= 1
    return old[start: len(old) - end].strip(), new[start: len(new) - end].strip()


class _Restructure:
    """Reordering, splitting and merging of sentences after the word pass (backtranslate)."""

    def __init__(self, run: _Run) -> None:
        self.run = run

    def lower_first(self, text: str) -> str:
        m = re.match(r"[A-Za-z]+", text)
        if not m:
            return text
        word = m.group()
        if _is_name(word, True, self.run.caps, self.run.res):
            return text
        return word.lower() + text[len(word):]

    def reorder(self, text: str) -> tuple[str, str] | None:
        """One local reordering of a sentence: PP moves, said-X swaps or conjunct swaps."""
        rng = self.run.rng
        tries = [self.leading_pp, self.trailing_pp, self.said_swap, self.conjuncts]
        rng.shuffle(tries)
        for attempt in tries:
            out = attempt(text)
            if out and out != text:
                return out, attempt.__name__
        return None

    def leading_pp(self, text: str) -> str | None:
        m = _LEADING_PP.match(text)
        if not m or len(m.group("pp").split()) > 6:
            return None
        pp = self.lower_first(m.group("pp"))
        rest = m.group("rest")
        return rest[0].upper() + rest[1:] + " " + pp + m.group("end")

    def trailing_pp(self, text: str) -> str | None:
        m = _TRAILING_PP.match(text)
        if not m or "," in m.group("rest")[-3:]:
            return None
        pp = m.group("pp")
        return pp[0].upper() + pp[1:] + ", " + self.lower_first(m.group("rest")) + m.group("end")

    def said_swap(self, text: str) -> str | None:
        m = _SAID_AFTER.match(text)
        if m and len(m.group("who").split()) <= 5:
            return f"{m.group('pre')}{m.group('who')} {m.group('verb')}{m.group('end')}"
        m = _SAID_BEFORE.match(text)
        if m and len(m.group("who").split()) <= 5:
            return f"{m.group('pre')} {m.group('verb')} {m.group('who')}{m.group('end')}"
        return None

    def conjuncts(self, text: str) -> str | None:
        spots = [m for m in _CONJUNCTS.finditer(text)
                 if m.group(1)[0].isupper() == m.group(2)[0].isupper()
                 and m.group(1).lower() not in _FUNCTION_WORDS
                 and m.group(2).lower() not in _FUNCTION_WORDS and m.start() > 0
                 and _NP_BEFORE.search(text[: m.start()]) and _NP_AFTER.match(text[m.end():])]
        if not spots:
            return None
        m = self.run.rng.choice(spots)
        return text[: m.start()] + f"{m.group(2)} and {m.group(1)}" + text[m.end():]

    def apply(self, para: _Paragraph) -> None:
        """Rewrite the backtranslate sentences of a paragraph in place (never across paragraphs)."""
        run, rng = self.run, self.run.rng
        items: list[list] = []  # [text, sep, style, edits]
        for sent in para.sentences:
            items.append([sent.text(), sent.sep, sent.style, [(a, b) for _, a, b in sent.edits]])
        out: list[list] = []
        i = 0
        while i < len(items):
            text, sep, style, edits = items[i]
            if style != "backtranslate" or not para.spin:
                out.append(items[i])
                i += 1
                continue
            if rng.random() < run.struct_rate:
                done = self.reorder(text)
                if done:
                    edits.append(_changed_span(text, done[0]))
                    text = done[0]
            nxt = items[i + 1] if i + 1 < len(items) else None
            if (nxt and nxt[2] == "backtranslate" and sep == " " and self.mergeable(text, nxt[0])
                    and rng.random() < run.struct_rate * 0.7):
                merged = text[:-1] + ", and " + self.lower_first(nxt[0])
                edits.append((text[-1:] + " " + nxt[0].split(" ")[0], ", and"))
                out.append([merged, nxt[1], style, edits + nxt[3]])
                i += 2
                continue
            split = self.split(text) if rng.random() < run.struct_rate * 0.7 else None
            if split:
                edits.append((split[2], "."))
                out.append([split[0], " ", style, edits])
                out.append([split[1], sep, style, []])
            else:
                out.append([text, sep, style, edits])
            i += 1
        para.sentences = [
            _Sentence(["", text], sep, style=style, edits=[(0, a, b) for a, b in edits])
            if edits else _Sentence(["", text], sep, style=style)
            for text, sep, style, edits in out
        ]

    @staticmethod
    def mergeable(a: str, b: str) -> bool:
        if any(c in a + b for c in _QUOTE_CHARS) or not a.endswith(".") or len(a) < 3:
            return False
        return a[-2].islower() and len(a.split()) <= 14 and len(b.split()) <= 14

    def split(self, text: str) -> tuple[str, str, str] | None:
        if any(c in text for c in _QUOTE_CHARS):
            return None
        for marker in (", and ", "; ", ", but "):
            i = text.find(marker)
            if i < 0:
                continue
            left, right = text[:i], text[i + len(marker):]
            if len(left.split()) >= 6 and len(right.split()) >= 6 and right[:1].isalpha():
                if marker == ", but ":
                    right = "But " + right
                return left + ".", right[0].upper() + right[1:], marker.strip()
        return None


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------


def _check(style: str, rate: float) -> None:
    if style not in STYLES:
        raise ValueError(f"unknown spinner style {style!r}; choose one of {', '.join(STYLES)}")
    if not 0.0 <= rate <= 1.0:
        raise ValueError(f"rate must be between 0 and 1, got {rate}")


def _spin(text: str, style: str, rate: float, rng: random.Random, lexicon: Lexicon | None,
          share: float | None) -> SpinResult:
    res = _resources(lexicon)
    run = _Run(res, rng, rate)
    separators, paragraphs, caps = _parse(text)
    run.caps = caps
    if text.count("’") > text.count("'"):
        run.apostrophe = "’"
    real = [i for i, p in enumerate(paragraphs) if p.sentences]
    if share is not None and real:
        n = max(1, round(share * len(real)))
        if len(real) > 1:
            n = min(n, len(real) - 1)
        chosen = set(rng.sample(real, n))
        for i, para in enumerate(paragraphs):
            para.spin = i in chosen
    restructure = _Restructure(run)
    swaps: list[tuple[str, str]] = []
    for para in paragraphs:
        if not para.spin:
            continue
        for sent in para.sentences:
            sent.names = [_name_at(sent, k, caps, res) for k in range(sent.n)]
            sent.done = [False] * sent.n
            sent.style = rng.choice(_BASE_STYLES) if style == "mixed" else style
            run.word_pass(sent, sent.style)
            sent.edits.sort(key=lambda e: e[0])
        if any(s.style == "backtranslate" for s in para.sentences):
            restructure.apply(para)
        for sent in para.sentences:
            swaps.extend((old, new) for _, old, new in sent.edits)
    return SpinResult(_render(separators, paragraphs), swaps, style, rate,
                      1.0 if share is None else share)


def spin(text: str, *, style: str, rate: float, seed: int,
         lexicon: Lexicon | None = None) -> SpinResult:
    """Spin `text` with one style at roughly `rate` share of eligible words swapped.

    Deterministic for a seed: the same text, style, rate and seed give the same result."""
    _check(style, rate)
    return _spin(text, style, rate, random.Random(f"{style}:{seed}"), lexicon, None)


def spin_partial(text: str, *, style: str, rate: float, seed: int, share: float,
                 lexicon: Lexicon | None = None) -> SpinResult:
    """Spin only a random `share` of the paragraphs, leaving the rest verbatim."""
    _check(style, rate)
    if not 0.0 < share <= 1.0:
        raise ValueError(f"share must be in (0, 1], got {share}")
    return _spin(text, style, rate, random.Random(f"{style}:{seed}"), lexicon, share)


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in _PARA_SPLIT.split(text)[::2] if p.strip()]


STITCH_MODES = ("concat", "interleave", "insert")


def stitch(a: str, b: str, *, seed: int, mode: str | None = None) -> str:
    """A suspect stitched from two (already spun) sources.

    Some paragraphs of a, then some of b (`concat`), both interleaved, or a block of b inside a."""
    rng = random.Random(seed)
    pa, pb = _paragraphs(a), _paragraphs(b)
    if not pa or not pb:
        return "\n\n".join(pa or pb)
    mode = mode or rng.choice(STITCH_MODES)
    if mode not in STITCH_MODES:
        raise ValueError(f"unknown stitch mode {mode!r}; choose one of {', '.join(STITCH_MODES)}")
    if mode == "concat":
        head = pa[: rng.randint(1, len(pa))]
        start = rng.randint(0, len(pb) - 1)
        tail = pb[start: rng.randint(start + 1, len(pb))]
        out = head + tail
    elif mode == "interleave":
        out, i, j = [], 0, 0
        while i < len(pa) or j < len(pb):
            take_a = j >= len(pb) or (i < len(pa) and rng.random() < 0.5)
            if take_a:
                out.append(pa[i])
                i += 1
            else:
                out.append(pb[j])
                j += 1
            if i and j and rng.random() < 0.15:
                break
    else:
        cut = rng.randint(1, max(1, len(pa) - 1))
        start = rng.randint(0, len(pb) - 1)
        block = pb[start: start + rng.randint(1, max(1, min(3, len(pb) - start)))]
        out = pa[:cut] + block + pa[cut:]
    if not any(p in pa for p in out):
        out.insert(0, pa[0])
    if not any(p in pb for p in out):
        out.append(pb[0])
    return "\n\n".join(out)


def random_spin(text: str, *, seed: int, lexicon: Lexicon | None = None) -> SpinResult:
    """Spin with a random style and rate in [0.1, 1.0]; a quarter of calls spin some paragraphs.

    A style swaps only words it has a replacement for, so rate 1.0 rewrites roughly a third of
    all words; `respin` goes further.
    """
    rng = random.Random(seed)
    style = rng.choice(STYLES)
    rate = round(rng.uniform(0.1, 1.0), 3)
    inner = rng.randrange(2**63)
    if rng.random() < 0.25:
        share = round(rng.uniform(0.3, 0.8), 3)
        return spin_partial(text, style=style, rate=rate, seed=inner, share=share, lexicon=lexicon)
    return spin(text, style=style, rate=rate, seed=inner, lexicon=lexicon)


def swap_share(result: SpinResult, original: str) -> float:
    """Realised swaps per word of `original`, a quick check of a spin's strength."""
    words = len(_WORD.findall(original)) or 1
    return len(result.swaps) / words


__all__ = [
    "IRREGULAR_VERBS", "PHRASES", "STYLES", "VERB_PHRASES", "SpinResult", "build_thesaurus",
    "inflect", "inflect_like", "match_case", "random_spin", "spin", "spin_partial", "stitch",
    "swap_share", "word_form",
]
