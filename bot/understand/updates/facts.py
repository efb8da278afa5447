"""The fact units of one sentence, read from its stored annotation (never from re-parsed text).

A sentence's facts are the things a reader would check against earlier reports:

- `e:` a proper name, word by word ("CIA Director William Burns" -> e:cia, e:william, e:burns), so a
  later "Burns" is the same man;
- `n:` a number that is not a date ("130 hostages" -> n:130), beside its noun as a lemma
  (an increment is `n:+N`: "four more boys");
- `d:` a calendar day the sentence names, resolved against publication ("on Tuesday" -> d:2024-02-13);
- `q:` a quotation, in overlapping pieces of a few words, so a quote cut or re-punctuated still matches;
- `l:` the lemma of every content word (nouns, verbs, adjectives), the predicate among them.

Each unit has a weight (`weights.py`); the novelty index is keyed by them.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from bot.text import words
from bot.understand.language.annotation import Annotated, Quantity, Tok
from bot.understand.language.numbers import is_increment
from bot.understand.updates import weights

NAME_LABELS = frozenset(["PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "PRODUCT", "LAW", "WORK_OF_ART"])
CONTENT_POS = frozenset(["NOUN", "VERB", "ADJ", "PROPN", "NUM"])
# Verbs of reporting and light verbs say how a fact reached the page, not what it is.
LIGHT_LEMMAS = frozenset("""
    say tell report accord add note state claim be have do get make go come take give put
    also other such many much more most last first new own same just even still well very
    include according told says said one thing way time
""".split())
STOP = frozenset("""
    a an the of and or but to in on at for by with from as is are was were be been being has have had
    that this these those it its he she they them their his her him we our you your i would could will
    can may might must shall should not no nor so than then there here which who whom what when where
    why how if up out all any some such only do does did 's mr mrs ms
