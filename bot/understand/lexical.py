"""Sentence features for comparing facts across articles: content stems, names, numbers, quotes.

Two reworded reports of one fact share their names, numbers and quotations and most of their
content words once inflection and derivation are folded away ("negotiators"/"negotiation",
"met"/"meeting", "six-week"/"six weeks", "6"/"six"). These features are what the update detector
compares; they are computed once per sentence and are pure functions of its text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from lemminflect import getAllLemmas

from bot.understand.lexicon import lemmas_of, name_stem, stem


def _words(text: str) -> list[str]:
    return text.split()


_TOKEN = re.compile(r"\d[\d,]*(?:\.\d+)?|[A-Za-z]+(?:['’][A-Za-z]+)?|[\"“”]")

STOPWORDS = frozenset(
    _words(
        """a about above after again against all almost along already also although am among an and any are
    around as at be because been before being below between both but by can could did do does doing
    done down during each either else ever every few for from further had has have having he her here
    hers him his how however i if in into is it its itself just least less many may me might more most
    much must my near nor not now of off on once only onto or other others our ours out over own per
    perhaps quite rather same several she should since so some still such than that the their theirs
    them then there these they this those though through thus to too toward towards under until up upon
    us very was we were what whatever when where whether which while who whom whose why will with
    within without would yet you your yours s t mr mrs ms dr one there's it's that's who's"""
    )
)

# Words that attribute or frame a statement rather than carry its content.
_FRAMING = frozenset(
    _words(
        """say said says saying tell told add added adding state stated according report reported reportedly
    reports claim claimed note noted describe described call called speak spoke speaking comment
    commented announce announced accord source sources official officials also new news"""
    )
)

_UNITS = {
    "zero": 0, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30,
    "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "dozen": 12,
}
_SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000}
_MONTHS = {
    "jan": "january", "feb": "february", "mar": "march", "apr": "april", "jun": "june", "jul": "july",
    "aug": "august", "sep": "september", "sept": "september", "oct": "october", "nov": "november",
    "dec": "december",
}
_MONTH_NAMES = frozenset(_MONTHS.values()) | {"may"}
_WEEKDAYS = frozenset(
    {"monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"}
)
CONTEXT_RADIUS = 8  # tokens either side of a number that describe what it counts
# Words that date a number to a period of its own ("last November", "a year ago"); weekdays are
# left out, as they mostly date the report rather than the quantity.
_TIME_WORDS = (_MONTH_NAMES - {"may"}) | {"last", "ago", "previous", "earlier"}
_RANGE_WORDS = frozenset({"to", "and", "or"})


@dataclass(frozen=True)
class NumberMention:
    """A quantity in a sentence: its value (a range for "30 to 35"), its words and what surrounds it."""

    value: tuple[float, float]
    text: str
    position: int
    unit: str
    context: frozenset[str]
    times: frozenset[str] = frozenset()  # months and "last"/"ago" near the number


@dataclass
class Features:
    """What a sentence says, reduced to comparable units."""

    text: str
    stems: list[str] = field(default_factory=list)  # content stems in order (numbers excluded)
    entities: set[str] = field(default_factory=set)
    numbers: list[NumberMention] = field(default_factory=list)
    quotes: list[str] = field(default_factory=list)
    framing: set[str] = field(default_factory=set)
    phrases: list[tuple[str, tuple[str, ...]]] = field(default_factory=list)  # (initials, name stems)
    lemmas: dict[str, set[str]] = field(default_factory=dict)  # content stem -> its words' lemmas
    pairs: dict[str, tuple[str, ...]] = field(default_factory=dict)  # "break_out" -> stems it spans
    entity_after: dict[str, str] = field(default_factory=dict)  # entity -> the word before it
    senses_cache: dict[int, frozenset[str]] = field(default_factory=dict, repr=False, compare=False)

    @property
    def units(self) -> set[str]:
        """Every comparable unit: content stems, entity stems and number values."""
        return set(self.stems) | self.entities | {number_key(n.value) for n in self.numbers}


def number_key(value: tuple[float, float]) -> str:
    """A hashable label for a number value, used as a unit of information."""
    lo, hi = value
    return f"#{lo:g}" if lo == hi else f"#{lo:g}-{hi:g}"


@lru_cache(maxsize=50_000)
def entity_key(lower: str) -> str:
    """The unit for a capitalised word: a dictionary word ("Interior") keeps the stem it has in
    lower case, so it matches at the start of a sentence too; a name folds with its demonym."""
    if len(lower) > 2 and getAllLemmas(lower) and lower not in _MONTH_NAMES and lower not in _WEEKDAYS:
        return stem(lower)
    return name_stem(lower)


def _is_name(token: str, sentence_start: bool) -> bool:
    if not token[0].isupper():
        return False
    lower = token.lower()
    if lower in STOPWORDS or lower in _FRAMING:
        return False
    if len(token) > 1 and token.isupper():
        return True
    if lower in _MONTHS or lower in _MONTH_NAMES or lower in _WEEKDAYS:
        return True
    return not sentence_start or not getAllLemmas(lower)


def _parse_number(tokens: list[str], i: int) -> tuple[float, int] | None:
    """Parse a number starting at tokens[i]; return (value, tokens consumed) or None."""
    tok = tokens[i].lower()
    value: float | None = None
    j = i
    if tok[0].isdigit():
        try:
            value = float(tok.replace(",", ""))
        except ValueError:
            return None
        j = i + 1
    elif tok in _UNITS:
        value = float(_UNITS[tok])
        j = i + 1
        if value >= 20 and j < len(tokens) and tokens[j].lower() in _UNITS and _UNITS[tokens[j].lower()] < 10:
            value += _UNITS[tokens[j].lower()]
            j += 1
    elif tok in ("a", "an") and i + 1 < len(tokens) and tokens[i + 1].lower() in _SCALES | {"dozen": 12}:
        value = 1.0
        j = i + 1
    elif tok in _SCALES:
        value = 1.0
        j = i
    if value is None:
        return None
    while j < len(tokens) and tokens[j].lower() in _SCALES:
        value *= _SCALES[tokens[j].lower()]
        j += 1
    if j < len(tokens) and tokens[j].lower() == "dozen":
        value *= 12
        j += 1
    return value, j - i


_COMPOUND = re.compile(r"\b[A-Za-z]+(?:-[A-Za-z]+)+\b")
_DOTTED = re.compile(r"\b((?:[A-Z]\.){2,})")


def _tokens(text: str) -> list[str]:
    text = _DOTTED.sub(lambda m: m.group(1).replace(".", "") + " ", text.replace("’", "'"))
    return _TOKEN.findall(text)


def quotes_of(text: str) -> list[str]:
    """Quoted passages of three or more words: a new quotation is news in itself."""
    found = re.findall(r"[\"“]([^\"“”]{3,}?)[\"”]", text)
    return [q.strip() for q in found if len(q.split()) >= 3]


@lru_cache(maxsize=20_000)
def features(text: str) -> Features:
    """Compute the comparable units of one sentence (cached: sentences recur across calls)."""
    feats = Features(text=text, quotes=quotes_of(text))
    tokens = _tokens(text)
    content_positions: list[tuple[int, str]] = []
    pending: list[tuple[float, str, int]] = []  # value, text, token index
    i = 0
    start = True
    while i < len(tokens):
        tok = tokens[i]
        if tok in "\"“”":
            start = True
            i += 1
            continue
        parsed = _parse_number(tokens, i)
        if parsed is not None:
            value, used = parsed
            pending.append((value, " ".join(tokens[i: i + used]), i))
            i += used
            start = False
            continue
        lower = tok.lower()
        if lower in _MONTHS and i + 1 < len(tokens) and tokens[i + 1][0].isdigit():
            lower = _MONTHS[lower]
        if _is_name(tok, start):
            key = entity_key(_MONTHS.get(lower, lower))
            feats.entities.add(key)
            content_positions.append((i, key))
            if i > 0 and key not in feats.entity_after:
                feats.entity_after[key] = tokens[i - 1].lower()
        elif lower in _FRAMING:
            feats.framing.add(stem(lower))
        elif lower not in STOPWORDS and len(lower) > 1:
            key = stem(lower)
            feats.stems.append(key)
            feats.lemmas.setdefault(key, set()).update(lemmas_of(lower))
            content_positions.append((i, key))
            if i + 1 < len(tokens) and tokens[i + 1].isalpha() and tokens[i + 1].islower():
                follower = tokens[i + 1]
                span: tuple[str, ...] = (key,) if follower in STOPWORDS else (key, stem(follower))
                for lemma in lemmas_of(lower):
                    feats.pairs[f"{lemma}_{follower}"] = span
        start = False
        i += 1
    for compound in _COMPOUND.findall(text):  # "go-between", "cease-fire": one word to WordNet
        span = tuple(stem(part) for part in compound.lower().split("-") if part not in STOPWORDS and len(part) > 1)
        if span:
            feats.pairs[compound.lower()] = span
    feats.numbers = _numbers_with_context(tokens, pending, content_positions)
    feats.phrases = _name_phrases(tokens, feats.entities)
    return feats


def _name_phrases(tokens: list[str], entities: set[str]) -> list[tuple[str, tuple[str, ...]]]:
    """Runs of capitalised words ("United Nations"), with their initials ("un") for acronyms."""
    phrases = []
    run: list[str] = []
    for tok in tokens + ["."]:
        if tok[0].isupper() and entity_key(tok.lower()) in entities and not tok.isupper():
            run.append(tok)
            continue
        if len(run) >= 2:
            phrases.append(("".join(t[0] for t in run).lower(), tuple(entity_key(t.lower()) for t in run)))
        run = []
    return phrases


def _numbers_with_context(
    tokens: list[str], pending: list[tuple[float, str, int]], content: list[tuple[int, str]]
) -> list[NumberMention]:
    """Join ranges ("30 to 35") and attach each number to its unit and surrounding content."""
    merged: list[tuple[tuple[float, float], str, int]] = []
    k = 0
    while k < len(pending):
        value, text, pos = pending[k]
        if k + 1 < len(pending):
            nvalue, ntext, npos = pending[k + 1]
            between = [t.lower() for t in tokens[pos + len(text.split()): npos]]
            if between and all(t in _RANGE_WORDS for t in between) and nvalue > value:
                merged.append(((value, nvalue), f"{text} {' '.join(between)} {ntext}", pos))
                k += 2
                continue
        merged.append(((value, value), text, pos))
        k += 1
    mentions = []
    for span, text, pos in merged:
        end = pos + len(text.split())
        after = [(p, key) for p, key in content if end <= p <= end + 3]
        nouns = [key for p, key in after
                 if "NOUN" in getAllLemmas(tokens[p].lower())
                 and tokens[p].lower() not in _TIME_WORDS | _WEEKDAYS]
        unit = nouns[0] if nouns else ""
        near = [key for p, key in content if pos - CONTEXT_RADIUS <= p <= end + CONTEXT_RADIUS]
        window = [t.lower().split("'")[0] for t in tokens[max(0, pos - CONTEXT_RADIUS): end + CONTEXT_RADIUS]]
        times = {_MONTHS.get(t, t) for t in window if _MONTHS.get(t, t) in _TIME_WORDS}
        mentions.append(NumberMention(span, text, pos, unit, frozenset(near), frozenset(times)))
    return mentions


def is_year(mention: NumberMention) -> bool:
    """True for a four-digit year such as 2024 (a date, not a quantity)."""
    lo, hi = mention.value
    return lo == hi and 1900 <= lo <= 2100 and mention.text.isdigit()
