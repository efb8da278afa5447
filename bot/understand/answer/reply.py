"""The reply: a short answer, the sentence and source behind it, and time done right.

When several sources give different values of a supported answer, the newest published source
leads and the older values are named with their sources; "as of" is the newest publication date
used. A question that names a date or source is answered from that one. When nothing is supported
well enough the answer stays null and the reply shows the closest sentences.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from bot.domain import Answer, Citation, SentenceHit, Story
from bot.understand.answer import weights as W
from bot.understand.answer.holders import published_at, since_left, successor
from bot.understand.answer.number_fits import period_after, sets_corrected_figure
from bot.understand.answer.question import NUMERIC, Kind, Question, analyse
from bot.understand.answer.relation import asks_present, relation_tokens, was_once
from bot.understand.answer.retrieve import Evidence, SentenceSearch, anchor_weights, retrieve
from bot.understand.answer.revised import asks_first_telling, figure_of, follow_revisions
from bot.understand.answer.score import Scored, accepted, rank
from bot.understand.answer.vocabulary import HARM_WORDS
from bot.understand.language.annotation import Quantity

_WORD = re.compile(r"[a-z0-9]+")


def answer_question(question: str, search: SentenceSearch, stories: Sequence[Story],
                    story: str | None = None) -> Answer:
    """Answer an editor's question from stored sentences, citing them, or say it does not know."""
    q = analyse(question)
    anchors = anchor_weights(q, search)
    evidence = retrieve(q, search, story, anchors)
    scored = rank(q, evidence)
    if not scored or not accepted(q, scored[0]):
        return abstain(question, evidence, story or _guess_story(stories, question))
    lead, earlier = follow_revisions(q, *order_by_time(q, scored), search, anchors)
    left = since_left(q, lead, search, story)
    also: SentenceHit | None = None
    if left is not None:  # "who runs X now": the person named has since stepped down
        heir = successor(q, lead, left, scored, search, story)
        if heir is None:
            return abstain(question, evidence, story or _guess_story(stories, question), first=left.reports[0])
        # the successor, then who held the post and the report of their going
        label = f"{short_answer(q, lead)} has since left"
        lead, earlier, also = heir, [lead], left.reports[0]
    else:
        if (newer := newer_rival(q, lead, earlier, scored)) is not None:
            return abstain(question, evidence, story or _guess_story(stories, question), first=newer.evidence.hit)
        label, also = "Also reported", _hit(corroboration(lead, earlier, scored))
    hit = lead.evidence.hit
    chosen = story or (hit.stories[0] if hit.stories else _guess_story(stories, question))
    return _reply(question, q, lead, earlier, chosen, also, label)


def _hit(s: Scored | None) -> SentenceHit | None:
    return s.evidence.hit if s is not None else None


def corroboration(lead: Scored, earlier: list[Scored], scored: list[Scored]) -> Scored | None:
    """Another article giving the same answer nearly as well: cited too, so the reply has two sources."""
    used = {lead.evidence.hit.sentence.article_id} | {e.evidence.hit.sentence.article_id for e in earlier}
    for s in scored:
        if s.score < lead.score - W.RIVAL_MARGIN:
            break
        if s.evidence.hit.sentence.article_id not in used and s.candidate.value and \
                s.candidate.value == lead.candidate.value:
            return s
    return None


def _published(s: Scored) -> datetime:
    return published_at(s.evidence.hit)


def order_by_time(q: Question, scored: list[Scored]) -> tuple[Scored, list[Scored]]:
    """The lead answer and the older values to name: newest source first when sources differ."""
    best = scored[0]
    if q.kind in NUMERIC and asks_first_telling(q):  # the oldest close report gives the figure as first told
        return min((s for s in scored if s.score >= best.score - W.RIVAL_MARGIN), key=_published), []
    if q.dates and not _dates_name_events(q) or q.kind in (Kind.QUOTE, Kind.REASON, Kind.DESCRIBE):
        return best, []  # a named date or source picks the report; statements do not "change"
    changing = q.latest or q.kind in NUMERIC or q.kind is Kind.YESNO  # "not yet approved", then "approved"
    # "how many workers are on strike": a present-tense figure is the newest source's, as "now" is
    latest = q.latest or q.kind in NUMERIC and (asks_present(q) or any(  # a correction supersedes what came before
        sets_corrected_figure(s.evidence.parsed, s.candidate) for s in scored
        if s.score >= best.score - W.RIVAL_MARGIN_LATEST and _published(s) > _published(best)))
    margin = W.RIVAL_MARGIN_LATEST if latest else W.RIVAL_MARGIN if changing else W.RIVAL_MARGIN / 2
    places = _asked_places(q)
    confined = bool(places) and _places_said(places, best) == places  # the best gives the asked place
    per_article: dict[int, Scored] = {}
    for s in scored:
        if s.score < best.score - margin:
            break  # (a newer rival this close to an accepted best is itself good enough to name)
        if confined and _places_said(places, s) != places:
            continue  # "in the two countries" for "the toll in Turkey": a value of something wider
        if q.kind is Kind.COUNT and _counts_other(best, s):
            continue  # "six rescuers" is no newer value of "17 of the 33 men"
        if s is best or accepted(q, s) or not _told_as_past(q, s):
            per_article.setdefault(s.evidence.hit.sentence.article_id, s)
    group = sorted(per_article.values(), key=_published, reverse=True)
    if q.kind is Kind.COUNT and q.latest and _tallies_harm(q):
        group = _rising(group)
    if len(group) < 2:
        return best, []
    if not changing and len({g.candidate.value for g in group}) < 2:
        return best, []
    lead = group[0] if changing or latest else best
    older: list[Scored] = []
    seen = {lead.candidate.value}
    for g in group:
        if g.candidate.value not in seen and _published(g) <= _published(lead):
            seen.add(g.candidate.value)
            older.append(g)
    return lead, older[:W.MAX_EARLIER]


