"""Dates in a parsed sentence, resolved against the article's publication date.

"on Sunday" is the Sunday on or before publication (the next one when the sentence looks ahead:
"will", "expected", "due"...); "last month", "next week", "yesterday", "three days ago",
"February 11", "11 Feb 2024", "in June", "2023" become the calendar days they name. Expressions
that name no day ("the past few weeks", "six weeks") keep empty bounds.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta

from bot.understand.language.annotation import Annotated, DateRef
from bot.understand.language.numbers import number_value

MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
WEEKDAYS = {name.lower(): i for i, name in enumerate(calendar.day_name)}
ONSET_VERBS = frozenset(["begin", "start", "erupt"])  # main verbs of a sentence telling how a story began
LOOKING_AHEAD = frozenset(["will", "expect", "due", "schedule", "plan", "set", "upcoming", "next", "shall", "later"])
# verbs that move a date to a later one ("delayed to 17 November", "extended its deadline to 25 April")
MOVING_DATES = frozenset(["delay", "postpone", "extend", "push", "move", "reschedule", "adjourn", "defer"])
# ... and phrasal verbs that do ("put off the hearing until 31 July", "pushed back to March")
PHRASAL_MOVES = frozenset([("put", "off"), ("put", "back"), ("push", "back"), ("move", "back"), ("bring", "forward")])
AHEAD_DAYS = 330  # a day and month named as still to come are within this many days of the report
PAST_FOR_AHEAD = 180  # ... and one looking ahead that would be this many days past is next year's
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}


def _span(first: date, last: date | None = None) -> tuple[str, str]:
    return first.isoformat(), (last or first).isoformat()


def _month_range(year: int, month: int) -> tuple[str, str]:
    return _span(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]))


def _shift_month(day: date, months: int) -> tuple[int, int]:
    index = day.year * 12 + day.month - 1 + months
    return index // 12, index % 12 + 1


def resolve(words: list[str], published: date, ahead: bool) -> tuple[str, str]:
    """The first and last ISO day a date expression names, or ("", "") when it names none."""
    low = [w.lower().rstrip(".") for w in words]
    text = " ".join(low)
    if re.search(r"\b(today|tonight|this (morning|afternoon|evening))\b", text):
        return _span(published)
    if "yesterday" in low:
        return _span(published - timedelta(days=1))
    if "tomorrow" in low:
        return _span(published + timedelta(days=1))
    ago = re.search(r"(\S+(?: \S+)?) (day|week|month|year)s? ago", text)
    if ago:
        count = number_value(ago.group(1).split()[-1:]) or number_value(ago.group(1).split())
        if count:
            return _span(published - timedelta(days=int(count * _UNIT_DAYS[ago.group(2)])))
    for unit in ("week", "month", "year"):
        rel = re.search(rf"\b(last|this|next|past|coming|earlier this|later this) {unit}\b", text)
        if rel:
            return _relative(rel.group(1), unit, published)
    month = next((MONTHS[w] for w in low if w in MONTHS and w not in ("may", "mar") or w in ("may",) and
                  any(x.isdigit() for x in low)), None)
    year = next((int(w) for w in low if re.fullmatch(r"(19|20)\d\d", w)), None)
    day = next((int(w.rstrip("thsndr")) for w in low
                if re.fullmatch(r"\d{1,2}(st|nd|rd|th)?", w) and 1 <= int(w.rstrip("thsndr")) <= 31), None)
    if month:
        guess_year = year or published.year
        if day:
            try:
                found = date(guess_year, month, day)
            except ValueError:
                return "", ""
            if year is None and found > published + timedelta(days=AHEAD_DAYS if ahead else 60):
                found = found.replace(year=guess_year - 1)
            elif year is None and ahead and found < published - timedelta(days=PAST_FOR_AHEAD):
                found = found.replace(year=guess_year + 1)  # "due on 2 February", said in December
            return _span(found)
        if year is None and date(guess_year, month, 1) > published + timedelta(days=AHEAD_DAYS if ahead else 60):
            guess_year -= 1
        elif year is None and ahead and date(guess_year, month, 28) < published - timedelta(days=PAST_FOR_AHEAD):
            guess_year += 1  # "talks would start in January", said in November
        return _month_range(guess_year, month)
    if year and not day:
        return _span(date(year, 1, 1), date(year, 12, 31))
    weekday = next((WEEKDAYS[w] for w in low if w in WEEKDAYS), None)
    if weekday is not None:
        if "next" in low or ahead:
            delta = (weekday - published.weekday()) % 7 or 7
            return _span(published + timedelta(days=delta))
        delta = (published.weekday() - weekday) % 7
        if "last" in low and delta == 0:
            delta = 7
        return _span(published - timedelta(days=delta))
    return "", ""


def _relative(which: str, unit: str, published: date) -> tuple[str, str]:
    step = {"last": -1, "past": -1, "this": 0, "earlier this": 0, "later this": 0, "next": 1, "coming": 1}[which]
    if unit == "week":
        monday = published - timedelta(days=published.weekday()) + timedelta(weeks=step)
        first, last = monday, monday + timedelta(days=6)
    elif unit == "month":
        y, m = _shift_month(published, step)
        first, last = date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])
    else:
        first, last = date(published.year + step, 1, 1), date(published.year + step, 12, 31)
    if which == "earlier this":
        last = published
    elif which == "later this":
        first = published
    return _span(first, last)


def resolve_dates(a: Annotated, published: datetime | None) -> list[DateRef]:
    """Every DATE expression of the sentence with the days it names (empty bounds if unresolved)."""
    out: list[DateRef] = []
    for ent in a.entities:
        if ent.label != "DATE":
            continue
        words = [t.text for t in a.tokens[ent.start:ent.end]]
        first, last = resolve(words, published.date(), _looks_ahead(a, ent.start, ent.end)) if published else ("", "")
        out.append(DateRef(ent.start, ent.end, ent.text, first, last))
    return out


def _looks_ahead(a: Annotated, start: int, end: int) -> bool:
    """Whether the clause a date is in looks ahead: "will meet on Sunday", "the plan due on 31
    October", "would be delayed to 17 November" (not "said on Wednesday that talks will resume")."""
    verb = a.clause_verb(end - 1)
    k = end - 1
    for _ in range(6):  # from the date up to its clause's verb: "due", "scheduled for", "delayed to"
        if moves_date(a, k) or a.tokens[k].lemma.lower() in LOOKING_AHEAD and a.tokens[k].pos != "NOUN" and not any(
                c.dep == "prt" for c in a.children(k)):  # (not "set off", not "the plan")
            return True
        if k == verb and a.tokens[k].dep == "xcomp":  # "is due to give its decision by 22 May"
            verb = a.tokens[k].head
        elif k == verb or a.tokens[k].head == k:
            break
        k = a.tokens[k].head
    return any(c.dep in ("aux", "auxpass") and c.lower in ("will", "would", "shall", "'ll") or
               c.dep in ("aux", "advmod", "npadvmod") and c.lemma.lower() in LOOKING_AHEAD for c in a.children(verb))