""".split())
PLACE_TAGS = ("-GPE", "-LOC", "-FAC")  # token entity tags of a named place
MODAL_AUX = frozenset("would could might may should must will shall can".split())  # told as possible or planned
STATE_ADVERBS = frozenset(["back", "again", "longer", "never", "not", "n't", "yet", "already"])
EXPECTING = frozenset(["expect", "plan", "schedule", "due", "set", "poise", "likely", "intend", "prepare",
                       "hope", "aim"])
FUTURE_AUX = frozenset(["will", "shall", "'ll"])
REPORTED_PLANS = frozenset(["say", "tell", "announce", "confirm"])  # "said X would visit": a plan


@dataclass(frozen=True)
class Facts:
    """What one sentence asserts, as weighted units, and the keys to look it up by."""

    units: dict[str, float]
    lookup: tuple[str, ...]
    is_fact: bool
    expects: bool
    recap: bool = False  # told in the past perfect ("the committee had invited Kurtz"): looking back

    @property
    def names(self) -> set[str]:
        """Its proper-name units."""
        return {u for u in self.units if u.startswith("e:")}

    @property
    def numbers(self) -> set[str]:
        """Its number units."""
        return {u for u in self.units if u.startswith("n:")}

    @property
    def quotes(self) -> set[str]:
        """Its quotation pieces."""
        return {u for u in self.units if u.startswith("q:")}

    @property
    def lemmas(self) -> set[str]:
        """Its content-word units."""
        return {u for u in self.units if u.startswith("l:")}


def number_text(value: float) -> str:
    """A number as a unit key: 130 -> "130", 1.3e6 -> "1300000", 2.5 -> "2.5" (64.4 x 1e9 -> "64400000000":
    the float's last-digit noise is not part of the figure)."""
    value = float(value)
    if not value.is_integer():
        value = float(f"{value:.12g}")
    return str(int(value)) if value.is_integer() else f"{value:g}"


def name_key(token: Tok) -> str:
    """The unit of one word of a name: lower case, without dots ("U.S." -> "us")."""
    return "e:" + token.text.lower().replace(".", "").replace("’", "'").removesuffix("'s")


def is_name(a: Annotated, t: Tok) -> bool:
    """A word that is part of a proper name (a named entity of a naming kind, or a proper noun)."""
    if not any(c.isalnum() for c in t.text) or t.lower in STOP:
        return False
    label = t.ent[2:] if t.ent else ""
    if label in NAME_LABELS:
        return True
    if t.pos != "PROPN" or label:
        return False
    # a capitalised first word is a name only when the parse says so (a subject or part of one)
    return t.i > 0 or t.text.isupper() or t.dep in ("nsubj", "nsubjpass", "compound")


def content_lemma(t: Tok) -> str | None:
    """The lemma unit of a content word, or None for function words, reporting verbs and numbers.
    Adverbs that state where a matter stands ("back", "again", "no longer", "not") count too."""
    lemma = t.lemma.lower()
    if t.pos in ("ADV", "PART") and lemma in STATE_ADVERBS:
        return "l:" + lemma
    if t.pos not in ("NOUN", "VERB", "ADJ") or not lemma.isalpha() or len(lemma) < 2:
        return None
    if lemma in STOP or lemma in LIGHT_LEMMAS:
        return None
    return "l:" + lemma


def quote_pieces(text: str) -> list[str]:
    """Overlapping pieces of a quotation (each a short hash), so partial quotes still match."""
    ws = [w for w in words(text) if w not in STOP] or words(text)
    size = weights.QUOTE_SHINGLE
    spans = [ws] if len(ws) <= size else [ws[i:i + size] for i in range(0, len(ws) - size + 1)]
    return ["q:" + hashlib.blake2s(" ".join(s).encode(), digest_size=6).hexdigest() for s in spans if s]


def is_label(a: Annotated, q: Quantity) -> bool:
    """A number that names rather than counts: "phase one", "Flight 370" (its noun comes first)."""
    return bool(q.start and q.noun and a.tokens[q.start - 1].lemma.lower() == q.noun)


def recaps(a: Annotated) -> bool:
    """True when the main predicate is in the past perfect ("had invited", "had earlier put"): the
    sentence looks back at something reported before rather than telling what just happened."""
    root = a.tokens[a.root]
    return root.tag == "VBN" and any(c.dep == "aux" and c.lower == "had" for c in a.children(root.i))


def expected_verb(a: Annotated) -> int | None:
    """The verb of what the sentence looks ahead to: "is expected to [hold]", "plans to", "will meet",
    "has not yet [met]", "X said he would [visit]"; None when it looks back."""
    for t in a.tokens:
        if t.lemma.lower() in EXPECTING:
            x = next((c.i for c in a.children(t.i) if c.dep == "xcomp"), None)
            if x is not None:
                return x
        if t.dep == "aux" and (t.lower in FUTURE_AUX or t.lower == "would" and _reported_plan(a, t.head)):
            return t.head
        if t.lower == "yet" and any(c.dep == "neg" for c in a.children(t.head)):
            return t.head
    return None


def _reported_plan(a: Annotated, verb: int) -> bool:
    """"The White House said Biden would visit": a plan someone announced for a named actor or a person
    (not "would have", not "if", not "said only pressure would bring them home", a claim)."""
    v = a.tokens[verb]
    doer = next((c for c in a.children(verb) if c.dep == "nsubj"), None)
    if doer is None or not (is_name(a, doer) or doer.lower in ("he", "she", "they", "we") or is_known(a, doer)):
        return False
    return v.dep == "ccomp" and a.tokens[v.head].lemma.lower() in REPORTED_PLANS and not any(
        c.lower == "have" or c.dep == "neg" for c in a.children(verb)) and \
        not any(t.lower in ("if", "unless") for t in a.tokens)


def is_reported_plan(a: Annotated, verb: int) -> bool:
    """Whether the expected verb is a plan told with "would" (its outcome must use the same verb)."""
    return any(c.dep == "aux" and c.lower == "would" for c in a.children(verb)) and _reported_plan(a, verb)


DEFINITE = frozenset("the this that these those".split())


def is_known(a: Annotated, thing: Tok) -> bool:
    """A thing the reader already knows of: a name, or a noun said with "the", "this" or an owner
    ("the bill", "its plan"); "an offer", "11 amendments" are new things, not steps of known ones."""
    if thing.pos == "PROPN":
        return True
    return thing.pos == "NOUN" and any(c.dep == "poss" or c.dep == "det" and c.lower in DEFINITE
                                       for c in a.children(thing.i))


def expects(a: Annotated) -> bool:
    """True when the sentence looks ahead: "is expected to", "plans to", "will meet", "has not yet"."""
    return expected_verb(a) is not None


def facts_of(a: Annotated) -> Facts:
    """The weighted fact units of an annotated sentence and its look-up keys, most specific first."""
    units: dict[str, float] = {}
    in_numbers: set[int] = set()
    for q in a.quantities:
        in_numbers.update(range(q.start, q.end))
        if not is_label(a, q):  # (an increment is its own fact: "four more boys" does not say four remain)
            units[("n:+" if is_increment(a, q.start, q.end) else "n:") + number_text(q.value)] = weights.NUMBER_WEIGHT
    for d in a.dates:
        if d.first and d.first == d.last:
            units["d:" + d.first] = weights.DATE_WEIGHT
        elif d.first and d.first[:7] == d.last[:7]:
            units["d:" + d.first[:7]] = weights.DATE_WEIGHT  # "by April 2020": a month is a fact too
        in_numbers.update(range(d.start, d.end))
    quoted: list[str] = []
    for quote in a.quotes:
        pieces = quote_pieces(quote.text)
        for p in pieces:
            units[p] = max(units.get(p, 0.0), weights.QUOTE_WEIGHT / len(pieces))
        quoted.extend(pieces)
    names: list[str] = []
    lemmas: list[str] = []
    for t in a.tokens:
        if t.i in in_numbers:
            continue
        if is_name(a, t):
            key = name_key(t)
            if len(key) > 3 and key not in units:
                units[key] = weights.ENTITY_WEIGHT
                names.append(key)
            continue
        lemma = content_lemma(t)
        if lemma and lemma not in units:
            units[lemma] = weights.LEMMA_WEIGHT
            lemmas.append(lemma)
    numbers = [u for u in units if u.startswith(("n:", "d:"))]
    lookup = (quoted[:3] + numbers + names + sorted(lemmas, key=lambda u: (-len(u), u)))[:weights.LOOKUP_KEYS]
    has_named = bool(names or quoted or any(u.startswith("n:") for u in units))
    is_fact = len(units) >= weights.MIN_UNITS if has_named else len(lemmas) >= weights.MIN_CONTENT
    return Facts(units, tuple(dict.fromkeys(lookup)), is_fact, expects(a), recaps(a))


def weighed_by_frequency(facts: Facts, seen: dict[str, int]) -> Facts:
    """The sentence's facts with names and words the story keeps repeating weighed down (how often
    each was said before, counted up to a cap), and the rarest looked up first."""
    units: dict[str, float] = {}
    for unit, weight in facts.units.items():
        n = seen.get(unit, 0)
        if unit.startswith(("e:", "l:")):
            weight *= max(weights.COMMON_FLOOR, 1.0 / (1.0 + n / weights.COMMON_SCALE))
        units[unit] = weight
    quotes = [u for u in facts.lookup if u.startswith("q:")]
    rest = sorted((u for u in units if not u.startswith("q:")), key=lambda u: (seen.get(u, 0), -units[u], u))
    lookup = tuple(dict.fromkeys(quotes + rest))[:weights.LOOKUP_KEYS]
    return Facts(units, lookup, facts.is_fact, facts.expects, facts.recap)


def units_text(facts: Facts) -> str:
    """The stored form of a sentence's units (what later sentences are compared with)."""
    return " ".join(facts.units)


def units_from_text(stored: str) -> frozenset[str]:
    """The units of an earlier sentence from their stored form."""
    return frozenset(stored.split())
