"""Numbers in a parsed sentence, with their value, unit and the noun they count.

"the remaining 136 hostages" -> 136, noun "hostage"; "1.3 million people" -> 1,300,000 "person";
"a 45-minute call" -> 45 "minute"; "$2.5 billion" -> 2.5e9 "$"; "40 of the 130 hostages" -> 40 and
130 "hostage". Numbers inside calendar dates ("June 18", "2023") are dates, not quantities; a number
followed by a unit of time ("six weeks", "96 hours") is a duration and kept, unit the time word.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.understand.language.annotation import Annotated, Quantity, Tok

SMALL = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "dozen": 12, "a": 1, "an": 1,
}
SCALE = {"hundred": 100, "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12, "m": 1e6, "bn": 1e9}
TIME_UNITS = frozenset(["second", "minute", "hour", "day", "night", "week", "month", "year", "decade"])
CURRENCY = {"$": "$", "£": "£", "€": "€", "dollar": "$", "pound": "£", "euro": "€", "franc": "CHF", "yen": "JPY",
            "yuan": "CNY", "rupee": "INR", "lira": "TRY", "rouble": "RUB", "ruble": "RUB", "won": "KRW",
            "peso": "peso", "rand": "ZAR", "naira": "NGN", "shekel": "ILS", "zloty": "PLN", "baht": "THB",
            "ringgit": "MYR", "rupiah": "IDR", "hryvnia": "UAH", "krona": "SEK", "krone": "krone",
            "dinar": "dinar", "dirham": "AED", "riyal": "SAR"}
# ISO 4217 codes news copy writes before a figure ("CHF3bn", "CHF 3bn")
CURRENCY_CODES = frozenset("""
    USD EUR GBP CHF JPY CNY RMB INR AUD CAD HKD SEK NOK DKK RUB TRY ZAR BRL MXN SGD KRW NZD PLN CZK HUF ILS AED SAR
""".split())
MONEY_UNITS = frozenset(CURRENCY.values()) | CURRENCY_CODES
PERCENT = frozenset(["%", "percent", "per cent", "percentage"])
# nouns that are units of length, area, speed, volume or weight ("12,000 litres" is a measure, not a count)
UNIT_NOUNS = frozenset("""
    mile kilometre kilometer km metre meter m foot feet ft yard inch mph knot acre hectare square nautical
    kg kilogram kilogramme tonne ton litre liter gallon barrel
