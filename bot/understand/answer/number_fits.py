"""How a figure fits beyond its type: a change rather than a level ("rose by 2%"), what it was before
a revision, a prediction, demand or bound rather than the outcome, a rate asked as a total, a figure
its own clause dates years back, the figure a correction set or one said not to hold, the whole a
counted part is taken from, and what a measure is of."""

from __future__ import annotations

from datetime import date

from bot.understand.answer import weights as W
from bot.understand.answer.candidates import Candidate
from bot.understand.answer.quantities import counted_token
from bot.understand.answer.question import Kind, Question
from bot.understand.answer.question_parts import MEASURE_UNITS
from bot.understand.answer.retrieve import Evidence
from bot.understand.answer.vocabulary import CHANGE_VERBS, related
from bot.understand.language.annotation import Annotated, Tok
from bot.understand.language.dates import ONSET_VERBS, dated_years_back
from bot.understand.language.numbers import ADDED, MORE, is_increment


def shape_of_number(q: Question, ev: Evidence, cand: Candidate) -> float:
    """Penalties for a number that is a change ("rose by 2%") or, for "now/latest" questions, a
    figure from long before its report ("the highest turnout since the war was 83.9% in 1950")."""
    a = ev.parsed
    out = 0.0
    before = a.tokens[cand.start - 1] if cand.start > 0 else None
    if before is not None and before.lower == "by" and a.tokens[before.head].lemma.lower() in CHANGE_VERBS:
        out += W.CHANGE_AMOUNT
    after = a.tokens[cand.end] if cand.end < len(a.tokens) else None
    verb = a.tokens[a.tokens[cand.head].head]
    if a.tokens[cand.head].dep == "dobj" and verb.lemma.lower() in ("gain", "lose") and \
            q.relation not in CHANGE_VERBS:
        out += W.CHANGE_AMOUNT  # "gained 63 seats to finish on 71": 63 is the change
    source = before if before is not None and before.lower == "from" else _from_of(a, cand)
    if source is not None and (after is not None and after.lower == "to" or any(
            c.lower == "to" and c.dep == "prep" for c in a.children(source.head))):
        out += W.CHANGE_AMOUNT  # "fell from 41 to 31", "raised it to $12 million from $5 million": what it was
    if is_increment(a, cand.start, cand.end) and not any(t.lower in ADDED | MORE for t in q.parsed.tokens):
        out += W.INCREMENT  # "2.4 million more Americans" adds to a count; it is not the count
    if q.latest and a.tokens[a.root].lemma.lower() in ONSET_VERBS:
        out += W.ONSET  # "The crisis began with ..., when 1,200 people were killed": not the toll so far
    if _whole_of_part(a, cand):
        out += W.WHOLE_OF_PART  # "About 50 of the train's roughly 150 cars left the track": 50 left
    if _denied(a, counted_token(a, cand)):
        out += W.NOT_ASSERTED  # "about 42,000 gallons, not the 60,000 gallons cited earlier"
    out += not_the_outcome(q, a, cand)
    out += rate_mismatch(q, a, cand)
    published = ev.hit.sentence.published
    # "since 1994, when 23 people died": a figure of years before; for "now" any date that old
    if published is not None and not q.dates and (dated_years_back(a, cand.head, published) or q.latest and any(
            ref.last and (published.date() - date.fromisoformat(ref.last)).days > 365 for ref in a.dates)):
        out += W.HISTORIC
    if sets_corrected_figure(a, cand):
        out += W.CORRECTED  # "corrected the death toll to 16 people": the figure now stands at this
    if asks_total(q):
        out += W.TOTAL_SO_FAR if gives_total(a, cand) else W.ONE_OCCASION if of_one_occasion(a, cand) else 0.0
    return out


_TOTAL_NOUNS = frozenset(["total", "tally"])
_RUNNING = frozenset(["since", "by", "so", "to", "as", "until", "through", "throughout"])  # "since June", "by Monday"


def asks_total(q: Question) -> bool:
    """The question asks a count or sum up to now, or all told: "so far", "to date", "in all", "altogether"."""
    low = q.text.lower()
    return q.kind is not Kind.PERCENT and (any(p in low for p in (*_ALL_TOLD, "to date")) or
                                           any(t.lower in ("altogether", "overall") for t in q.parsed.tokens))


