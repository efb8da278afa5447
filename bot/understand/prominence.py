"""How prominent a development is for a digest's headline: the update's salience, adjusted by what
makes English news lead.

The update finder's `salience` counts what is new in a sentence (numbers, names, quotes, story
terms, a change). A desk also leads with who said it and what was decided: a named person
speaking, an announcement or decision, something dated after the article (set for a day to come)
rank higher; background (what has gone on "for months") ranks lower, and so does a "change"
that only restates a vague figure more precisely ("more than a million" -> "1.3 million"), which
is no development. General rules of English news, read from each sentence's stored annotation.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from bot.domain import StorySentence, Update, UpdateContext
from bot.store.repo import Store
from bot.understand.language.annotation import Annotated
from bot.understand.updates.weights import SALIENCE_CHANGE

SPEAKER_BONUS = 2.5  # a named person said or wrote it
DECISION_BONUS = 2.5  # something was decided, announced, ordered, set, convened...
SCHEDULED_BONUS = 2.0  # it names a day after the article's publication
BACKGROUND_PENALTY = 2.5  # it recounts what has gone on for months
MAX_BONUS = SPEAKER_BONUS + DECISION_BONUS + SCHEDULED_BONUS
MAX_PENALTY = SALIENCE_CHANGE + BACKGROUND_PENALTY
OUT_OF_REACH = 1000.0  # ranks an update that cannot make the top after every one that can

SPEECH_VERBS = frozenset([
    "say", "tell", "write", "state", "declare", "announce", "warn", "insist", "confirm", "vow", "pledge",
    "promise", "add", "urge", "threaten", "deny", "claim", "predict", "call", "post", "tweet", "argue",
])
DECISION_VERBS = frozenset([
    "announce", "decide", "approve", "order", "agree", "sign", "set", "convene", "launch", "reject", "accept",
    "resume", "withdraw", "appoint", "resign", "vote", "pass", "ban", "declare", "postpone", "delay", "cancel",
    "suspend", "authorize", "authorise", "schedule", "veto", "dismiss", "elect", "rule", "unveil", "adopt",
    "endorse", "sanction", "impose", "lift", "recall", "expel", "summon",
])
BACKGROUND = re.compile(  # "for months", "over the past year", "in recent weeks", "since the war began"
    r"\b(?:for|over) (?:the )?(?:(?:many|several|two|three|four|six) )?(?:months|weeks|years|decades)\b"
    r"|\b(?:for|over|in) (?:the )?(?:past|last|recent) (?:\w+ )?(?:months?|weeks?|years?|decades?)\b"
    r"|\bsince the (?:war|start|beginning|outbreak)\b", re.IGNORECASE)
LOWER_BOUND = r"(?:more than|over|at least|upwards of|in excess of|above)"
ABOUT = r"(?:about|around|roughly|some|nearly|almost|approximately|close to|an estimated)"
NUMBER = re.compile(r"\b(\d[\d,]*(?:\.\d+)?|an?|one)\b\s*(thousand|million|billion)?\b", re.IGNORECASE)
SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9}
BOUND_REACH = 1.5  # "more than a million" is restated by 1 to 1.5 million
ABOUT_SLACK = 0.15  # "about 240" is restated by anything within 15%


@dataclass(frozen=True)
class Signals:
    """What in one sentence makes it lead: a named speaker, a decision verb, a later date, background."""

    named_speaker: bool = False
    decision: bool = False
    scheduled: bool = False
    background: bool = False


PLACE_LABELS = ("GPE", "LOC", "NORP", "DATE", "TIME", "CARDINAL", "ORDINAL", "QUANTITY", "MONEY", "PERCENT")


def _names_someone(parsed: Annotated, lo: int, hi: int) -> bool:
    """Whether tokens [lo, hi) hold a proper name of a person or body (not a place, nationality or date):
    the small English model often labels a surname alone as an organisation, so both count."""
    for tok in parsed.tokens[lo:hi]:
        if tok.pos != "PROPN":
            continue
        entity = parsed.entity_at(tok.i)
        if entity is None or entity.label not in PLACE_LABELS:
            return True
    return False


def signals(parsed: Annotated, published_day: str) -> Signals:
    """The signals of one parsed sentence, its article published on `published_day` (ISO, "" if undated)."""
    named_speaker = decision = False
    for tok in parsed.tokens:
        if tok.pos not in ("VERB", "AUX"):
            continue
        lemma = tok.lemma.lower()
        if lemma in DECISION_VERBS and not any(c.dep == "neg" for c in parsed.children(tok.i)):
            decision = True
        if lemma in SPEECH_VERBS and not named_speaker:
            for subj in (c for c in parsed.children(tok.i) if c.dep in ("nsubj", "nsubjpass")):
                named_speaker = named_speaker or _names_someone(parsed, *parsed.subtree(subj.i))
    later = bool(published_day) and any(d.first and d.first > published_day for d in parsed.dates)
    return Signals(named_speaker, decision, later, bool(BACKGROUND.search(parsed.text)))


def _figure(text: str) -> float | None:
    match = NUMBER.fullmatch(text.strip().replace(",", "")) or NUMBER.search(text.replace(",", ""))
    if match is None:
        return None
    head = match.group(1).lower()
    base = 1.0 if head in ("a", "an", "one") else float(head)
    scale = SCALES.get((match.group(2) or "").lower(), 1.0)
    if head in ("a", "an", "one") and scale == 1.0:
        return None
    return base * scale


def restates(update: Update) -> bool:
    """Whether a changed figure only restates a vague earlier one more precisely: "more than a
    million" then "1.3 million", "about 240" then "250"; a real change ("136" then "130") is not."""
    prev = update.previous
    if update.kind != "changed" or prev is None or not any(ch.isalnum() for ch in prev.value):
        return False
    value = re.escape(prev.value.strip())
    said = prev.sentence
    bound = re.search(rf"{LOWER_BOUND}\s+((?:an?\s+)?[\d,.]*\s*{value})", said, re.IGNORECASE)
    about = re.search(rf"{ABOUT}\s+((?:an?\s+)?[\d,.]*\s*{value})", said, re.IGNORECASE)
    if bound is None and about is None:
        return False
    old = _figure((bound or about).group(1))  # type: ignore[union-attr]
    new_figures = [_figure(m.group(0)) for m in NUMBER.finditer(update.sentence.replace(",", ""))
                   if any(ch.isdigit() for ch in m.group(0))]
    new = [n for n in new_figures if n is not None]
    if old is None or not new:
        return False
    if bound is not None:
        return any(old <= n < old * BOUND_REACH for n in new)
    return any(abs(n - old) <= ABOUT_SLACK * old for n in new)