""".split())
TALLY_NOUNS = frozenset("number total tally count".split())  # "the number of X" counts X
MEASURE_LABELS = frozenset(["CARDINAL", "MONEY", "PERCENT", "QUANTITY", "DATE", "TIME", "ORDINAL"])
_NUMERIC = re.compile(r"^[0-9][0-9,]*(?:\.[0-9]+)?$")
# a figure written with its scale in one word, as money is in news copy ("$4.5bn", "£68.7m", "2tn")
_SCALED = re.compile(r"^([0-9][0-9,]*(?:\.[0-9]+)?)(bn|m|tn|k)$")
_SCALED_BY = {"k": 1e3, "m": 1e6, "bn": 1e9, "tn": 1e12}
# ... and with a currency's code in the same word ("CHF9bn", "USD1.2m")
_CODED = re.compile(r"^(" + "|".join(sorted(CURRENCY_CODES)) + r")([0-9][0-9,]*(?:\.[0-9]+)?(?:bn|m|tn|k)?)$")


def number_value(words: list[str]) -> float | None:
    """The value of a run of number words ("1.3", "million") or None when it is not a number."""
    total = 0.0
    current: float | None = None
    for raw in words:
        if coded := _CODED.match(raw):
            raw = coded.group(2)
        word = raw.lower().replace(",", "")
        if _NUMERIC.match(word):
            current = (current or 0) + float(word)
        elif scaled := _SCALED.match(word):
            total += float(scaled.group(1)) * _SCALED_BY[scaled.group(2)]
        elif word in SMALL:
            current = (current or 0) + SMALL[word]
        elif word in SCALE and current is not None:
            if SCALE[word] >= 1000:
                total += current * SCALE[word]
                current = None
            else:
                current *= SCALE[word]
        elif word in ("-", "and"):
            continue
        else:
            return None
    if current is None and total == 0:
        return None
    return total + (current or 0)


def _is_number(t: Tok) -> bool:
    return t.tag == "CD" or (t.pos == "NUM") or t.lower in SCALE and t.i > 0 or bool(_SCALED.match(t.lower)) or \
        bool(_CODED.match(t.text))


def _date_number(a: Annotated, t: Tok) -> bool:
    """A number that belongs to a calendar date (a day of the month, a year), not a quantity."""
    if not t.ent.endswith(("-DATE", "-TIME")) or _followed_by_time_unit(a, t.i):
        return False
    ent = a.entity_at(t.i)
    lone = ent is not None and ent.end - ent.start == 1 and t.text.isdigit() and len(t.text) < 4
    return not (lone and t.ent.endswith("-DATE"))  # a lone "89" tagged a date ("put the toll at 89") counts


def _followed_by_time_unit(a: Annotated, i: int) -> bool:
    for t in a.tokens[i + 1:i + 4]:
        if t.text == "-":
            continue
        if t.lemma.lower() in TIME_UNITS:
            return True
        if not _is_number(t):
            return False
    return False


def _tens_then_units(toks: Sequence[Tok], j: int) -> bool:
    """Whether tokens j, j+1, j+2 are a tens word, a hyphen and a units word ("ninety", "-", "eight")."""
    if j + 2 >= len(toks) or toks[j + 1].text != "-":
        return False
    tens, units = SMALL.get(toks[j].lower), SMALL.get(toks[j + 2].lower)
    return tens is not None and tens >= 20 and tens % 10 == 0 and units is not None and 1 <= units <= 9


def quantities_of(a: Annotated) -> list[Quantity]:
    """Every quantity in the sentence, in order."""
    out: list[Quantity] = []
    toks = a.tokens
    i = 0
    while i < len(toks):
        t = toks[i]
        if not _is_number(t) or t.lower in ("a", "an") or _date_number(a, t) or t.ent.endswith("-ORDINAL"):
            i += 1
            continue
        j = i
        while j + 1 < len(toks) and (_is_number(toks[j + 1]) and toks[j + 1].lower not in ("a", "an")):
            j += 1
        if _tens_then_units(toks, j):
            j += 2  # "Ninety-eight", split by the tokeniser into "Ninety", "-", "eight": one number
        value = number_value([x.text for x in toks[i:j + 1]])
        if value is None and t.lower in SCALE and i and toks[i - 1].lower in ("a", "an"):
            value = SCALE[t.lower]  # "a million civilians"
        if value is None:
            i = j + 1
            continue
        start, end = i, j + 1
        unit, noun = "", ""
        before = toks[i - 1] if i else None
        if coded := _CODED.match(t.text):
            unit = coded.group(1)
        elif before is not None and (before.text in CURRENCY_CODES or
                                     before.text in CURRENCY and not before.text.isalpha()):  # "$5", not "won 5"
            unit, start = CURRENCY.get(before.text, before.text), i - 1
        after = toks[end] if end < len(toks) else None
        if after is not None and after.text == "-" and end + 1 < len(toks):  # "45-minute", "six-week"
            after = toks[end + 1]
        if after is not None and after.pos == "PROPN" and end + 1 < len(toks) and \
                toks[end + 1].lemma.lower() in CURRENCY and toks[end + 1].text.isalpha():
            after = toks[end + 1]  # "70 million US dollars", "5 billion Hong Kong dollars": the country's currency
        if after is not None:
            lemma = after.lemma.lower()
            verb_object = end + 1 < len(toks) and toks[end + 1].pos in ("DET", "NUM", "PROPN", "PRON")
            if after.lower == "won" and not verb_object:
                lemma = "won"  # "a reward of 500 million won for ...": the currency, not the verb
            if lemma in PERCENT:
                unit, end = "%", after.i + 1
            elif lemma in CURRENCY and not unit:
                unit, end = CURRENCY[lemma], after.i + 1
            elif lemma in TIME_UNITS:
                unit, end = lemma, after.i + 1
            elif after.pos in ("NOUN", "PROPN") and lemma not in SCALE:
                unit = lemma if after.ent.endswith("-QUANTITY") else ""
                if not unit:
                    noun = lemma
                    head = toks[after.head]
                    if after.dep == "compound" and head.pos == "NOUN" and after.i < head.i <= after.i + 2:
                        noun = head.lemma.lower()  # "2,300 transit workers" counts workers
        if not noun and not unit:
            if _designation(a, i, j):
                i = j + 1
                continue
            noun = _counted_noun(a, j)
        out.append(Quantity(start, end, value, unit, noun, a.span(start, end)))
        i = j + 1
    return out


def _designation(a: Annotated, i: int, j: int) -> bool:
    """A number naming one of a kind, set right after its noun ("unit 4", "Flight 1282", "units 1 and
    3", "Apollo 11"): a count comes before what it counts."""
    t = a.tokens[j]
    head = a.tokens[t.head]
    if t.dep == "conj" and head.i < i:  # "units 1 and [3]": joined to the first number, or to the noun
        first = a.tokens[head.i + 1] if head.pos in ("NOUN", "PROPN") else head
        return _is_number(first) and _designation(a, first.i, first.i)
    return t.dep in ("nummod", "appos", "compound") and head.pos in ("NOUN", "PROPN") and head.i == i - 1


def _counted_noun(a: Annotated, j: int) -> str:
    """The noun a number counts when it is not right after it: its head, or "of the N nouns"."""
    t = a.tokens[j]
    head = a.tokens[t.head]
    if t.dep in ("nummod", "quantmod", "compound") and head.pos in ("NOUN", "PROPN") and head.i != t.i:
        return head.lemma.lower()
    if noun := _counted_noun_of(a, t.i):
        return noun
    if t.dep == "pobj" and head.lower in ("at", "to"):  # "put the number of residents ... at 27,399"
        k = head.head
        for _ in range(5):  # (the parser may hang "at" on a word inside the tally's phrase)
            if a.tokens[k].lemma.lower() in TALLY_NOUNS:
                return _counted_noun_of(a, k)
            for tally in a.children(k):
                if tally.dep in ("dobj", "nsubj", "nsubjpass") and tally.lemma.lower() in TALLY_NOUNS:
                    return _counted_noun_of(a, tally.i)
            k = a.tokens[k].head
    return ""


def _counted_noun_of(a: Annotated, i: int) -> str:
    """The noun of an "of" phrase after a number or a tally ("40 [of the hostages]", "the number [of
    residents]")."""
    for child in a.children(i):
        if child.dep == "prep" and child.lower == "of":
            for obj in a.children(child.i):
                if obj.dep == "pobj" and obj.pos == "NOUN":
                    return obj.lemma.lower()
    return ""


ADDED = frozenset("another further additional extra".split())  # "another 330 workers", "300 extra jobs"
MORE = frozenset(["more", "fewer"])  # after the figure: "2.4 million more Americans"


def is_increment(a: Annotated, start: int, end: int) -> bool:
    """Whether the figure in tokens [start, end) is an addition to an earlier one ("four more boys",
    "a further 300 jobs", "another 330 workers"), not a count as it stands; "another 86 people were
    still missing" counts the others as they stand."""
    if any(t.lower == "still" or t.lemma.lower() == "remain" and t.pos in ("VERB", "AUX") for t in a.tokens):
        return False
    span = a.tokens[max(0, start - 1):min(len(a.tokens), end + 1)]  # with the word either side
    return any(t.lower in ADDED or t.lower in MORE and t.i > 0 and a.tokens[t.i - 1].pos == "NUM" for t in span)