def gives_total(a: Annotated, cand: Candidate) -> bool:
    """The sentence gives the figure as a total: "bringing the total to about 7,000", "a total of 2,438
    people", "295 bodies in all", "In all, about 52,000 vials"."""
    t = a.tokens[cand.end - 1]
    for _ in range(4):
        head = a.tokens[t.head]
        if head.lemma.lower() in _TOTAL_NOUNS and t.dep == "prep":
            return True  # "a total of [2,438 people]"
        if t.dep == "pobj" and head.lower in ("to", "at") and any(
                c.dep == "dobj" and c.lemma.lower() in _TOTAL_NOUNS for c in a.children(head.head)):
            return True  # "bring the total to 7,000"
        if t.head == t.i:
            break
        t = head
    after = " ".join(x.lower for x in a.tokens[cand.end:cand.end + 3])
    opening = " ".join(x.lower for x in a.tokens[:2])
    return after.startswith(("in all", "in total", "altogether")) or opening in ("in all", "altogether ,")


def of_one_occasion(a: Annotated, cand: Candidate) -> bool:
    """The figure is told of one day or one event ("were arrested at a New Year's Day protest", "were
    killed on Sunday"), not as the running count since something ("since June", "by Monday")."""
    verb = a.clause_verb(cand.head)
    lo, hi = a.subtree(verb)
    for ent in a.entities:
        if ent.label not in ("DATE", "EVENT") or not lo <= ent.start < hi or ent.start <= cand.head < ent.end:
            continue
        k, running = ent.end - 1, False
        for _ in range(6):
            running = a.tokens[k].lower in _RUNNING or any(
                c.dep in ("mark", "prep") and c.lower in _RUNNING for c in a.children(k))
            if running or k == verb or a.tokens[k].head == k:
                break
            k = a.tokens[k].head
        if not running and not any(x.lower in _RUNNING for x in a.tokens[max(0, ent.start - 2):ent.start]):
            return True
    return False


def _from_of(a: Annotated, cand: Candidate) -> Tok | None:
    """The "from" whose object the figure is, or a noun it stands beside is ("from a record $152.85bn")."""
    k = a.tokens[cand.end - 1]
    for _ in range(2):
        if k.dep == "pobj" and a.tokens[k.head].lower == "from":
            return a.tokens[k.head]
        if k.head == k.i or a.tokens[k.head].pos not in ("NOUN", "NUM", "SYM"):
            return None
        k = a.tokens[k.head]
    return None


_REVISING = frozenset("correct revise amend adjust update lower".split())


def sets_corrected_figure(a: Annotated, cand: Candidate) -> bool:
    """The figure is what a correction or revision set ("corrected the toll to 16 people") or what a
    sentence gives in place of another ("about 42,000 gallons, not the 60,000 gallons cited earlier")."""
    before = a.tokens[cand.start - 1] if cand.start > 0 else None
    return before is not None and before.lower == "to" and a.tokens[before.head].lemma.lower() in _REVISING or \
        any(c.dep == "appos" and _denied(a, c) for c in a.children(counted_token(a, cand).i))


def _whole_of_part(a: Annotated, cand: Candidate) -> bool:
    """The figure is the whole a part of it is taken from, and the part is what its clause is about
    ("About 50 of the roughly 150 cars left the track")."""
    noun = counted_token(a, cand)
    prep = a.tokens[noun.head]
    if noun.dep != "pobj" or prep.lower != "of" or prep.head == prep.i:
        return False
    part = a.tokens[prep.head]
    return part.pos == "NUM" and part.dep in ("nsubj", "nsubjpass", "dobj") and not cand.start <= part.i < cand.end


def _denied(a: Annotated, t: Tok) -> bool:
    """"not the 60,000 gallons cited by officials": the phrase is said not to hold."""
    return any(c.dep == "neg" for c in a.children(t.i))


_PREDICTION = frozenset(["poll", "forecast", "projection", "predict", "prediction", "survey"])


_BOUND = frozenset(["maximum", "minimum", "potential", "possible"])


_EARLIER = frozenset(["earlier", "initially", "previously", "originally"])


_WANTED = frozenset(["want", "seek", "demand", "urge", "request", "recommend", "propose", "ask", "push"])


_ASKS_EARLIER = frozenset(["initial", "initially", "first", "originally", "original", "earlier", "previous",
                           "previously"])


