"""The digest an editor skims: what is new on each story in a window, as one platform-neutral post tree.

The parent post has one line per story: its headline, the most salient development with its
outlet. Each story gets a threaded reply with at most `top` developments, each a whole sentence
(a quote is never cut) cited by outlet and date; a change reads compactly ("hostages: 130 -> 133
(Reuters, 10 Apr; was 130, AP, 30 Mar)") and an article other outlets also carried says so.
Windows are by the articles' publication time, so a backfill of old articles is not today's news.
A quiet window yields no post at all.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta

from bot.domain import Citation, Post, Story, Update, UpdateContext
from bot.store.repo import Store
from bot.understand.prominence import prominences
from bot.understand.updates.counts import NAMED, PLACE, SUM_MARK

SLOT_SEP = "\t"  # a stored slot value is "value<TAB>text<TAB>context lemmas" (understand.updates.slot)
QUOTES = ('"', "“", "”")
MAX_VALUE_CHARS = 40  # a figure longer than this is a phrase, not a value shown compactly
MAX_JOINED = 3  # sentences joined at most to close a quote that the sentence splitter left open
NUMBER = re.compile(r"\d+(?:\.\d+)?")
FIGURE = re.compile(r"\d[\d,]*(?:\.\d+)?(?: (?:thousand|million|billion))?%?")
SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9}
LATE_GRACE = timedelta(hours=24)  # an article found in a window may be published this long before it


def day(when: datetime | None) -> str:
    """A publication date as a desk says it: `10 Apr`."""
    return f"{when.day} {when.strftime('%b')}" if when else "undated"


def cite(citation: Citation) -> str:
    """An outlet and date: `Reuters, 10 Apr`."""
    return f"{citation.source or 'a source'}, {day(citation.published)}"


def plural(noun: str) -> str:
    """An English noun's regular plural: `hostage` -> `hostages`, `majority` -> `majorities`,
    `box` -> `boxes`; a noun already ending in s stays."""
    if noun.endswith("s"):
        return noun
    if noun.endswith("y") and noun[-2:-1] not in ("a", "e", "i", "o", "u", ""):
        return noun[:-1] + "ies"
    if noun.endswith(("x", "z", "ch", "sh")):
        return noun + "es"
    return noun + "s"


def slot_label(key: str, stored: str) -> str:
    """A counted noun as a reader names it: `s:q:hostage` with context `hold` reads `hostages (hold)`."""
    parts = key.split(":")  # s:q:NOUN or s:q:NOUN:UNIT ("s:q:cost:$", "s:q:%:%" for a bare percentage)
    counted = parts[2] if len(parts) > 2 else ""
    if counted.startswith(SUM_MARK):  # a sum known by its verb: "s:q:v-set+aside:€" reads "sum set aside (€)"
        noun = "sum " + counted.removeprefix(SUM_MARK).replace("+", " ")
    elif "@" in counted:  # the length of a thing: "s:q:time@closure" reads "closure length"
        noun = counted.split("@", 1)[1] + " length"
    else:
        noun = "percentage" if counted == "%" else plural(counted.replace("_", " ")) if counted else key
    if len(parts) > 3 and counted != "%":
        noun += f" ({parts[3]})"
    # the words around the count ("hold", "strike"), not the places or names that only tell it apart
    context = [c.split(":", 1)[-1] for c in (stored.split(SLOT_SEP) + ["", ""])[2].split()
               if not c.startswith((PLACE, NAMED))]
    return f"{noun} ({', '.join(context[:2])})" if context else noun


def slot_value(stored: str) -> str:
    """The value a slot's stored form gives, as the text put it when it did."""
    value, text = (stored.split(SLOT_SEP) + [""])[:2]
    return text or value


def short_value(value: str) -> bool:
    """Whether a value reads as a figure (it has a digit and is a few words at most)."""
    return any(ch.isdigit() for ch in value) and len(value) <= MAX_VALUE_CHARS