def moves_date(a: Annotated, verb: int) -> bool:
    """Whether the word moves a date ("delayed", "postponed", "put off", "pushed back"; not "the delay")."""
    t = a.tokens[verb]
    if t.pos == "NOUN":
        return False
    particles = {c.lower for c in a.children(verb) if c.dep == "prt"}
    lemma = t.lemma.lower()
    return any((lemma, p) in PHRASAL_MOVES for p in particles) or lemma in MOVING_DATES and not particles


def over_a_year_before(ref: DateRef, published: datetime) -> bool:
    """Whether the date ends more than a year before the report: history, not the story's news."""
    return bool(ref.last) and (published.date() - date.fromisoformat(ref.last)).days > 365


def dated_years_back(a: Annotated, i: int, published: datetime | None) -> bool:
    """Whether the clause of token i carries a date more than a year before the report: "the 85
    people killed in 2018", "since 1994, when 23 people died". Such a figure is history, not the
    story's current value."""
    if published is None:
        return False
    verb = a.clause_verb(i)
    for ref in a.dates:
        if not over_a_year_before(ref, published):
            continue
        dated = a.clause_verb(ref.end - 1)
        since = ref.start > 0 and a.tokens[ref.start - 1].lower == "since"  # "its lowest since 1985": up to now
        if dated == verb and not since or \
                a.tokens[verb].dep == "relcl" and (ref.start <= a.tokens[verb].head < ref.end or
                                                   a.tokens[ref.end - 1].head in _described(a, verb)) or \
                a.tokens[dated].dep in ("acl", "relcl") and a.tokens[dated].head in (i, a.tokens[i].head):
            # "the 85 people killed in 2018", "the 1999 earthquake, which killed 17,000 people": the date is
            # on what the figure counts, or on the noun its clause describes
            return True
    return False


def _described(a: Annotated, relcl: int) -> set[int]:
    """The noun a relative clause hangs on, and the nouns that one sits in a phrase of ("the 1999
    earthquake near Izmit, which ...": Izmit and the earthquake)."""
    out: set[int] = set()
    node = a.tokens[a.tokens[relcl].head]
    for _ in range(2):
        out.add(node.i)
        if node.dep != "pobj" or node.head == node.i:
            break
        node = a.tokens[a.tokens[node.head].head]
    return out
