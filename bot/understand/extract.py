"""Typed answer candidates cut from one sentence: names, places, dates, numbers, clauses.

Each candidate keeps its token span, so the caller can measure how close it sits to the words
the question shares with the sentence (the anchors) and prefer the one that fills the gap.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from lemminflect import getAllLemmas

from bot.understand.lexicon import STOP, Token, keys, lemmas_of
from bot.understand.speech import is_speech

_DETERMINERS = frozenset(["both", "neither", "either", "the", "a", "an", "this", "that", "these", "those"])
_NAME_JOINERS = frozenset(["al", "el", "bin", "ben", "de", "del", "der", "van", "von", "la", "le", "abu"])
_LOCATIVE = frozenset(
    [
        "in",
        "to",
        "at",
        "from",
        "on",
        "toward",
        "towards",
        "near",
        "inside",
        "into",
        "within",
        "outside",
        "across",
    ]
)
_PLACE_NOUNS = frozenset(
    ["town", "city", "village", "port", "capital", "region", "province", "district", "island", "islands", "state",
     "county", "municipality", "suburb", "neighbourhood", "neighborhood", "area", "resort"]
)  # fmt: skip
_NUMBER_WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
    "hundreds": 100,
    "dozen": 12,
    "dozens": 24,
    "thousands": 1000,
}
_ORDINALS = frozenset(
    [
        "first",
        "second",
        "third",
        "fourth",
        "fifth",
        "sixth",
        "seventh",
        "eighth",
        "ninth",
        "tenth",
        "eleventh",
        "twelfth",
    ]
)
_FRACTIONS = frozenset(["half", "third", "quarter", "fifth", "tenth"])
_SCALE = frozenset(["million", "millions", "billion", "billions", "thousand", "hundred"])
_APPROX = (
    "more than",
    "less than",
    "fewer than",
    "at least",
    "up to",
    "as many as",
    "about",
    "around",
    "some",
    "over",
    "nearly",
    "almost",
    "roughly",
    "approximately",
    "only",
    "just",
    "under",
)
_VALUE_LINKS = frozenset(
    ["rose", "risen", "climbed", "fell", "reached", "stood", "stands", "is", "was", "now", "to", "at", "of", "has",
     "had", "hit", "increased", "decreased", "jumped", "grew", "totalled", "totaled", "topped", "passed"]
)  # fmt: skip
_GENERIC_COUNTED = frozenset(["people", "persons", "individuals"])
_UNITS = frozenset(
    ["second", "minute", "hour", "day", "week", "month", "year", "decade", "century", "generation"]
)
_MONTHS = [
    "january",
    "february",
    "march",
    "april",
    "may",
    "june",
    "july",
    "august",
    "september",
    "october",
    "november",
    "december",
    "jan",
    "feb",
    "mar",
    "apr",
    "jun",
    "jul",
    "aug",
    "sep",
    "sept",
    "oct",
    "nov",
    "dec",
]
_DAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_RELATIVE = [
    "today",
    "tonight",
    "tomorrow",
    "yesterday",
    "weekend",
    "week",
    "month",
    "year",
    "night",
    "morning",
    "evening",
    "afternoon",
    "spring",
    "summer",
    "autumn",
    "fall",
    "winter",
    "soon",
    "shortly",
    "immediately",
]
_TIME_UNIT = (
    r"(?:(?:this|next|last|that|early|late|mid|earlier|later|the end of|the start of|the beginning of)"
    r"[\s-]+)*(?:" + "|".join(_MONTHS + _DAYS + _RELATIVE) + r")\b\.?(?:\s+\d{1,2}\b)?(?:,?\s+\d{4})?"
    r"(?:\s+(?:night|morning|evening|afternoon))?"
)
_TIME_PREFIX = (
    r"(?:(?:possibly|probably|perhaps|likely)\s+)?(?:(?:as early as|as soon as|by|until|on|in|"
    r"at|from|since|before|after)\s+)?"
)
_TIME = re.compile(r"\b" + _TIME_PREFIX + _TIME_UNIT + r"|\b(?:19|20)\d\d\b", re.IGNORECASE)


@dataclass(frozen=True)
class Candidate:
    """An answer cut from a sentence: text, token span [first, last], and a type-specific bonus."""

    text: str
    first: int
    last: int
    bonus: float = 0.0
    value: str = ""  # normalised value for comparing answers across sources


def _is_proper(toks: list[Token], i: int) -> bool:
    tok = toks[i]
    if not tok.capitalised or tok.lower in _DETERMINERS:
        return False
    if tok.text.isdigit():
        return False
    if i == 0 or _sentence_start(toks, i):
        if tok.lower in STOP:
            return False
        base = tok.lower[:-2] if tok.lower.endswith("'s") else tok.lower
        known = bool(getAllLemmas(base))
        nxt = toks[i + 1] if i + 1 < len(toks) else None
        return not known or (nxt is not None and nxt.capitalised and nxt.lower not in STOP)
    return True


def _sentence_start(toks: list[Token], i: int) -> bool:
    return i == 0


def _gap(text: str, a: Token, b: Token) -> str:
    return text[a.end : b.start]


def names(text: str, toks: list[Token]) -> list[tuple[int, int]]:
    """Token spans of capitalised names ("Maj. Gen. Nitzan Alon", "Egypt's Al Qahera News TV")."""
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(toks):
        if not _is_proper(toks, i):
            i += 1
            continue
        j = i
        while j + 1 < len(toks):
            gap = _gap(text, toks[j], toks[j + 1])
            if gap not in {" ", ". ", "-", " - ", " & "}:
                break  # "Castor & Webb" is one name
            if _is_proper(toks, j + 1):
                j += 1
            elif (
                toks[j + 1].lower in _NAME_JOINERS | {"of"}
                and j + 2 < len(toks)
                and _gap(text, toks[j + 1], toks[j + 2]) == " "
                and _is_proper(toks, j + 2)
                and toks[j + 1].lower != "of"
            ):
                j += 2
            else:
                break
        if _numbered(text, toks, j):
            j += 1  # "Channel 9", "France 24": a number that is part of the name
        spans.append((i, j))
        i = j + 1
    return spans


def _numbered(text: str, toks: list[Token], j: int) -> bool:
    """True when the name ending at j goes on with a short number not followed by what it counts."""
    if j + 1 >= len(toks) or _gap(text, toks[j], toks[j + 1]) != " ":
        return False
    num = toks[j + 1].text
    if not (num.isdigit() and len(num) <= 3) or toks[j].lower in _DAYS + _MONTHS:
        return False
    if j + 2 < len(toks) and _gap(text, toks[j + 1], toks[j + 2]) == " ":
        after = toks[j + 2]
        return after.lower in STOP or after.capitalised  # "Channel 9 on ...", not "Gaza 30 people"
    return True


def name_lists(text: str, toks: list[Token], spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Coordinated names ("Qatar, Israel, the United States and Egypt") as single spans."""
    out: list[tuple[int, int]] = []
    k = 0
    while k < len(spans):
        first, last = spans[k]
        m = k
        while m + 1 < len(spans):
            gap = text[toks[spans[m][1]].end : toks[spans[m + 1][0]].start]
            if re.fullmatch(r",?\s+(?:and\s+|or\s+)?(?:the\s+)?|,\s*(?:the\s+)?", gap):
                m += 1
            else:
                break
        if m > k:
            last_gap = text[toks[spans[m - 1][1]].end : toks[spans[m][0]].start]
            if re.search(r"\b(?:and|or)\b", last_gap):
                out.append((first, spans[m][1]))
        k = m + 1 if m > k else k + 1
    return out


