"""A holder who has since left: "who is running Boeing now?" is not answered with the chief
executive of an older report when a later one says he stepped down (unless a still later one brings
him back).

Only the answer's own surname is looked up: sentences where that name is the subject of a verb of
leaving ("resigned", "stepped down") or the object of one of removal ("ousted", "was fired"),
asserted (not negated, not in a quotation, not "refused to resign"), and sentences where it is
brought back ("was reappointed", "returned as").
"""

from __future__ import annotations

from datetime import datetime

from bot.domain import SentenceHit
from bot.understand.answer import weights as W
from bot.understand.answer.question import Kind, Question
from bot.understand.answer.relation import asks_present
from bot.understand.answer.retrieve import SentenceSearch
from bot.understand.answer.score import Scored
from bot.understand.language.annotation import Annotated, Tok
from bot.understand.language.people import (
    LEAVING_POST,
    REMOVING_FROM_POST,
    RESTORING_TO_POST,
    RETURNING_TO_POST,
    post_left,
)

_QUOTE_MARKS = frozenset(['"', "“", "”"])
_HEDGES = frozenset("would could might may should if whether".split())


def since_left(q: Question, lead: Scored, search: SentenceSearch, story: str | None) -> SentenceHit | None:
    """The newer sentence saying the lead answer's person left the post, when the question asks who
    holds it now and no still newer sentence brings them back; else None."""
    if q.kind not in (Kind.PERSON, Kind.AGENT) or not asks_present(q):
        return None
    a = lead.evidence.parsed
    names = []  # the first run of proper nouns ("Penny Mordaunt, the leader of the Commons": Penny Mordaunt)
    for t in a.tokens[lead.candidate.start:lead.candidate.end]:
        if t.pos == "PROPN":
            names.append(t)
        elif names:
            break
    if not names or (e := a.entity_at(names[-1].i)) is not None and e.label not in ("PERSON", "GPE", "NORP"):
        return None  # a person's name (the tagger takes some surnames for places); not a company's
    surname = names[-1].text
    since = published_at(lead.evidence.hit)
    query = " ".join([surname, *sorted(LEAVING_POST | REMOVING_FROM_POST)])
    left: tuple[datetime, SentenceHit] | None = None
    back: datetime | None = None
    for hit in search.search(query, story, W.HOLDER_READ):
        parsed = Annotated.from_json(hit.sentence.annotation)
        if parsed is None or hit.sentence.id == lead.evidence.hit.sentence.id:
            continue
        for t in parsed.tokens:
            if t.text != surname:
                continue
            when = published_at(hit)
            if _leaves(parsed, t) and when >= since and (left is None or when > left[0]):
                left = (when, hit)
            elif _restored(parsed, t) and (back is None or when > back):
                back = when
    if left is None or back is not None and back > left[0]:
        return None
    return left[1]


def published_at(hit: SentenceHit) -> datetime:
    """When the sentence's article was published, naive, for ordering (undated: earliest of all)."""
    published = hit.sentence.published
    return published.replace(tzinfo=None) if published else datetime.min


def _name_head(a: Annotated, t: Tok) -> Tok:
    """The head of the name the token is part of ("Dennis Muilenburg": Muilenburg)."""
    while t.dep in ("compound", "flat") and a.tokens[t.head].pos == "PROPN":
        t = a.tokens[t.head]
    return t


def _asserted(a: Annotated, verb: Tok) -> bool:
    """Neither negated, hedged, quoted, nor wanted by someone else ("refused to resign", "urged to quit")."""
    if any(c.dep == "neg" or c.lower in _HEDGES for c in a.children(verb.i)):
        return False
    return verb.dep not in ("xcomp", "acl") and sum(1 for x in a.tokens[:verb.i] if x.text in _QUOTE_MARKS) % 2 == 0


def _leaves(a: Annotated, t: Tok) -> bool:
    name = _name_head(a, t)
    if not _asserted(a, a.tokens[name.head]):
        return False
    gone = post_left(a, name.head)
    return gone == "left" and name.dep == "nsubj" or gone == "removed" and name.dep in ("dobj", "nsubjpass")


def _restored(a: Annotated, t: Tok) -> bool:
    name = _name_head(a, t)
    verb = a.tokens[name.head]
    if verb.pos != "VERB" or not _asserted(a, verb):
        return False
    # the small model lemmatises some of these badly ("reappointed" -> "reappointe"): the form counts too
    restoring = verb.lemma.lower() in RESTORING_TO_POST or any(
        verb.lower.startswith(v) for v in RESTORING_TO_POST if len(v) > 5)
    returning = name.dep == "nsubj" and verb.lemma.lower() in RETURNING_TO_POST
    return returning or name.dep in ("dobj", "nsubjpass") and restoring
