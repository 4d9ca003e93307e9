"""One spelling for words that English writes two ways: "jewellery" and "jewelry", "Vendôme"
and "Vendome".

An outlet that runs another's wire story localises it: British spellings become American ones
(or back), accents are dropped, times follow the house style ("11:52 p.m." or "11.52pm"). That
is editing, not paraphrase, yet compared letter for letter each such word is a one-word swap,
the mark of a spinner. Tokens are compared in one spelling (`canonical_word`): British forms
mapped to American ones, accents dropped and times written one way, so a localised copy aligns
verbatim. The table is generated from stems and each family's endings, so it holds only words
known to vary ("organise", never "promise" or "advise", which are spelled alike).
"""

from __future__ import annotations

import unicodedata
from functools import cache

from detector.terms import is_number

# -our / -or: colour, colours, coloured, colourful, ...
_OUR = ("arbour ardour armour behaviour candour clamour colour demeanour endeavour favour fervour "
        "flavour harbour honour humour labour neighbour odour parlour rancour rigour rumour "
        "savour saviour splendour succour tumour valour vapour vigour").split()
_OUR_ENDINGS = ("", "s", "ed", "ing", "ite", "ites", "able", "ably", "er", "ers", "ful", "less",
                "hood", "hoods", "ism", "ist", "ists", "al")

# -ise / -ize (and -isation / -ization): only verbs that American English spells with -ize.
_ISE = ("agonis antagonis apologis authoris baptis brutalis capitalis categoris centralis "
        "characteris civilis colonis criminalis criticis crystallis decentralis demonis "
        "destabilis digitis dramatis economis emphasis energis equalis evangelis familiaris "
        "fertilis finalis formalis fraternis galvanis generalis globalis harmonis hospitalis "
        "hypothesis idealis idolis immobilis immunis industrialis internationalis itemis "
        "jeopardis legalis legitimis liberalis localis magnetis marginalis maximis memorialis "
        "memoris mesmeris militaris minimis mobilis modernis moisturis monopolis nationalis "
        "naturalis neutralis normalis optimis organis ostracis patronis penalis personalis "
        "plagiaris polaris politicis popularis pressuris prioritis privatis publicis radicalis "
        "randomis rationalis realis recognis regularis reorganis revitalis revolutionis "
        "romanticis sanitis scandalis scrutinis sensationalis socialis specialis stabilis "
        "standardis sterilis stigmatis subsidis summaris symbolis sympathis synchronis "
        "synthesis terroris theoris trivialis unionis urbanis utilis vandalis vaporis victimis "
        "visualis vocalis westernis").split()
_ISE_ENDINGS = ("e", "es", "ed", "ing", "er", "ers", "ation", "ations", "able")

# -yse / -yze
_YSE = "analy breathaly cataly paraly".split()
_YSE_ENDINGS = ("se", "ses", "sed", "sing", "ser", "sers")

# -re / -er
_RE = ("cent", "theat", "met", "kilomet", "centimet", "millimet", "lit", "fib", "calib", "somb",
       "spect", "lust", "meag", "sab", "scept")
_RE_ENDINGS = (("re", "er"), ("res", "ers"), ("red", "ered"), ("ring", "ering"))

# A doubled l before an ending: travelled, cancelling, counsellor.
_LL = ("travel cancel label model fuel counsel signal total level marvel channel tunnel "
       "quarrel equal dial duel grovel jewel libel pencil rival shovel snorkel swivel "
       "tranquil unravel").split()
_LL_ENDINGS = ("ed", "ing", "er", "ers", "or", "ors")

# Single words: British -> American.
_WORDS = dict(pair.split(":") for pair in (
    "jewellery:jewelry programme:program programmes:programs "
    "grey:gray greys:grays tyre:tire tyres:tires kerb:curb kerbs:curbs cheque:check "
    "cheques:checks aluminium:aluminum plough:plow ploughs:plows ploughed:plowed mould:mold "
    "moulds:molds mouldy:moldy sceptic:skeptic sceptics:skeptics sceptical:skeptical "
    "scepticism:skepticism storey:story storeys:stories pyjamas:pajamas judgement:judgment "
    "judgements:judgments ageing:aging acknowledgement:acknowledgment "
    "acknowledgements:acknowledgments draught:draft draughts:drafts moustache:mustache "
    "sulphur:sulfur gaol:jail gaols:jails defence:defense defences:defenses offence:offense "
    "offences:offenses licence:license licences:licenses pretence:pretense "
    "catalogue:catalog catalogues:catalogs analogue:analog enrolment:enrollment "
    "enrolments:enrollments fulfil:fulfill fulfils:fulfills fulfilment:fulfillment "
    "instalment:installment instalments:installments skilful:skillful skilfully:skillfully "
    "wilful:willful wilfully:willfully woollen:woolen artefact:artifact artefacts:artifacts "
    "cosy:cozy manoeuvre:maneuver manoeuvres:maneuvers manoeuvred:maneuvered "
    "paediatric:pediatric paediatrician:pediatrician paediatricians:pediatricians "
    "orthopaedic:orthopedic encyclopaedia:encyclopedia anaesthetic:anesthetic "
    "anaesthetics:anesthetics anaesthetist:anesthetist haemorrhage:hemorrhage "
    "leukaemia:leukemia diarrhoea:diarrhea oestrogen:estrogen foetus:fetus foetal:fetal "
    "practise:practice practised:practiced practises:practices practising:practicing "
    "annexe:annex"
).split())


@cache
def british_to_american() -> dict[str, str]:
    """Every British form the table knows, lower case, mapped to its American spelling."""
    table = dict(_WORDS)
    for stem in _OUR:
        for end in _OUR_ENDINGS:
            table[stem + end] = stem[:-2] + "r" + end
    for stem in _ISE:
        for end in _ISE_ENDINGS:
            table[stem + end] = stem[:-1] + "z" + end
    for stem in _YSE:
        for end in _YSE_ENDINGS:
            table[stem + end] = stem + "z" + end[1:]
    for stem in _RE:
        for british, american in _RE_ENDINGS:
            table[stem + british] = stem + american
    for stem in _LL:
        for end in _LL_ENDINGS:
            table[stem + "l" + end] = stem + end
    return table


def _unaccented(word: str) -> str:
    """`word` without combining accents, letter for letter ("vendôme" -> "vendome")."""
    decomposed = unicodedata.normalize("NFD", word)
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return unicodedata.normalize("NFC", stripped)


_TIMES = {"a.m.": "am", "p.m.": "pm"}


def canonical_word(lower: str) -> str:
    """A lower-cased word in one spelling: accents dropped, British forms made American, a
    clock time in one house style ("11:52 p.m." is "11.52pm": "11.52", "pm")."""
    if is_number(lower):
        return lower.replace(":", ".") if ":" in lower else lower
    if lower in _TIMES:
        return _TIMES[lower]
    if not lower.isascii():
        lower = _unaccented(lower)
    return british_to_american().get(lower, lower)