_PERIODS = frozenset(["day", "week", "month", "year", "hour", "night", "minute"])
_RATE_WORDS = frozenset(["a", "an", "per", "each", "every"])  # "$3 million a day", "per share"
_ALL_TOLD = ("so far", "in all", "in total")  # a question asking the figure up to now, or all told
_PER_PERIOD = {"daily": "day", "weekly": "week", "monthly": "month", "annually": "year", "yearly": "year"}


_TOTAL = frozenset(["total", "altogether", "overall", "cumulative", "combined"])


def _rate_after(a: Annotated, end: int) -> str:
    """The unit of a rate written after a figure ("$3 million a day", "per worker", "each year", "5,000
    barrels of oil a day"), or ""."""
    if end < len(a.tokens) and a.tokens[end].lower == "of":  # past what the figure is of
        end = max([end + 1] + [a.subtree(c.i)[1] for c in a.children(end) if c.dep == "pobj"])
    words = [t.lower for t in a.tokens[end:end + 3]]
    if len(words) >= 2 and words[0] in _RATE_WORDS and words[1] not in ("few", "lot", "number"):
        return a.tokens[end + 1].lemma.lower()
    if words and (words[0] in _PER_PERIOD or words[0] in ("apiece", "each")):
        return words[0]
    return ""


def period_after(a: Annotated, end: int) -> str:
    """The words right after a figure that make it a rate over time ("a month", "per day", "daily"),
    said with the figure in a short answer: without its period a rate reads as a total."""
    after = a.tokens[end:end + 2]
    if len(after) == 2 and after[0].lower in _RATE_WORDS and after[1].lemma.lower() in _PERIODS:
        return f"{after[0].text} {after[1].text}"
    if after and after[0].lower in _PER_PERIOD and after[0].dep == "advmod":
        return after[0].text
    return ""


def rate_mismatch(q: Question, a: Annotated, cand: Candidate) -> float:
    """A figure given per day or per head does not answer a question about a total ("the total cost",
    "over three years"); a question about a rate is not answered by another period's ("a day"), nor one
    per item ("per share") by a figure given with no rate ("each day of the closure cost $12 million"
    keeps its rate before the figure)."""
    rate = _rate_after(a, cand.end)
    words = [t.lower for t in q.parsed.tokens]
    asked_rate = ""
    for i, w in enumerate(words):
        if w in _RATE_WORDS and i + 1 < len(words) and \
                q.parsed.tokens[i + 1].lemma.lower() in _PERIODS:
            asked_rate = q.parsed.tokens[i + 1].lemma.lower()
        elif w in _PER_PERIOD:
            asked_rate = w
        elif w == "per" and i + 1 < len(words) and q.parsed.tokens[i + 1].pos == "NOUN":
            asked_rate = q.parsed.tokens[i + 1].lemma.lower()  # "per share", "per head"
    over_period = any(w == "over" and i + 2 < len(words) and q.parsed.tokens[i + 2].lemma.lower() in _PERIODS
                      for i, w in enumerate(words))
    totals = _TOTAL & set(words) or any(p in q.text.lower() for p in _ALL_TOLD)
    if rate and not asked_rate and (totals or over_period):
        return W.RATE_NOT_TOTAL
    rate, asked_rate = _PER_PERIOD.get(rate, rate), _PER_PERIOD.get(asked_rate, asked_rate)
    if asked_rate in _PERIODS and rate in _PERIODS and rate != asked_rate:
        return W.RATE_NOT_TOTAL
    if asked_rate and asked_rate not in _PERIODS and rate != asked_rate and rate not in ("each", "apiece"):
        return W.RATE_NOT_TOTAL  # "what is he paying per share": not the deal's total, nor "$1 billion a year"
    one_period = any(t.lemma.lower() in _PERIODS and any(
        c.lower in ("first", "last", "that", "one", "opening", "final") or c.tag == "JJ" and c.lower.endswith("th")
        for c in q.parsed.children(t.i)) for t in q.parsed.tokens)
    if rate and not asked_rate and one_period:
        return W.RATE_NOT_TOTAL  # "on its first day" is one day, not "25 million vehicles a year"
    tenses = {t.tag for t in q.parsed.tokens if t.pos in ("VERB", "AUX")}
    if rate and not asked_rate and "VBD" in tenses and not tenses & {"VBZ", "VBP", "MD"}:
        return W.RATE_NOT_TOTAL  # "how many vehicles went into the river": what happened, not "30,000 a day"
    return 0.0