def counted_change(update: Update, context: UpdateContext | None) -> tuple[str, str, str] | None:
    """(slot key, label, new value) when the update changes a count from one figure to another, else None."""
    prev = update.previous
    if update.kind != "changed" or prev is None or context is None or not short_value(prev.value):
        return None
    candidates = [(key, stored, slot_value(stored)) for key, stored in context.slots if key.startswith("s:q:")]
    candidates = [c for c in candidates if short_value(c[2]) and c[2] != prev.value]
    if not candidates:
        return None
    # a sentence may count a noun twice ("40 of the 130 hostages"): the change is the nearer figure
    key, stored, new = min(candidates, key=lambda c: distance(prev.value, c[2]))
    return key, slot_label(key, stored), new


def number(value: str) -> float | None:
    """The first number in a value ("1.3 million" -> 1.3e6, "130" -> 130.0), or None."""
    match = NUMBER.search(value.replace(",", ""))
    if not match:
        return None
    scale = next((m for w, m in SCALES.items() if w in value.lower()), 1.0)
    return float(match.group()) * scale


def distance(old: str, new: str) -> float:
    """How far apart two figures are (relative), infinite when either is not a number."""
    a, b = number(old), number(new)
    if a is None or b is None or max(abs(a), abs(b)) == 0:
        return math.inf
    return abs(a - b) / max(abs(a), abs(b))


def change_line(update: Update, context: UpdateContext | None) -> str | None:
    """A changed figure in one line, `label: old -> new (outlet, date; was old, outlet, date)`, or None
    when the update does not change a figure."""
    found = counted_change(update, context)
    if found is None or update.previous is None:
        return None
    _, label, new = found
    prev = update.previous
    return f"{label}: {prev.value} -> {new} ({cite(update.citation)}; was {prev.value}, {cite(prev.citation)})"


def open_quote(text: str) -> bool:
    """Whether a sentence opens a quotation it does not close."""
    straight = text.count('"') % 2 == 1
    return straight or text.count("“") > text.count("”")


def whole_text(store: Store, text: str, article_id: int, sentence_id: int | None) -> str:
    """A stored sentence, joined with the sentences after it when it opens a quote they close."""
    text = text.strip()
    if sentence_id is None or not open_quote(text):
        return text
    following = store.article_sentences(article_id)
    at = next((i for i, s in enumerate(following) if s.id == sentence_id), None)
    if at is None:
        return text
    for extra in following[at + 1:at + 1 + MAX_JOINED]:
        text = f"{text} {extra.text.strip()}"
        if not open_quote(text):
            break
    return text


def whole_sentence(store: Store, update: Update, context: UpdateContext | None) -> str:
    """The update's sentence as a whole (a quote it opens is not cut)."""
    if context is None:
        return update.sentence.strip()
    return whole_text(store, update.sentence, context.article_id, context.sentence_id)


def correction(update: Update, context: UpdateContext | None) -> str:
    """`corrected from 1.2 million` (or just `corrected`) when a revision of the update's article
    brought its sentence in place of one it dropped; "" otherwise."""
    if context is None or not context.corrects:
        return ""
    now = [f.group() for f in FIGURE.finditer(update.sentence)]
    was = [f.group() for f in FIGURE.finditer(context.corrects) if f.group() not in now]
    return f"corrected from {was[0]}" if was else "corrected"


def development_line(store: Store, update: Update, context: UpdateContext | None) -> str:
    """One development as a line: the compact change or the whole sentence, its outlet and date (and
    `corrected` when a revision of its article corrected it), and how many other outlets carried the
    same article."""
    line = change_line(update, context)
    if line is None:
        line = f"{whole_sentence(store, update, context)} ({cite(update.citation)})"
        prev = update.previous
        if update.kind == "changed" and prev is not None:  # the earlier source, never its whole sentence
            was = f"was {prev.value}, " if short_value(prev.value) else "earlier: "
            line = line[:-1] + f"; {was}{cite(prev.citation)})"
    corrected = correction(update, context)
    if corrected:
        line = line[:-1] + f"; {corrected})"
    others = context.outlets - 1 if context else 0
    if others > 0:
        line += f"; also reported by {others} outlet{'s' if others > 1 else ''}"
    return line