def _span_text(text: str, toks: list[Token], first: int, last: int) -> str:
    return text[toks[first].start : toks[last].end]


def _temporal(toks: list[Token], a: int, b: int) -> bool:
    return all(t.lower.rstrip(".") in _MONTHS or t.lower in _DAYS for t in toks[a : b + 1])


def entity_candidates(text: str, toks: list[Token], plural: bool) -> list[Candidate]:
    """Names and, for plural questions, lists of names (days and months are not names here)."""
    spans = [(a, b) for a, b in names(text, toks) if not _temporal(toks, a, b)]
    out = [Candidate(_span_text(text, toks, a, b), a, b) for a, b in spans]
    for a, b in name_lists(text, toks, spans):
        out.append(Candidate(_span_text(text, toks, a, b), a, b, bonus=0.6 if plural else -0.3, value="list"))
    for m in re.finditer(r"[\"“]([^\"“”]{2,120})[\"”]", text):  # quoted titles: "This Week with ..."
        inner = [i for i, t in enumerate(toks) if t.start >= m.start(1) and t.end <= m.end(1)]
        if len(inner) > 1 and _title_case(toks[inner[0] : inner[-1] + 1]):
            out.append(Candidate(m.group(1).strip(" ,."), inner[0], inner[-1], bonus=0.3, value="title"))
    return out


