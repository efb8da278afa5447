"""Recognise the furniture of a news page that is never a fact of the story.

Credits, bylines, republication notices, calls to read or subscribe and photo captions travel
with articles from every outlet; reporting them as updates would be noise.
"""

from __future__ import annotations

import re

from bot.understand.language.annotation import Annotated

_PATTERNS = [
    r"\bcontributed (?:to )?(?:this|the) (?:report|story|article)\b",
    r"\b(?:additional )?reporting by\b",
    r"\b(?:writing|editing|edited|compiled|translated) by\b",
    r"\b(?:first|originally) (?:was )?(?:published|appeared|posted|ran)\b",
    r"\b(?:republished|reprinted|syndicated) (?:with|by|from|under)\b",
    r"\bpartner (?:outlet|site|publication|organi[sz]ation)\b",
    r"\b(?:read|see) (?:more|also|the full)\b",
    r"\bclick here\b",
    r"\b(?:sign up|subscribe) (?:for|to|now)\b",
    r"\bnewsletter\b",
    r"\ball rights reserved\b",
    r"^\s*(?:©|\(c\)|copyright)\b",
    r"^\s*(?:photo|image|picture|video|file photo)\s*(?:credit)?\s*[:/]",
    r"\((?:photo|image|picture)[^)]*\)\s*$",
    r"^\s*(?:updated|published|posted)\s*:?\s*\d",
    r"\b(?:follow us|share this|related:|advertisement)\b",
    r"\bthis (?:article|story|report) (?:has been|was) (?:updated|corrected)\b",
]
_BOILERPLATE = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.IGNORECASE)
_BYLINE = re.compile(r"^By\s+[A-Z][\w.'-]+(?:\s+(?:and\s+)?[A-Z][\w.'-]+){1,4}\s*(?:[,|].{0,60})?$")


def is_boilerplate(sentence: str) -> bool:
    """True when a sentence is page furniture (credit, byline, notice, link text), not news."""
    return bool(_BOILERPLATE.search(sentence) or _BYLINE.match(sentence.strip()))


# "X declined to comment", "X could not be reached for comment", "X did not return a call", "X did
# not explain why", "X has given no explanation": the reporter's attempt to learn something, which
# says nothing about the story.
_NO_REPLY_VERBS = frozenset(["reach", "return", "answer", "respond", "reply"])
_REFUSING = frozenset(["decline", "refuse"])
_WITHHELD = frozenset(["comment", "elaborate", "say", "explain", "discuss", "specify", "disclose", "identify",
                       "reveal"])
_ASKING = frozenset(["comment", "call", "request", "message", "email", "inquiry", "query"])
_UNSAID = frozenset(["explanation", "detail", "reason", "indication", "timeline", "timetable"])
_OTHER_CLAUSES = frozenset(["ccomp", "advcl", "parataxis"])
_WH = frozenset(["what", "why", "how", "whether", "when", "who", "where", "which", "if"])


def _asks(a: Annotated, i: int) -> bool:
    """The clause at token i is a question left open ("what the data was", "why it failed")."""
    lo, hi = a.subtree(i)
    return a.tokens[lo].lower in _WH


def says_no_comment(a: Annotated) -> bool:
    """True when the whole sentence says only that someone declined or could not be asked to
    comment, or that something was not explained; a sentence that also reports something ("said the
    talks would go on and declined to comment further", "declined to comment, although it voiced
    disappointment") is kept."""
    if a.quantities:
        return False  # "declined to comment on the arrest of two men": a figure is a fact
    root = a.tokens[a.root]
    kids = list(a.children(root.i))
    lemma = root.lemma.lower()
    if any(c.dep in _OTHER_CLAUSES and not (lemma in _WITHHELD and _asks(a, c.i))
           or c.dep == "conj" and c.lemma.lower() != "do" for c in kids):
        return False
    if lemma in _REFUSING:
        return any(c.dep == "xcomp" and c.lemma.lower() in _WITHHELD for c in kids)
    negated = any(c.dep == "neg" for c in kids)
    if lemma in _WITHHELD and lemma != "comment":
        return negated and any(c.dep in ("ccomp", "dobj") and _asks(a, c.i) for c in kids)
    if lemma in ("give", "offer", "provide"):  # "has given no explanation for the blaze"
        if any(t.dep == "conj" and t.pos in ("VERB", "AUX") for t in a.tokens):
            return False  # "gave no details ... and would not take questions": more is said
        return any(c.dep == "dobj" and c.lemma.lower() in _UNSAID and any(d.lower == "no" for d in a.children(c.i))
                   for c in kids)
    if lemma not in _NO_REPLY_VERBS or not negated:
        return False
    lo, hi = a.subtree(root.i)
    return any(a.tokens[i].lemma.lower() in _ASKING for i in range(lo, hi) if i != root.i)


# Members of the public quoted for colour: what a commuter or a resident went through is the
# texture of a story, not a development in it.
_PUBLIC = frozenset("""
    resident commuter rider student neighbour neighbor passenger shopper villager onlooker
    bystander traveller traveler pedestrian motorist homeowner tenant
""".split())
_TELLING = frozenset(["say", "tell", "describe", "recall", "complain", "add"])


def _member_of_public(a: Annotated, i: int) -> bool:
    """The word at i is a member of the public: "residents", "rider Helen Marchetti", "Janet
    Okoro, who lives on Mill Lane"."""
    t = a.tokens[i]
    if t.pos == "NOUN" and t.lemma.lower() in _PUBLIC:
        return True
    if not t.ent.endswith("-PERSON"):
        return False
    for c in a.children(i):
        if c.dep in ("compound", "appos", "nmod") and not c.ent and c.lower in _PUBLIC:
            return True
        if c.dep == "relcl" and c.lemma.lower() == "live":
            return True
    return False


def quotes_the_public(a: Annotated) -> bool:
    """True when the sentence only reports what a member of the public said ("Some returning
    residents said the smell still hung over the streets")."""
    root = a.tokens[a.root]
    if root.lemma.lower() not in _TELLING:
        return False
    subject = next((c for c in a.children(root.i) if c.dep == "nsubj"), None)
    return subject is not None and _member_of_public(a, subject.i)