def not_the_outcome(q: Question, a: Annotated, cand: Candidate) -> float:
    """Penalties for a figure that is not the outcome asked about, unless the question asks for that:
    a prediction or a demand ("that poll had the Lib Dems on 52 seats", "are projected to win"); a record or a bound
    ("the highest turnout since the war was 83.9%", "faces a maximum sentence of 50 years"); a figure
    someone gave before ("last month officials said at least 115 had died, but ...")."""
    asked = {t.lemma.lower() for t in q.parsed.tokens} | {t.lower for t in q.parsed.tokens}
    future = any(t.lower in ("will", "would", "expect", "expected") for t in q.parsed.tokens)
    out = 0.0
    predicted = any(t.lemma.lower() in _PREDICTION or t.lemma.lower() == "project" and t.pos == "VERB"
                    for t in a.tokens)
    if predicted and not future and not asked & (_PREDICTION | {"project", "projected"}):
        out += W.PREDICTION
    if not any(t.tag in ("JJS", "RBS") or t.lemma.lower() in _BOUND for t in q.parsed.tokens):
        owner = a.tokens[cand.head].head  # "a maximum sentence of 50 years": the noun the figure is of
        if a.tokens[owner].lower == "of":
            owner = a.tokens[owner].head
        for t in a.tokens:
            if (t.i == owner or q.focus and related(t.lemma.lower(), q.focus)) and any(
                    c.dep == "amod" and (c.tag == "JJS" or c.lemma.lower() in _BOUND) for c in a.children(t.i)):
                out += W.BOUND
                break
    if not asked & _WANTED:  # "they want him to spend as long as 50 years in prison": a demand, not the outcome
        k = cand.head
        for _ in range(4):
            k = a.tokens[k].head
            if a.tokens[k].lemma.lower() in _WANTED and a.tokens[k].pos == "VERB":
                out += W.DEMANDED
                break
            if a.tokens[k].head == k:
                break
    if not asked & _ASKS_EARLIER:
        k, seen = cand.head, 0
        while seen < 8:
            t = a.tokens[k]
            if t.pos in ("VERB", "AUX") and any(
                    c.lower in _EARLIER or c.dep == "npadvmod" and c.lemma.lower() in ("month", "week", "year")
                    and any(d.lower == "last" for d in a.children(c.i)) for c in a.children(k)):
                out += W.STALE
                break
            if t.head == k or t.pos in ("VERB", "AUX") and t.dep == "conj":
                break  # "..., but on Friday they said": a conjoined clause has its own time
            k, seen = t.head, seen + 1
    return out


def measured_thing(a: Annotated, cand: Candidate, unit: str) -> Tok | None:
    """The noun a measure is of: what follows "of" ("4.9 million barrels of oil") or the noun the
    measure qualifies ("a 98-ton steel dome"); None when the sentence does not say."""
    if cand.end < len(a.tokens) and a.tokens[cand.end].lower == "of":
        return next((c for c in a.children(cand.end) if c.dep == "pobj" and c.pos == "NOUN"), None)
    k = cand.head
    while a.tokens[k].dep in ("nummod", "compound", "amod", "quantmod") and a.tokens[k].head != k:
        k = a.tokens[k].head
        t = a.tokens[k]
        if not cand.start <= k < cand.end and t.pos == "NOUN" and t.lemma.lower() != unit:
            return t
    return None


LENGTHS = MEASURE_UNITS["far"]


def measure_of(q: Question, a: Annotated, cand: Candidate, unit: str) -> float:
    """"How much oil leaked": a measure of oil answers; a measure of something else ("a 98-ton steel
    dome", "400,000 gallons of dispersants") does not."""
    thing = measured_thing(a, cand, unit)
    if q.focus and thing is None and not q.units and unit in LENGTHS and \
            not any(t.lower.startswith("sq") for t in a.tokens[cand.start:cand.end]):  # (an area is "sq"/"square")
        return W.FOCUS_MISS  # "how much oil leaked": not the depth "about 5,000 feet" in the same sentence
    if not q.focus or thing is None:
        return 0.0
    return W.FOCUS_FIT / 2 if related(thing.lemma.lower(), q.focus) else W.FOCUS_MISS / 2