def place_candidates(text: str, toks: list[Token]) -> list[Candidate]:
    """Names introduced by a locative preposition ("in Cairo", "to the Israeli Knesset")."""
    out: list[Candidate] = []
    for a, b in names(text, toks):
        if _temporal(toks, a, b):
            continue
        k = a - 1
        if k >= 0 and toks[k].lower == "the":
            k -= 1
        locative = k >= 0 and toks[k].lower in _LOCATIVE
        if not locative and k >= 1 and toks[k].lower == "of" and toks[k - 1].lower in _PLACE_NOUNS:
            locative = True  # "in the port town of Kilmara"
            start_at = k - 1
            while start_at > 0 and toks[start_at].lower not in _LOCATIVE and a - start_at < 6:
                start_at -= 1
            k = start_at if toks[start_at].lower in _LOCATIVE else k
        bonus = 0.8 if locative else -0.4
        if text[toks[b].end : toks[b].end + 2] == "'s" or toks[b].lower.endswith("'s"):
            bonus -= 0.5  # "Egypt's ..." names an owner, not a place
        start = k if locative else a
        out.append(Candidate(_span_text(text, toks, start, b), start, b, bonus=bonus, value=toks[b].lower))
    return out


def _token_index(toks: list[Token], char: int, end: bool = False) -> int:
    for i, t in enumerate(toks):
        if (t.end >= char) if end else (t.end > char):
            return i
    return len(toks) - 1


def time_candidates(text: str, toks: list[Token]) -> list[Candidate]:
    """Dates and time expressions, chained when only hedges separate them."""
    matches = [m for m in _TIME.finditer(text) if m.group(0).strip()]
    merged: list[list[int]] = []
    for m in matches:
        if merged and re.fullmatch(r"[\s,]*", text[merged[-1][1] : m.start()]):
            merged[-1][1] = m.end()
        else:
            merged.append([m.start(), m.end()])
    out: list[Candidate] = []
    for start, end in merged:
        phrase = text[start:end].strip(" ,")
        first = _token_index(toks, start)
        last = _token_index(toks, end - 1)
        out.append(Candidate(phrase, first, last, bonus=0.2 * phrase.count(" "), value=phrase.lower()))
    return out


def _number_at(toks: list[Token], i: int) -> bool:
    w = toks[i].lower
    if w in {"a", "an", "one"} and i + 1 < len(toks) and toks[i + 1].lower in _SCALE | _FRACTIONS:
        return True  # "a million", "a quarter"
    if w == "half":
        return True
    return bool(re.fullmatch(r"\d[\d,.]*", w)) or w in _NUMBER_WORDS