def prominence(update: Update, parsed: Annotated | None) -> float:
    """The update's salience adjusted by what makes news lead (see the module's docstring)."""
    score = update.salience
    if restates(update):
        score -= SALIENCE_CHANGE
    if parsed is None:
        return score
    published = update.citation.published.date().isoformat() if update.citation.published else ""
    found = signals(parsed, published)
    score += SPEAKER_BONUS * found.named_speaker + DECISION_BONUS * found.decision
    score += SCHEDULED_BONUS * found.scheduled - BACKGROUND_PENALTY * found.background
    return round(score, 3)


def prominences(store: Store, found: Sequence[Update], contexts: Mapping[int, UpdateContext],
                top: int | None = None) -> dict[int, float]:
    """Each update's prominence by update id, its sentence's annotation read from the store.

    With `top`, only the updates that could be among the `top` most prominent are read (their
    salience plus every bonus reaches the `top`-th best salience less every penalty); the rest rank
    after them, by salience, so a long window costs a few reads, not one per update.
    """
    wanted = list(found)
    if top is not None and len(found) > top:
        floor = sorted((u.salience - MAX_PENALTY for u in found), reverse=True)[top - 1]
        wanted = [u for u in found if u.salience + MAX_BONUS >= floor]
    ids = [c.sentence_id for u in wanted if (c := contexts.get(u.id or 0)) is not None and c.sentence_id is not None]
    stored: dict[int, StorySentence] = {s.id: s for s in store.sentences_by_id(ids)} if ids else {}
    out = {u.id or 0: u.salience - OUT_OF_REACH for u in found}
    for u in wanted:
        context = contexts.get(u.id or 0)
        sentence = stored.get(context.sentence_id) if context and context.sentence_id is not None else None
        out[u.id or 0] = prominence(u, Annotated.from_json(sentence.annotation) if sentence else None)
    return out
