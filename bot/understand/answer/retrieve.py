"""Candidate sentences for a question: BM25 search in the store, widened with derivations.

Each hit's stored annotation is read back (never re-parsed) and measured for how much of the
question it carries: every anchor word found with the same lemma, a derivation or synonym, a
shared stem, or only in its context (the sentence before, the article's title, outlet or
address), weighted by how rare the word is in the store.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol, runtime_checkable

from bot.domain import SentenceHit
from bot.understand.answer import weights as W
from bot.understand.answer.nations import other_forms
from bot.understand.answer.question import Kind, Question
from bot.understand.answer.question_parts import Anchor, DateWant
from bot.understand.answer.vocabulary import (
    ORG_NOUNS,
    PLACE_NOUNS,
    derivations,
    phrasal_lemma,
    related,
    shares_stem,
    synonyms,
)
from bot.understand.answer.yesno import state_anchor_lemmas
from bot.understand.language.annotation import Annotated, DateRef, Tok
from bot.understand.language.people import PERSON_NOUNS

_WORD = re.compile(r"[a-z0-9]+")
STAND_IN_NOUNS = ORG_NOUNS | PERSON_NOUNS | PLACE_NOUNS


@runtime_checkable
class SentenceSearch(Protocol):
    """What the answerer needs from a store: BM25 search over sentences (Store.search)."""

    def search(self, query: str, story: str | None = None, limit: int = 30) -> list[SentenceHit]:
        """Sentences matching any word of the query, best first."""
        ...

    def changes_after(self, story: str, published: datetime, limit: int) -> list[tuple[SentenceHit, str, str]]:
        """Sentences judged to change an earlier value of the story, published after a moment, with
        the value each replaced and the sentence that gave it (oldest first)."""
        ...


@dataclass
class Evidence:
    """A retrieved sentence with its annotation and how well it supports the question."""

    hit: SentenceHit
    parsed: Annotated
    rank: int
    support: float = 0.0
    matched: dict[int, float] = field(default_factory=dict)  # sentence token -> credit of the anchor it matched
    names_missing: float = 0.0  # share of the question's weight in names neither the sentence nor its context has


def query_terms(q: Question) -> tuple[str, str]:
    """The plain query (the question's words and lemmas) and the widened one (derivations, synonyms)."""
    plain = [x for a in q.anchors for x in (a.text, a.lemma)]
    # the store's stemmer already finds "mediators" for "mediate"; only words of another stem widen it
    # listed synonyms first (real words), then suffix derivations (some are not words: "nextal")
    words = [a.lemma for a in q.anchors if not a.proper]
    pairs = [(w, d) for w in words for d in sorted(synonyms(w))] + \
        [(w, d) for w in words for d in sorted(derivations(w) - synonyms(w))]
    wide = list(dict.fromkeys(d for w, d in pairs if not d.startswith(w[:5])))[:W.WIDE_TERMS]
    if q.focus:
        plain.append(q.focus)
    return " ".join(dict.fromkeys(plain)), " ".join(dict.fromkeys(wide))


def anchor_weights(q: Question, search: SentenceSearch) -> list[Anchor]:
    """The anchors weighted by rarity (BM25's idf) when the store can count, and names weighed up."""
    freq = getattr(search, "frequency", None)
    out = []
    for a in q.anchors:
        weight = 1.0
        if freq is not None:
            df, n = freq([a.lemma, a.text])
            weight = max(W.MIN_IDF, math.log(1 + (n - df + 0.5) / (df + 0.5))) if n else 1.0
        if a.proper:
            weight *= W.NAME_BOOST
        elif a.verb:
            weight *= W.VERB_WEIGHT
        out.append(Anchor(a.lemma, a.text, a.proper, weight, a.verb, a.given_name))
    return out


def _source_words(hit: SentenceHit) -> set[str]:
    s = hit.sentence
    return set(_WORD.findall(" ".join((s.source, s.article_url)).lower()))


def _context_words(hit: SentenceHit, sources: set[str]) -> set[str]:
    """The sentence before, the title and the source's words (`sources`)."""
    return set(_WORD.findall(" ".join((hit.before or "", hit.sentence.article_title)).lower())) | sources


_ACRONYM_SKIP = frozenset(["of", "and", "for", "the", "&", "-"])


def spelled_out(acronym: str, parsed: Annotated) -> int:
    """The last token of words whose initials spell an acronym of the question ("ROV": "remotely
    operated vehicle", "TSB": "Transportation Safety Board"), or -1. Articles often use only one form."""
    letters = acronym.lower()
    if not (2 <= len(letters) <= 6 and acronym.isalpha() and acronym.isupper()):
        return -1
    words = [t for t in parsed.tokens if t.lower not in _ACRONYM_SKIP and t.pos != "PUNCT"]
    for i in range(len(words) - len(letters) + 1):
        run = words[i:i + len(letters)]
        if all(w.lower[0] == ch for w, ch in zip(run, letters, strict=True)) and \
                run[-1].i - run[0].i < 2 * len(letters) and any(w.pos in ("NOUN", "PROPN") for w in run):
            return run[-1].i
    return -1


def abbreviated(anchors: Sequence[Anchor], parsed: Annotated) -> dict[int, int]:
    """The question's names that the sentence gives by their initials ("General Motors": "GM",
    "the Competition and Markets Authority": "CMA"): anchor index -> the token of the initials.
    A name is a run of two or more proper anchors in a row."""
    caps = {t.text.lower(): t.i for t in parsed.tokens
            if 2 <= len(t.text) <= 6 and t.text.isalpha() and t.text.isupper()}
    out: dict[int, int] = {}
    k = 0
    while k < len(anchors):
        end = k
        while end < len(anchors) and anchors[end].proper:
            end += 1
        if end - k >= 2 and (at := caps.get("".join(x.text[0].lower() for x in anchors[k:end]), -1)) >= 0:
            out.update({i: at for i in range(k, end)})
        k = max(end, k + 1)
    return out


def _credit(anchor: Anchor, parsed: Annotated) -> tuple[float, int]:
    best, at = 0.0, -1
    text = anchor.text.lower()
    nation = other_forms(text) if anchor.proper else frozenset()  # "UK": britain, british ...
    if (anchor.proper or anchor.text.isupper()) and (spelled := spelled_out(anchor.text, parsed)) >= 0:
        best, at = W.DERIVED, spelled
    for t in parsed.tokens:
        lemma = t.lemma.lower()
        if lemma == anchor.lemma or t.lower == text:
            return W.EXACT, t.i
        if t.pos in ("PUNCT", "DET", "ADP", "CCONJ", "PRON", "AUX"):
            continue
        if not anchor.proper and best < W.DERIVED and (related(anchor.lemma, lemma) or t.pos == "VERB" and any(
                (plain := phrasal_lemma(lemma, c.lower)) and (plain == anchor.lemma or related(anchor.lemma, plain))
                for c in parsed.children(t.i))):
            best, at = W.DERIVED, t.i  # a synonym, or "came back" for "return"
        elif not anchor.proper and best < W.PREFIX and shares_stem(anchor.lemma, lemma):
            best, at = W.PREFIX, t.i
        elif best < W.DERIVED and nation and _names_nation(parsed, t, nation):
            best, at = W.DERIVED, t.i  # "the UK regulator": "Britain's regulator"; "American": "the United States"
        elif anchor.proper and best < W.PREFIX and len(text) >= 4 and t.lower.startswith(text[:-1]):
            best, at = W.PREFIX, t.i  # "Hamas's", "Netanyahu's" split differently
    return best, at


def _names_nation(parsed: Annotated, t: Tok, forms: frozenset[str]) -> bool:
    """Whether the token, alone or with the word before it ("United States"), is one of a country's forms."""
    word = t.lower.removesuffix("'s")
    return word in forms or t.i > 0 and f"{parsed.tokens[t.i - 1].lower} {word}" in forms


def _stand_in(parsed: Annotated, taken: dict[int, float], context: set[str]) -> int:
    """A definite noun that stands for a name of the sentence before, which used the same noun for it
    ("the U.N. agency for Palestinian refugees, UNRWA, ..." then "Lazzarini, who heads the agency")."""
    for t in parsed.tokens:
        if t.i in taken or t.pos != "NOUN" or t.lemma.lower() not in STAND_IN_NOUNS or t.lower not in context:
            continue
        if any(c.dep in ("det", "poss") and c.lower in ("the", "its", "their") for c in parsed.children(t.i)):
            return t.i
    return -1


def _date_matches(want: DateWant, parsed: Annotated, published: datetime | None) -> bool:
    if not want.month and want.weekday < 0:  # a year or a part of one: the sentence must name it
        return any(want.text.lower().removeprefix("the ") in ref.text.lower() or want.year and ref.first and
                   ref.first[:4] == ref.last[:4] == str(want.year) and _days(ref) > 7 for ref in parsed.dates)
    days: list[date] = []
    for ref in parsed.dates:
        if ref.first and _days(ref) <= 31:
            days += [date.fromisoformat(ref.first), date.fromisoformat(ref.last)]
    if published is not None:
        days.append(published.date())
    for d in days:
        if want.month and d.month != want.month:
            continue
        if want.day and abs(d.day - want.day) > 1:
            continue
        if want.weekday >= 0 and not want.month and d.weekday() != want.weekday:
            continue
        return True
    return any(want.text.lower() in ref.text.lower() for ref in parsed.dates)


def _days(ref: DateRef) -> int:
    """How many days the date spans ("2015": 364, "last month": about 30, "on Tuesday": 0)."""
    return (date.fromisoformat(ref.last) - date.fromisoformat(ref.first)).days


def measure(q: Question, anchors: Sequence[Anchor], ev: Evidence, state: frozenset[str] | None = None) -> None:
    """Fill in how much of the question the evidence sentence carries (0..1) and where (`state`: the
    question's `state_anchor_lemmas`, when the caller has them)."""
    total = got = 0.0
    state = state_anchor_lemmas(q) if state is None else state
    state_total = state_got = 0.0  # the state's own words, which a change of it need not carry
    context: set[str] | None = None  # words of the sentence before, the title and the source, read once
    sources: set[str] = set()
    initials = abbreviated(anchors, ev.parsed)
    for k, anchor in enumerate(anchors):
        total += anchor.weight
        credit, at = _credit(anchor, ev.parsed)
        if credit < W.DERIVED and k in initials:
            credit, at = W.DERIVED, initials[k]
        if credit == 0.0 and anchor.given_name and k + 1 < len(anchors) and \
                _credit(anchors[k + 1], ev.parsed)[0] == W.EXACT:
            credit = W.SURNAME_ONLY  # "Ellison, 29,": news copy names a person by surname after the first mention
        if credit == 0.0:
            if context is None:
                sources = _source_words(ev.hit)
                context = _context_words(ev.hit, sources)
            if anchor.lemma in context or anchor.text.lower() in context or not anchor.proper and any(
                    related(anchor.lemma, w) for w in context) or anchor.proper and len(anchor.text) >= 3 and any(
                    w.startswith(anchor.text.lower()) for w in sources):  # "VOA": voanews.com
                credit = W.CONTEXT
                if anchor.proper:  # "UNRWA ..." then "Lazzarini, who heads the agency": the agency stands for it
                    stand_in = _stand_in(ev.parsed, ev.matched, context)
                    if stand_in >= 0:
                        ev.matched[stand_in] = W.CONTEXT
            elif anchor.proper:
                ev.names_missing += anchor.weight
        elif at >= 0:
            ev.matched[at] = max(ev.matched.get(at, 0.0), credit)
        got += anchor.weight * credit
        if anchor.lemma in state and not anchor.proper:
            state_total += anchor.weight
            state_got += anchor.weight * credit
    if q.dates:
        mean = total / max(len(anchors), 1) if anchors else 1.0
        for want in q.dates:
            total += mean * W.DATE_MATCH
            if _date_matches(want, ev.parsed, ev.hit.sentence.published):
                got += mean * W.DATE_MATCH
    ev.support = got / total if total else 0.0
    if state_total and total > state_total:  # "is the order still in force?": "the order was lifted"
        ev.support = max(ev.support, (got - state_got) / (total - state_total))
    ev.names_missing = ev.names_missing / total if total else 0.0


def retrieve(q: Question, search: SentenceSearch, story: str | None,
             anchors: Sequence[Anchor]) -> list[Evidence]:
    """The question's candidate sentences, each measured for support against the weighted anchors
    (best BM25 first)."""
    plain, wide = query_terms(q)
    if not plain.strip():
        return []
    # an age sits beside any mention of the person ("Altman, who is 38,"): read more of their sentences
    hits = list(search.search(plain, story, W.RETRIEVE_AGE if q.kind is Kind.AGE else W.RETRIEVE))
    if wide:
        seen = {h.sentence.id for h in hits}
        hits += [h for h in search.search(wide, story, W.RETRIEVE_WIDE) if h.sentence.id not in seen]
    out = []
    state = state_anchor_lemmas(q)
    for rank, hit in enumerate(hits):
        parsed = Annotated.from_json(hit.sentence.annotation)
        if parsed is None:
            continue  # stored before annotations existed: never re-parsed at question time
        ev = Evidence(hit, parsed, rank)
        measure(q, anchors, ev, state)
        out.append(ev)
    return out