def number_candidates(
    text: str, toks: list[Token], target: str | None, target_keys: frozenset[str], ordinal_ok: bool = True
) -> list[Candidate]:
    """Quantities with the noun they count ("some 1,200 people", "four battalions", "sixth trip")."""
    out: list[Candidate] = []
    low = [t.lower for t in toks]
    i = 0
    while i < len(toks):
        is_ord = ordinal_ok and (low[i] in _ORDINALS or bool(re.fullmatch(r"\d+(?:st|nd|rd|th)", low[i])))
        if not (_number_at(toks, i) or is_ord):
            i += 1
            continue
        if re.fullmatch(r"(?:19|20)\d\d", low[i]):
            i += 1
            continue  # a year
        if i > 0 and low[i - 1].rstrip(".") in _MONTHS:
            i += 1
            continue  # a day of the month
        first, last = i, i
        while last + 1 < len(toks) and (
            low[last + 1] in _SCALE
            or low[last + 1] in {"to", "or"}
            and last + 2 < len(toks)
            and _number_at(toks, last + 2)
        ):
            last += 2 if low[last + 1] in {"to", "or"} else 1
        # hedge before the number
        for hedge in _APPROX:
            n = hedge.count(" ") + 1
            if first - n >= 0 and " ".join(low[first - n : first]) == hedge:
                first -= n
                break
        if first > 0 and low[first - 1] == "the" and is_ord:
            first -= 1
        # the counted noun: up to two words after, stopping at stop words
        noun_end = last
        bonus = 0.0
        look = last
        if (
            look + 3 < len(toks)
            and low[look + 1] == "of"
            and low[look + 2] == "the"
            and _number_at(toks, look + 3)
        ):
            look += 3  # "40 of the 130 hostages": the noun after the whole counts for both
            noun_end = look
        for k in range(look + 1, min(look + 4, len(toks))):
            if low[k] in STOP or text[toks[k - 1].end : toks[k].start] not in {" ", "-"}:
                break
            noun_end = k
            if target and lemmas_of(low[k]) & target_keys:
                bonus = 1.5
                break
        if target and not bonus:
            # "the death toll rose to four", "aid worth 40 million euros": the counted noun stands
            # before the number, joined by a linking verb or preposition
            k = first - 1
            while k >= 0 and first - k <= 4 and low[k] in _VALUE_LINKS:
                k -= 1
            if k >= 0 and k < first - 1 and keys(low[k]) & target_keys:
                bonus = 1.5
            # "40 million euros in emergency aid": a unit, then what it measures
            k = noun_end + 1
            if (
                k + 1 < len(toks)
                and low[k] in {"in", "of", "for", "worth"}
                and any(keys(t) & target_keys for t in low[k + 1 : k + 4])
            ):
                bonus = 1.2
        if target and not bonus:
            counted = low[last + 1] if last + 1 < len(toks) else ""
            target_here = any(keys(t) & target_keys for t in low)
            bonus = -0.2 if counted in _GENERIC_COUNTED and target_here else -2.0
        if is_ord:
            bonus -= 0.3
        if noun_end == last and not is_ord:
            bonus -= 0.2
        value = " ".join(low[i : last + 1])
        out.append(Candidate(_span_text(text, toks, first, noun_end), first, noun_end, bonus, value))
        i = last + 1
    return out


def duration_candidates(text: str, toks: list[Token]) -> list[Candidate]:
    """Lengths of time ("45-minute", "over a six-week period", "three days")."""
    out: list[Candidate] = []
    for cand in number_candidates(text, toks, None, frozenset(), ordinal_ok=False):
        unit = next(
            (
                k
                for k in range(cand.first + 1, min(cand.last + 2, len(toks)))
                if keys(toks[k].lower) & _UNITS
            ),
            None,
        )
        if unit is None:
            continue
        first, last = cand.first, unit  # "the five-day | Sorrel Islands ferry strike"
        if last + 1 < len(toks) and toks[last + 1].lower in {"period", "span", "window"}:
            last += 1
        k = first - 1
        if k >= 0 and toks[k].lower in {"a", "an"}:
            k -= 1
        if k >= 0 and toks[k].lower in {"over", "for", "within", "during", "in", "after"}:
            first = k
        out.append(Candidate(_span_text(text, toks, first, last), first, last, 0.5, cand.value))
    return out


