"""Quotations in a parsed sentence and who said them.

The speaker is the subject of the speech verb that governs the quote ("...," Hamdan said;
Lazzarini described "growing panic"), or the body named by "according to".
"""

from __future__ import annotations

import re

from bot.understand.language.annotation import Annotated

SPEECH_VERBS = frozenset(
    """say tell add warn call describe insist argue claim write state declare announce note stress
    explain ask reply respond acknowledge admit deny confirm suggest predict urge vow promise threaten
    allege testify tweet post""".split()
)
_QUOTE = re.compile(r"“([^”\"]{2,})[”\"]?|\"([^\"”]{2,})[\"”]?")


def quote_spans(text: str) -> list[tuple[int, int]]:
    """Character ranges of quoted text (marks excluded); an unclosed quote runs to the end."""
    spans = []
    for m in _QUOTE.finditer(text):
        group = 1 if m.group(1) is not None else 2
        spans.append((m.start(group), m.end(group)))
    return spans


def _speaker_of_verb(a: Annotated, verb: int) -> str:
    for child in a.children(verb):
        if child.dep in ("nsubj", "nsubjpass"):
            lo, hi = a.subtree(child.i)
            return a.span(lo, hi)
    return ""


def _according_to(a: Annotated) -> str:
    for t in a.tokens[:-1]:
        if t.lower == "according" and a.tokens[t.i + 1].lower == "to":
            for child in a.children(t.i + 1):
                if child.dep == "pobj":
                    lo, hi = a.subtree(child.i)
                    return a.span(lo, hi)
    return ""


def speakers(a: Annotated) -> list[tuple[int, str]]:
    """Speech verbs of the sentence (token index) with their subjects' words."""
    return [(t.i, _speaker_of_verb(a, t.i)) for t in a.tokens
            if t.pos in ("VERB", "AUX") and t.lemma.lower() in SPEECH_VERBS]


def quotes_of(a: Annotated) -> list[tuple[int, int, str]]:
    """(start, end, speaker) for each quotation; the speaker is "" when the sentence does not say."""
    spans = quote_spans(a.text)
    if not spans:
        return []
    verbs = [(i, who) for i, who in speakers(a) if who]
    fallback = _according_to(a)
    out = []
    for start, end in spans:
        outside = [(i, who) for i, who in verbs if not start <= a.tokens[i].idx < end]
        if outside:
            # the speech verb nearest the quote
            i, who = min(outside, key=lambda v: min(abs(a.tokens[v[0]].idx - start), abs(a.tokens[v[0]].idx - end)))
            out.append((start, end, who))
        else:
            out.append((start, end, fallback))
    return out