def newer_rival(q: Question, lead: Scored, earlier: list[Scored], scored: list[Scored]) -> Scored | None:
    """For a question about now, a supported answer of a later report that differs from the lead: the
    bot cannot tell which holds now ("who runs Boeing now": the chief executive of January, the
    chairman's successor of July), so it shows the newer report rather than guess."""
    if not q.latest or q.dates and not _dates_name_events(q) or \
            q.kind in (Kind.QUOTE, Kind.REASON, Kind.DESCRIBE, Kind.YESNO):
        return None
    named = {lead.candidate.value, *(e.candidate.value for e in earlier)}
    places = _asked_places(q)
    for s in scored:
        if not accepted(q, s):
            break
        if _published(s) <= _published(lead) or s.candidate.value in named or \
                s.evidence.hit.sentence.article_id == lead.evidence.hit.sentence.article_id:
            continue
        if places and _places_said(places, s) != places or q.kind is Kind.COUNT and _counts_other(lead, s):
            continue  # a value of something wider, or a count of another noun
        if q.kind is Kind.COUNT and _tallies_harm(q) and _number(s) < _number(lead):
            continue  # a smaller newer toll counts another event (see `_rising`)
        return s
    return None


def _dates_name_events(q: Question) -> bool:
    """Whether the question's dates only name an event ("the April quake", "the May 12 quake"), not the
    time of the report or of the figure: "its toll so far" is still the newest report's."""
    a = q.parsed
    dated = [e for e in a.entities if e.label in ("DATE", "TIME")]
    roots = [t for e in dated for t in a.tokens[e.start:e.end] if not e.start <= t.head < e.end and t.pos != "DET"]
    return bool(roots) and all(t.dep in ("compound", "nmod", "nummod", "amod") and a.tokens[t.head].pos == "NOUN"
                               for t in roots)


def _counts_other(best: Scored, rival: Scored) -> bool:
    """Whether two figures count different nouns, each named ("1,400 people" who died and "2,975
    deaths" both count the dead)."""
    mine, theirs = figure_of(best), figure_of(rival)
    if not (mine and theirs and mine.noun and theirs.noun) or mine.noun == theirs.noun:
        return False
    return not (_counts_dead(best, mine) and _counts_dead(rival, theirs))


_DEAD_NOUNS = frozenset(["death", "dead", "fatality", "toll"])
_DYING = frozenset(["die", "kill", "perish"])


def _counts_dead(s: Scored, figure: Quantity) -> bool:
    """The figure counts the dead: a noun of death, or people said to have died or been killed."""
    a = s.evidence.parsed
    return figure.noun in _DEAD_NOUNS or figure.noun in ("people", "person") and \
        a.tokens[a.clause_verb(figure.start)].lemma.lower() in _DYING


def _tallies_harm(q: Question) -> bool:
    """"How many were hurt", "the latest death toll"; not a part of them ("how many of the injured are still
    in hospital")."""
    return "many of" not in q.text.lower() and (q.relation in HARM_WORDS or q.focus in HARM_WORDS)


def _rising(group: list[Scored]) -> list[Scored]:
    """Newest first, less the newer values below an older one: a death toll or a count of injured only
    rises, so a smaller newer figure counts another event ("more than 30 wounded" in later clashes),
    unless it says it corrects the earlier one."""
    out = []
    for k, g in enumerate(group):
        older = [_number(o) for o in group[k + 1:]]
        if _number(g) >= max(older, default=0.0) or sets_corrected_figure(g.evidence.parsed, g.candidate):
            out.append(g)
    return out


def _number(s: Scored) -> float:
    try:
        return float(s.candidate.value)
    except ValueError:
        return 0.0


def _asked_places(q: Question) -> frozenset[str]:
    """The places a question confines its answer to ("the death toll in Turkey"): named objects of
    "in", "across", "inside" or "within"."""
    a = q.parsed
    return frozenset(t.lower for t in a.tokens if t.dep == "pobj" and t.pos == "PROPN" and
                     a.tokens[t.head].lower in ("in", "across", "inside", "within"))


def _places_said(places: frozenset[str], s: Scored) -> frozenset[str]:
    return places & {t.lower for t in s.evidence.parsed.tokens}