_CLAUSE_WORDS = frozenset(
    [
        "that",
        "citing",
        "because",
        "saying",
        "said",
        "says",
        "after",
        "while",
        "although",
        "though",
        "but",
        "which",
        "who",
        "according",
        "since",
        "due",
        "until",
        "amid",
        "so",
        "unless",
        "whereas",
        "adding",
        "warning",
    ]
)
_REASON_WORDS = frozenset(["because", "since", "due", "saying", "as", "amid", "after", "so", "given"])


def clause_candidates(text: str, toks: list[Token]) -> list[Candidate]:
    """Phrases of the sentence cut at punctuation, quotes and clause words."""
    if not toks:
        return []
    cuts = {0}
    for i in range(1, len(toks)):
        gap = text[toks[i - 1].end : toks[i].start]
        if re.search(r"[,;:()\u2014\u2013]|\s-\s", gap) or toks[i].lower in _CLAUSE_WORDS:
            cuts.add(i)
    bounds = sorted(cuts) + [len(toks)]
    segments = [(bounds[k], bounds[k + 1] - 1) for k in range(len(bounds) - 1)]
    out: list[Candidate] = []
    for n in (1, 2, 3):
        for k in range(len(segments) - n + 1):
            first, last = segments[k][0], segments[k + n - 1][1]
            lead = toks[first].lower
            start = first + 1 if lead in _CLAUSE_WORDS - {"who", "which"} and first < last else first
            if start > last:
                continue
            phrase = text[toks[start].start : toks[last].end]
            quoted = _inside_quotes(text, toks[start].start, toks[last].end) and not _title_case(
                toks[start : last + 1]
            )
            out.append(
                Candidate(phrase, start, last, bonus=(0.5 if quoted else 0.0) - 0.25 * (n - 1), value=lead)
            )
    return out


def quote_candidates(text: str, toks: list[Token]) -> list[Candidate]:
    """Quoted words ("real progress", "a mistake"), skipping quoted titles of shows and papers."""
    out: list[Candidate] = []
    for m in re.finditer(r"[\"“]([^\"“”]{2,300})[\"”]", text):
        inner = [i for i, t in enumerate(toks) if t.start >= m.start(1) and t.end <= m.end(1)]
        if not inner or _title_case(toks[inner[0] : inner[-1] + 1]):
            continue
        out.append(Candidate(m.group(1).strip(" ,."), inner[0], inner[-1], bonus=0.6, value="quote"))
    return out


def _title_case(span: list[Token]) -> bool:
    words = [t for t in span if t.lower not in STOP]
    return bool(words) and all(t.capitalised for t in words)


def _inside_quotes(text: str, start: int, end: int) -> bool:
    before = text[:start]
    opened = before.count("“") > before.count("”") or before.count('"') % 2 == 1
    return opened and bool(re.match(r"^[^\"”]*[\"”]", text[end : end + 3] + '"'))


_GAP_SKIP = frozenset(["of", "that", "about", "on", "with", "as", "to"])


def gap_candidates(
    text: str, toks: list[Token], anchors: Collection[int], verbs: Collection[int]
) -> list[Candidate]:
    """What follows the question's words in the sentence, up to the end of the clause.

    "What did Hamdan accuse Israel of?" against "Hamdan accused Israel of running a campaign ..."
    leaves "running a campaign ...": the words that fill the question's gap. Gaps after a verb of
    the question (`verbs`) score higher than gaps after a noun.
    """
    out: list[Candidate] = []
    for a in sorted(anchors):
        if a + 1 in anchors or a + 1 >= len(toks):
            continue
        start = a + 1
        while start < len(toks) and toks[start].lower in _GAP_SKIP and start - a <= 2:
            start += 1
        if start >= len(toks) or start in anchors:
            continue
        end = start
        while end + 1 < len(toks) and end - start < 20:
            gap = text[toks[end].end : toks[end + 1].start]
            if re.search(r"[;:()\u2014\u2013]|\s-\s|,", gap):
                break
            end += 1
        phrase = text[toks[start].start : toks[end].end]
        out.append(Candidate(phrase, start, end, bonus=0.6 if a in verbs else 0.2, value="gap"))
    return out


