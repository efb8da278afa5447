"""A holder who has since left: "who is running Boeing now?" is not answered with the chief
executive of an older report when a later one says he stepped down (unless a still later one brings
him back).

Only the answer's own surname is looked up: sentences where that name is the subject of a verb of
leaving ("resigned", "stepped down") or the object of one of removal ("ousted", "was fired"),
asserted (not negated, not in a quotation, not "refused to resign"), and sentences where it is
brought back ("was reappointed", "returned as").

The answer then is the successor, when a report since the departure names someone taking the post
("David Calhoun will take over as chief executive", "was replaced by Tarek Bitar") and that sentence
carries the question nearly as well as an answer must; otherwise the bot says it does not know.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.domain import SentenceHit
from bot.understand.answer import weights as W
from bot.understand.answer.question import Kind, Question
from bot.understand.answer.relation import asks_present
from bot.understand.answer.retrieve import SentenceSearch
from bot.understand.answer.score import Scored, score_floor
from bot.understand.language.annotation import Annotated, Tok
from bot.understand.language.people import (
    LEAVING_POST,
    REMOVING_FROM_POST,
    RESTORING_TO_POST,
    RETURNING_TO_POST,
    post_left,
    post_taken,
    posts_of,
)

_QUOTE_MARKS = frozenset(['"', "“", "”"])
_HEDGES = frozenset("would could might may should if whether".split())


@dataclass(frozen=True)
class Departure:
    """Reports since an answer's sentence that its person left the post."""

    reports: tuple[SentenceHit, ...]  # newest first; the newest is shown to the editor
    parsed: tuple[Annotated, ...]  # their annotations, in the same order
    since: datetime  # when the first of them was published


def since_left(q: Question, lead: Scored, search: SentenceSearch, story: str | None) -> Departure | None:
    """The newer reports saying the lead answer's person left the post, when the question asks who
    holds it now and no still newer sentence brings them back; else None."""
    if q.kind not in (Kind.PERSON, Kind.AGENT) or not asks_present(q):
        return None
    surname = _surname(lead)
    if surname is None:
        return None
    since = published_at(lead.evidence.hit)
    query = " ".join([surname, *sorted(LEAVING_POST | REMOVING_FROM_POST)])
    left: list[tuple[datetime, SentenceHit, Annotated]] = []
    back: datetime | None = None
    for hit in search.search(query, story, W.HOLDER_READ):
        parsed = Annotated.from_json(hit.sentence.annotation)
        if parsed is None:
            continue
        for t in parsed.tokens:
            if t.text != surname:
                continue
            when = published_at(hit)
            if _leaves(parsed, t) and when >= since:
                left.append((when, hit, parsed))
            elif _restored(parsed, t) and (back is None or when > back):
                back = when
    left.sort(key=lambda x: x[0], reverse=True)  # (stable: the search's order among one day's reports)
    if not left or back is not None and back > left[0][0]:
        return None
    return Departure(reports=tuple(h for _, h, _ in left), parsed=tuple(p for _, _, p in left), since=left[-1][0])


def successor(q: Question, gone: Scored, departure: Departure, scored: Sequence[Scored],
              search: SentenceSearch, story: str | None) -> Scored | None:
    """The newest candidate a report since the departure names as taking the post, supported nearly
    as well as an answer must be and not itself gone since; else None."""
    floor = score_floor(q) - W.SUCCESSOR_SLACK
    old = _surname(gone)
    held = _posts_held(q, gone, departure, old)
    heirs = [s for s in scored if s.score >= floor and published_at(s.evidence.hit) >= departure.since]
    for s in sorted(heirs, key=lambda s: published_at(s.evidence.hit), reverse=True):
        name = _surname(s)
        if name is None or name == old:
            continue
        a = s.evidence.parsed
        token = next(t for t in a.tokens[s.candidate.start:s.candidate.end] if t.text == name)
        post = post_taken(a, _name_head(a, token).i)
        # the same post: its title, or the departed named in the sentence ("Sawan was replaced by Bitar"),
        # or a report of the departure naming the heir
        same_post = post is not None and (post & held or any(t.text == old for t in a.tokens))
        if (same_post or _heir_named(departure, name)) and since_left(q, s, search, story) is None:
            return _fullest(s, name, scored)
    return None


def _fullest(heir: Scored, surname: str, scored: Sequence[Scored]) -> Scored:
    """The heir as the candidate naming them most fully ("Stephanie Pope", not "Pope"), cited from the
    newest report naming them so."""
    named = [s for s in scored if s.candidate.text.endswith(surname)]
    return max(named, key=lambda s: (len(s.candidate.text.split()), published_at(s.evidence.hit)), default=heir)


def _heir_named(departure: Departure, name: str) -> bool:
    """A report of the departure itself gives the name the post ("Sawan was removed in February and
    replaced by Bitar")."""
    return any(post_taken(a, _name_head(a, t).i) is not None
               for a in departure.parsed for t in a.tokens if t.text == name)


def _posts_held(q: Question, gone: Scored, departure: Departure, surname: str | None) -> frozenset[str]:
    """The departed person's post in words: the titles the answer's sentence and the departure report
    give them, and the question's own nouns ("which judge")."""
    held = {x.lemma for x in q.anchors if not x.proper} | {q.focus}
    for a in (gone.evidence.parsed, *departure.parsed):
        for t in a.tokens:
            if t.text == surname:
                held |= posts_of(a, _name_head(a, t).i)
    return frozenset(held - {""})


def _surname(s: Scored) -> str | None:
    """The last word of the candidate's first run of proper nouns ("Penny Mordaunt, the leader of the
    Commons": Mordaunt), when it is a person's name (the tagger takes some surnames for places)."""
    a = s.evidence.parsed
    names: list[Tok] = []
    for t in a.tokens[s.candidate.start:s.candidate.end]:
        if t.pos == "PROPN":
            names.append(t)
        elif names:
            break
    if not names or (e := a.entity_at(names[-1].i)) is not None and e.label not in ("PERSON", "GPE", "NORP"):
        return None  # not a company's name
    return names[-1].text


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