def _told_as_past(q: Question, s: Scored) -> bool:
    """Whether a rival below the floor states the relation only as a past state ("before being briefly
    named"): it names an earlier value, so it may not lead the reply."""
    a = s.evidence.parsed
    rel = relation_tokens(q, a)
    return bool(rel) and all(was_once(a, r) for r in rel)


def short_answer(q: Question, s: Scored) -> str:
    """The short answer: the candidate's words, cut to a readable length; yes/no leads with Yes or No."""
    text = s.candidate.text.replace("“", "").replace("”", "").replace('"', "").strip(" ,;:.")
    words = text.split()
    if len(words) > W.MAX_SPAN:
        text = " ".join(words[:W.MAX_SPAN]) + "…"
    if q.kind is Kind.YESNO:
        verdict = s.candidate.verdict or s.candidate.value  # a change of state: as said, unless it settles it
        return {"no": "No: ", "yes": "Yes: "}.get(verdict, "") + text
    if q.kind is Kind.DATE and (day := _day_meant(s)):
        text += f" ({day})"  # "Monday evening (15 April 2019)": a weekday means little a week later
    if q.kind in NUMERIC and (rate := period_after(s.evidence.parsed, s.candidate.end)):
        text += f" {rate}"  # "about $700 million a month": without its period a rate reads as a total
    return text


def _day_meant(s: Scored) -> str:
    """The calendar day a date told relative to its report names ("on Monday", "yesterday"), when the
    words give no day of the month themselves."""
    c = s.candidate
    if any(t.pos == "NUM" or t.text[:1].isdigit() for t in s.evidence.parsed.tokens[c.start:c.end]):
        return ""
    told = [d for d in s.evidence.parsed.dates if d.start < c.end and c.start < d.end]
    if len(told) != 1 or not told[0].first or told[0].first != told[0].last:
        return ""  # (not "Saturday and Sunday", not "next week")
    return datetime.fromisoformat(told[0].first).strftime("%-d %B %Y")


def _cite(hit: SentenceHit) -> Citation:
    s = hit.sentence
    return Citation(title=s.article_title, url=s.article_url, source=s.source, published=s.published,
                    sentence=s.text)


def _when(published: datetime | None) -> str:
    return published.strftime("%-d %b %Y") if published else "undated"


def _source_line(hit: SentenceHit) -> str:
    s = hit.sentence
    return (f"\u2014 {s.article_title or s.source} ({s.source}), {_when(s.published)}"
            + (f" {s.article_url}" if s.article_url else ""))


def _reply(question: str, q: Question, lead: Scored, earlier: list[Scored], story: str | None,
           also: SentenceHit | None = None, also_label: str = "Also reported") -> Answer:
    short = short_answer(q, lead)
    hit = lead.evidence.hit
    lines = [f"{short}.", f"\u201c{hit.sentence.text}\u201d", _source_line(hit)]
    cites = [_cite(hit)]
    for e in earlier:
        eh = e.evidence.hit
        same_day = _published(e) == _published(lead)
        which = "Another" if same_day else "An earlier"
        lines.append(f"{which} source said {short_answer(q, e)}: \u201c{eh.sentence.text}\u201d {_source_line(eh)}")
        cites.append(_cite(eh))
    if also is not None and all(also.sentence.id != c.evidence.hit.sentence.id for c in (lead, *earlier)):
        lines.append(f"{also_label}: \u201c{also.sentence.text}\u201d {_source_line(also)}")
        cites.append(_cite(also))
    dates = [c.published for c in cites if c.published]
    as_of = max(dates) if dates else None
    lines.append(f"As of {_when(as_of)}." if as_of else "Sources undated.")
    return Answer(question=question, answer=short, text="\n".join(lines), story=story, as_of=as_of,
                  citations=tuple(cites))


def abstain(question: str, evidence: list[Evidence], story: str | None, first: SentenceHit | None = None) -> Answer:
    """No supported answer: say so and show the one or two closest sentences with their sources
    (`first`, when given, before them: the sentence that overturned the best answer)."""
    lines = ["I don't know: I can't find a supported answer to that in the stored sources."]
    shown = [first] if first is not None else []
    shown += [e.hit for e in sorted((e for e in evidence if e.support > 0), key=lambda e: (-e.support, e.rank))
              if first is None or e.hit.sentence.id != first.sentence.id][:W.SHOW_CLOSEST - len(shown)]
    if shown:
        lines.append("The closest sentences I found:")
        for hit in shown:
            lines.append(f"\u201c{hit.sentence.text}\u201d {_source_line(hit)}")
    return Answer(question=question, answer=None, text="\n".join(lines), story=story, as_of=None)


def _guess_story(stories: Sequence[Story], question: str) -> str | None:
    words = set(_WORD.findall(question.lower()))
    best, best_n = None, 0
    for s in stories:
        n = len(words & set(_WORD.findall(" ".join((s.title, s.description, *s.terms)).lower())))
        if n > best_n:
            best, best_n = s.id, n
    return best
