"""Schedule slots: the date a thing is set for, while that date is still to come.

"The commission has extended its deadline for a decision to 25 April", "the fiscal plan ... would be
delayed to 17 November": a date after the article's publication, tied to the thing it is the date of
(`s:d:NOUN`, with the owner when the sentence names one: `s:d:deadline@commission`). A later article
that sets another date to come for the same thing has moved it. A date already past when reported
is an event ("cleared the deal on 13 October"), not a schedule, and gives no slot.
"""

from __future__ import annotations

from datetime import datetime

from bot.understand.language.annotation import Annotated, DateRef, Tok
from bot.understand.language.dates import moves_date
from bot.understand.language.people import PERSON_NOUNS
from bot.understand.updates.facts import content_lemma
from bot.understand.updates.slot import Slot

# prepositions that set a date for something ("moved to 31 January", "due by 22 May", "set for Friday");
# not "from", which gives the date it had
SETTING_PREPS = frozenset(["to", "until", "till", "by", "on", "for", "before", "of"])
_OBJECTS = ("dobj", "nsubjpass", "nsubj")
DATE_NOUNS = frozenset(["deadline", "date"])  # "a deadline of 18 October": the noun is the date's own


def schedule_slots(a: Annotated, published: datetime | None) -> list[Slot]:
    """One slot per date still to come that the sentence sets for a thing it names."""
    if published is None:
        return []
    today = published.date().isoformat()
    out: dict[str, Slot] = {}
    for d in a.dates:
        if not d.first or d.first <= today:
            continue
        thing = _scheduled_thing(a, d)
        if thing is None or thing.lemma.lower() in PERSON_NOUNS:
            continue
        owner = _owner(a, thing)
        key = f"s:d:{thing.lemma.lower()}" + (f"@{owner}" if owner else "")
        value = d.first if d.first == d.last else f"{d.first}..{d.last}"
        context = frozenset(u for c in a.children(thing.i) if c.dep in ("amod", "compound")
                            if (u := content_lemma(c)))
        if key not in out or _moved_to(a, d):  # "the plan due on 31 October would be delayed to 17 November"
            out[key] = Slot(key, value, d.text, context)
    return list(out.values())


def _moved_to(a: Annotated, d: DateRef) -> bool:
    """The date is where a date was moved to: "delayed to 17 November", "extended ... to 25 April",
    "put off until 31 July"."""
    before = a.tokens[d.start - 1] if d.start else None
    return before is not None and before.lower in ("to", "until") and moves_date(a, before.head)


def _scheduled_thing(a: Annotated, d: DateRef) -> Tok | None:
    """The noun the date is set for: the noun its preposition hangs on ("a deadline of 18 October"),
    or the verb's object or subject ("extended its deadline to 25 April", "the plan was delayed to
    17 November"), or the noun a "due" describes ("the plan due on 31 October")."""
    root = next((t for t in a.tokens[d.start:d.end] if not d.start <= t.head < d.end or t.head == t.i), None)
    if root is None or root.head == root.i:
        return None
    prep = a.tokens[root.head]
    if prep.lower not in SETTING_PREPS or prep.dep != "prep" or prep.head == prep.i:
        return None
    head = a.tokens[prep.head]
    if head.pos == "NOUN":
        return head if prep.lower != "of" or head.lemma.lower() in DATE_NOUNS else None
    if prep.lower == "of":
        return None
    if head.pos == "ADJ" and head.dep in ("amod", "acl") and a.tokens[head.head].pos == "NOUN":
        return a.tokens[head.head]  # "the fiscal plan due on 31 October"
    if head.pos not in ("VERB", "AUX", "ADJ"):
        return None
    if head.dep == "acomp":  # "the vote is due on 2 February": the subject of "is"
        head = a.tokens[head.head]
    kids = list(a.children(head.i))
    return next((c for dep in _OBJECTS for c in kids if c.dep == dep and c.pos == "NOUN" and not c.ent), None)


def _owner(a: Annotated, thing: Tok) -> str:
    """Whose the thing is: its possessor ("the CMA's deadline"), or for "its"/"their" the subject of
    the clause ("the commission has extended its deadline")."""
    poss = next((c for c in a.children(thing.i) if c.dep == "poss"), None)
    if poss is None:
        return ""
    if poss.pos != "PRON":
        return poss.lemma.lower()
    verb = a.tokens[thing.head]
    subject = next((c for c in a.children(verb.i) if c.dep == "nsubj" and c.pos in ("NOUN", "PROPN")), None)
    return subject.lemma.lower() if subject is not None else ""