def update_line(update: Update) -> str:
    """One update as a line of a live post (a changed fact says what it was before)."""
    if update.kind == "changed" and update.previous is not None:
        prev = update.previous
        return f"{update.sentence} (changed; earlier {prev.citation.source or 'a source'} said: {prev.sentence})"
    return update.sentence


def salient_first(found: Sequence[Update], rank: Mapping[int, float] | None = None) -> list[Update]:
    """Updates most salient first (by `rank`, an update id's prominence, when given: see
    `bot.understand.prominence`); ties go to the newer article."""
    def key(u: Update) -> tuple[float, float]:
        published = u.citation.published.timestamp() if u.citation.published else 0.0
        score = rank.get(u.id or 0, u.salience) if rank is not None else u.salience
        return (-score, -published)
    return sorted(found, key=key)


def story_reply(store: Store, story: Story, found: Sequence[Update], top: int,
                contexts: Mapping[int, UpdateContext], page_url: str | None = None) -> tuple[str, Post]:
    """A story's headline line for the parent post and its threaded reply of developments (ending with a
    link to the story's page when there is one). The headline and the developments shown are the most
    prominent: salience, then a named speaker, a decision, a later date lead; background and a vague
    figure restated trail (`bot.understand.prominence`)."""
    ranked = salient_first(found, prominences(store, found, contexts, top))
    lead = ranked[0]
    lead_context = contexts.get(lead.id or 0)
    corrected = correction(lead, lead_context)
    headline = (f"{story.title}: {whole_sentence(store, lead, lead_context)} ({cite(lead.citation)}"
                + (f"; {corrected})" if corrected else ")"))
    best = ranked[:top]
    best.sort(key=lambda u: (u.citation.published.timestamp() if u.citation.published else 0.0, u.id or 0))
    lines = [f"[{i}] {development_line(store, u, contexts.get(u.id or 0))}" for i, u in enumerate(best, 1)]
    more = len(found) - len(best)
    if more > 0:
        lines.append(f"... and {more} more; say 'updates {story.id}' or 'brief {story.id}' for the rest.")
    if page_url:
        lines.append(f"Full timeline: {page_url}")
    cited = {u.citation.url: u.citation for u in best}  # one citation per article
    return headline, Post(story.title, lines, list(cited.values()))


def window_updates(store: Store, story: str, since: datetime, until: datetime | None = None) -> list[Update]:
    """A story's updates from articles published in [since, until), and those found in the window
    from articles published at most `LATE_GRACE` before it (a feed item polled after the digest it
    belonged to); an old article backfilled today is neither."""
    chosen = {u.id: u for u in store.list_updates(story=story, published_since=since, published_until=until)}
    for u in store.list_updates(story=story, since=since, published_since=since - LATE_GRACE,
                                published_until=until):
        chosen.setdefault(u.id, u)
    return sorted(chosen.values(), key=lambda u: u.id or 0)


def build_digest(store: Store, stories: Sequence[Story], since: datetime, story: str | None = None, top: int = 5,
                 keep: Callable[[Update], bool] | None = None, until: datetime | None = None,
                 page_url: Callable[[str], str | None] | None = None) -> Post | None:
    """A digest of the updates whose articles were published in [since, until) (one story or all; see
    `window_updates`), or None when nothing is new.

    `keep` narrows which updates count (a subscription's only/except terms); `top` caps the
    developments shown per story, the most salient, in publication order; `page_url` gives a story's
    page address (None: no link), linked at the end of its reply as "Full timeline".
    """
    heads: list[str] = []
    replies: list[Post] = []
    for s in (s for s in stories if story is None or s.id == story):
        found = [u for u in window_updates(store, s.id, since, until) if keep is None or keep(u)]
        if not found:
            continue
        contexts = store.update_context(u.id for u in found if u.id is not None)
        headline, reply = story_reply(store, s, found, top, contexts, page_url(s.id) if page_url else None)
        heads.append(headline)
        replies.append(reply)
    if not replies:
        return None
    heading = f"Digest since {since.strftime('%Y-%m-%d %H:%M UTC')}"
    if until is not None:
        heading += f" until {until.strftime('%Y-%m-%d %H:%M UTC')}"
    return Post(heading, heads, [], replies)