def complement_candidates(text: str, toks: list[Token], speech: Collection[int]) -> list[Candidate]:
    """What a speech verb reports: "saying that only military pressure ... would bring them home"."""
    out: list[Candidate] = []
    for v in speech:
        start = v + 1
        while start < len(toks) and toks[start].lower in {"that", "on", "of"}:
            start += 1
        if start >= len(toks):
            continue
        end = start
        while end + 1 < len(toks) and end - start < 24:
            gap = text[toks[end].end : toks[end + 1].start]
            if re.search(r"[,;:()\u2014\u2013]", gap):
                break
            end += 1
        phrase = text[toks[start].start : toks[end].end]
        out.append(Candidate(phrase, start, end, bonus=0.8, value="complement"))
    return out


def _np_word(tok: Token) -> bool:
    w = tok.lower
    if w in STOP or w in _NOT_IN_NP or not re.fullmatch(r"[a-z0-9][a-z0-9'-]*", w):
        return False
    lemmas = getAllLemmas(w)
    return not ("VERB" in lemmas and "NOUN" not in lemmas and "ADJ" not in lemmas)


# time words end a noun phrase ("younger workers | next year")
_NOT_IN_NP = frozenset(_DAYS + _MONTHS + ["next", "last", "year", "week", "month", "today", "yesterday", "tomorrow"])


def phrase_candidates(text: str, toks: list[Token]) -> list[Candidate]:
    """Noun phrases ("Iron Dome missile interceptors", "the bonuses of crane operators") and
    coordinated ones ("elderly hostages, women and children"), for "which NOUN" questions
    whose answer is not a proper name. The caller keeps only those that fit the asked noun."""
    chunks: list[tuple[int, int]] = []
    i = 0
    while i < len(toks):
        if not _np_word(toks[i]):
            i += 1
            continue
        j = i
        while j + 1 < len(toks) and text[toks[j].end : toks[j + 1].start] in {" ", "-"}:
            if _np_word(toks[j + 1]):
                j += 1
            elif (
                toks[j + 1].lower == "of"
                and j + 2 < len(toks)
                and _np_word(toks[j + 2])
                and text[toks[j + 1].end : toks[j + 2].start] == " "
            ):
                j += 2
            else:
                break
        chunks.append((i, j))
        i = j + 1
    out: list[Candidate] = []
    for a, b in chunks:
        start = a - 1 if a > 0 and toks[a - 1].lower in {"the", "a", "an"} else a
        out.append(Candidate(_span_text(text, toks, start, b), start, b, 0.0, "np"))
    k = 0
    while k < len(chunks):
        m = k
        while m + 1 < len(chunks):
            gap = text[toks[chunks[m][1]].end : toks[chunks[m + 1][0]].start]
            if re.fullmatch(r",\s+|,?\s+(?:and|or)\s+|,\s+(?:and|or)\s+", gap):
                m += 1
            else:
                break
        if m > k and re.search(r"\b(?:and|or)\b", text[toks[chunks[m - 1][1]].end : toks[chunks[m][0]].start]):
            a, b = chunks[k][0], chunks[m][1]
            out.append(Candidate(_span_text(text, toks, a, b), a, b, 0.3, "nplist"))
        k = m + 1 if m > k else k + 1
    return out


def appositive_candidates(text: str, toks: list[Token], name_keys: Collection[str]) -> list[Candidate]:
    """What a sentence says a named person or body is: "Boyle, a retired High Court judge,",
    "The union's lawyer, Rui Pena,", "mediator Agnes Boyle" (for "What is Boyle's background?")."""
    want = set(name_keys)
    out: list[Candidate] = []
    for a, b in names(text, toks):
        if not any(keys(toks[i].lower) & want for i in range(a, b + 1)):
            continue
        tail = text[toks[b].end :]
        inner = [i for i in range(a, b + 1) if keys(toks[i].lower) & want]
        if inner and inner[0] > a and all(getAllLemmas(t.lower) for t in toks[a : inner[0]]):
            # "Labour Minister Helena Sousa": a capitalised title run into the name
            out.append(Candidate(_span_text(text, toks, a, inner[0] - 1), a, inner[0] - 1, 0.8, "appositive"))
        m = re.match(r",\s+(?:who|which)\s+([a-z]+\b[^,;:()]*)", tail)
        if m and not _speech_word(m.group(1).split()[0]):  # "Ines Carvalho, who heads the union,"
            start = toks[b].end + m.start(1)
            first = _token_index(toks, start)
            last = _token_index(toks, start + len(m.group(1).rstrip()) - 1)
            out.append(Candidate(m.group(1).strip(), first, last, 0.9, "appositive"))
        m = re.match(r",\s+((?:a|an|the)\s+[^,;:()]+?)\s*(?:[,;:()]|$|\.\s*$)", tail)
        if m:
            start = toks[b].end + m.start(1)
            first = _token_index(toks, start)
            last = _token_index(toks, start + len(m.group(1)) - 1)
            out.append(Candidate(m.group(1), first, last, 1.0, "appositive"))
        head = text[: toks[a].start]
        m = re.search(r"(?:^|[,;:]\s*)((?:[Tt]he|[Aa]n?|[A-Z][\w-]*['’]s)\s+[^,;:()]+?),\s*$", head)
        if m:
            first = _token_index(toks, m.start(1))
            last = _token_index(toks, m.end(1) - 1)
            out.append(Candidate(m.group(1), first, last, 1.0, "appositive"))
        k = a - 1
        while (
            k >= 0
            and (not toks[k].capitalised or (k == 0 and getAllLemmas(toks[k].lower)))  # "Opposition lawmaker X"
            and toks[k].lower not in STOP
            and _gap(text, toks[k], toks[k + 1]) == " "
        ):
            k -= 1
        if k + 1 < a:
            out.append(Candidate(_span_text(text, toks, k + 1, a - 1), k + 1, a - 1, 0.8, "appositive"))
    return out


def _speech_word(word: str) -> bool:
    return is_speech(word.lower())


_ELABORATORS = frozenset(
    ["mostly", "mainly", "largely", "chiefly", "primarily", "including", "especially", "notably", "namely", "among"]
)


def elaboration_candidates(text: str, toks: list[Token], anchors: Collection[int]) -> list[Candidate]:
    """Who or what an event concerns, spelt out after a comma or colon right behind it.

    "... hostages would go free, mostly women, men over 60 and ..." and "... allowed to cross:
    pupils, hospital staff and ..." name the members of a group the sentence has just counted
    or described. The elaboration runs to the end of the sentence (or a semicolon or dash) and
    must follow within three words of one of the question's words.
    """
    out: list[Candidate] = []
    for i in range(len(toks) - 1):
        gap = text[toks[i].end : toks[i + 1].start]
        colon = ":" in gap
        if not (colon or gap.strip() == ","):
            continue
        if not any(i - 3 <= a <= i for a in anchors):
            continue
        start = i + 1
        if not colon and toks[start].lower not in _ELABORATORS:
            continue
        last = start
        while last + 1 < len(toks) and not re.search(r"[;—–]|\s-\s", text[toks[last].end : toks[last + 1].start]):
            last += 1
        if last - start > 20:
            continue
        out.append(Candidate(text[toks[start].start : toks[last].end], start, last, bonus=1.0, value="elaboration"))
    return out
