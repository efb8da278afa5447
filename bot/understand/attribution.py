"""Attribution frames: who said what in a sentence, and about what.

News reports what people said in a handful of shapes:
- `"Victory is within reach," he said` / `X said: "..."` / `..., X said, adding, "..."`
- `X said (that) CLAUSE` / `X told OUTLET (that) CLAUSE`
- `X called Y "a mistake"` / `X described Y as Z` / `X accused Y of Z`
- `CLAUSE, according to X`

A `Frame` holds the speaker (a token span, or a pronoun to resolve from the sentence before),
the speech verb, what was said (the content span) and, for "call/describe/accuse", the thing
described. The answerer uses frames to answer "What did X say/tell/call ...?" with what X said
rather than with whatever sits near the question's words.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.understand.extract import names
from bot.understand.lexicon import STOP, Token, lemmas_of
from bot.understand.speech import SPEECH, is_speech  # noqa: F401 - SPEECH re-exported for answer.py

# "X called Y Z", "X dismissed Y as Z": Z describes Y
NAMING = frozenset(
    ["call", "describe", "brand", "label", "dismiss", "hail", "denounce", "condemn", "praise", "characterize",
     "characterise"]
)  # fmt: skip
PRONOUNS = frozenset(["he", "she", "they", "it", "we", "i"])
_SKIP_BEFORE = frozenset(["also", "has", "have", "had", "was", "is", "reportedly", "then", "later", "again", "had"])
_TIME_WORDS = frozenset(
    [
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "today",
        "yesterday",
        "on",
        "late",
        "earlier",
        "last",
        "this",
        "week",
        "night",
        "morning",
        "evening",
        "afternoon",
    ]
)
_CONTENT_END = re.compile(r"[;:()\u2014\u2013]|\s-\s")
_QUOTE = re.compile(r"[\"“]([^\"“”]{2,400})[\"”]")


@dataclass(frozen=True)
class Frame:
    """One attribution in a sentence (token indices are into `tokens(sentence)`)."""

    verb: int
    content: tuple[int, int]
    speaker: tuple[int, int] | None = None  # a name or noun phrase in this sentence
    pronoun: bool = False  # "he said": the speaker is named in an earlier sentence
    quoted: bool = False  # the content is a quotation
    described: tuple[int, int] | None = None  # "called Y ...": Y


def quote_spans(text: str, toks: list[Token]) -> list[tuple[int, int]]:
    """Token spans of quoted passages, leaving out quoted titles ("This Week with ...")."""
    out = []
    for m in _QUOTE.finditer(text):
        inner = [i for i, t in enumerate(toks) if t.start >= m.start(1) and t.end <= m.end(1)]
        if inner and not _title_case(toks[inner[0] : inner[-1] + 1]):
            out.append((inner[0], inner[-1]))
    return out


def _title_case(span: list[Token]) -> bool:
    words = [t for t in span if t.lower not in STOP]
    return len(words) > 1 and all(t.capitalised for t in words)


def _np_back(text: str, toks: list[Token], end: int) -> tuple[int, int] | None:
    """The noun phrase ending at `end` ("the senior US official", "Prime Minister Netanyahu")."""
    if toks[end].lower in STOP:
        return None
    k = end
    while k - 1 >= 0 and end - k < 6 and text[toks[k - 1].end : toks[k].start] == " ":
        prev = toks[k - 1].lower
        if prev in {"the", "a", "an"}:
            k -= 1
            break
        if prev in STOP or is_speech(prev):
            break
        k -= 1
    return (k, end)


def _np_forward(toks: list[Token], start: int, text: str) -> int:
    """Last index of a short name or noun phrase starting at `start` (stops at a gap or clause word)."""
    k = start
    while k + 1 < len(toks) and k - start < 6:
        gap = text[toks[k].end : toks[k + 1].start]
        if gap.strip() or toks[k + 1].lower in STOP | {"that"} or is_speech(toks[k + 1].lower):
            break
        k += 1
    return k


def _verb_use(toks: list[Token], v: int) -> bool:
    """False for speech words used as nouns ("the telephone call", "a post on X")."""
    w = toks[v].lower
    if w.endswith(("ed", "ing", "s")) or w in {"said", "told", "wrote", "spoke", "says"}:
        return not (w.endswith("s") and v > 0 and toks[v - 1].lower in {"the", "a", "an", "his", "her", "its"})
    return v > 0 and toks[v - 1].lower in {"did", "does", "do", "will", "would", "to", "they", "we", "i", "could"}


def _subject(text: str, toks: list[Token], v: int) -> tuple[int, int] | None:
    """The first name of the sentence before the verb: "Ines Carvalho, who heads ..., told ..."."""
    if _QUOTE.search(text[: toks[v].start]):
        return None
    spans = [(a, b) for a, b in names(text, toks) if b < v]
    return spans[0] if spans else None


def _clause_end(text: str, toks: list[Token], start: int, limit: int = 30) -> int:
    end = start
    while end + 1 < len(toks) and end - start < limit:
        gap = text[toks[end].end : toks[end + 1].start]
        if _CONTENT_END.search(gap):
            break
        if "," in gap and (toks[end + 1].lower in {"adding", "saying", "but", "although", "while", "which", "who"}
                           or is_speech(toks[end + 1].lower)):
            break
        if "," in gap and end + 2 < len(toks) and is_speech(toks[end + 2].lower):
            break  # ", he said"
        end += 1
    return end


def frames(text: str, toks: list[Token]) -> list[Frame]:
    """Every attribution the sentence makes, with the speaker, the verb and what was said."""
    quotes = quote_spans(text, toks)
    out: list[Frame] = []
    last: tuple[tuple[int, int] | None, bool] | None = None  # the previous frame's speaker
    for v, tok in enumerate(toks):
        if not is_speech(tok.lower) or not _verb_use(toks, v) or any(a <= v <= b for a, b in quotes):
            continue
        speaker: tuple[int, int] | None = None
        pronoun = False
        k = v - 1
        while k >= 0 and toks[k].lower in _SKIP_BEFORE:
            k -= 1
        gap_before = text[toks[k].end : toks[k + 1].start] if k >= 0 else ""
        after = v + 1 if v + 1 < len(toks) else None
        if k >= 0 and toks[k].lower in PRONOUNS:
            pronoun = True
        elif k >= 0 and toks[k].lower in {"and", "but"} and last is not None:
            speaker, pronoun = last  # "... and said it was not needed"
        elif k >= 0 and not re.search(r"[,;:\"“”]", gap_before) and toks[k].lower not in STOP:
            speaker = _np_back(text, toks, k)
        elif k >= 0 and re.search(r",", gap_before) and toks[v].lower.endswith("ing") and last is not None:
            speaker, pronoun = last  # "..., he said, adding ..."
        elif after is not None:
            s = after + (1 if toks[after].lower in {"the", "a", "an"} and after + 1 < len(toks) else 0)
            e = _np_forward(toks, s, text)
            tail = text[toks[e].end : toks[e].end + 2]
            if toks[s].lower in PRONOUNS:
                pronoun = True
            elif toks[s].lower not in STOP and (e + 1 == len(toks) or re.match(r"\s*[,.;]", tail)):
                speaker = (after, e)  # "..., said Hamdan." / "\"...,\" said the official"
            elif re.search(r",", gap_before):
                speaker = _subject(text, toks, v)
        if speaker is None and not pronoun and not (k >= 0 and toks[k].lower in {"and", "but"}):
            speaker = _subject(text, toks, v)  # "Netanyahu closed by saying that ..."
        last = (speaker, pronoun)
        # a quotation right before the speaker: "\"The gaps are narrowing,\" Blinken said"
        first = speaker[0] if speaker and speaker[0] < v else (k if pronoun else v)
        for a, b in quotes:
            if b < first and not text[toks[b].end : toks[first].start].strip(" ,\"”'’"):
                out.append(Frame(v, (a, b), speaker, pronoun, True))
        # what follows the verb
        s = v + 1
        if speaker and speaker[0] == v + 1:
            s = speaker[1] + 1
        if s < len(toks) and text[toks[s - 1].end : toks[s].start].strip(" ,:\"“") or s >= len(toks):
            continue
        if is_speech(toks[s].lower):
            continue  # "he said, adding ...": the next verb carries the content
        lemma = lemmas_of(tok.lower)
        that = next((i for i in range(s, min(len(toks), s + 9)) if toks[i].lower == "that"), None)
        if that is not None and not re.search(r"[,;:\"“”]", text[toks[s - 1].end : toks[that].start]):
            s = that + 1  # "wrote on X on Saturday that ..."
        elif lemma & {"tell", "urge", "warn", "accuse", "promise"} and s < len(toks):
            s = _np_forward(toks, s, text) + 1  # the addressee
        while s < len(toks) and (toks[s].lower in _TIME_WORDS or toks[s].lower in {"that", "of", "about"}):
            s += 1
        if s >= len(toks):
            continue
        if lemma & (NAMING | {"accuse"}):
            quote_after = next(((a, b) for a, b in quotes if a >= s), None)
            want = {"as"} if lemma & NAMING else {"of"}
            link = next((i for i in range(s, min(len(toks), s + 16)) if toks[i].lower in want), None)
            if quote_after and quote_after[0] - s <= 16 and (link is None or link > quote_after[0]):
                described = (s, quote_after[0] - 1) if quote_after[0] > s else None
                out.append(Frame(v, quote_after, speaker, pronoun, True, described))
                continue
            if link is not None and link + 1 < len(toks):
                described = (s, link - 1) if link > s else None
                end = _clause_end(text, toks, link + 1)
                out.append(Frame(v, (link + 1, end), speaker, pronoun, False, described))
                continue
        end = _clause_end(text, toks, s)
        inside = any(a <= s and end <= b for a, b in quotes)
        out.append(Frame(v, (s, end), speaker, pronoun, inside))
        for a, b in quotes:  # a quotation inside what was said
            if s <= a and b <= end + 1 and (a, b) != (s, end):
                out.append(Frame(v, (a, b), speaker, pronoun, True))
    for m in re.finditer(r"\baccording to\b", text, re.IGNORECASE):
        at = next((i for i, t in enumerate(toks) if t.start >= m.end()), None)
        if at is None:
            continue
        sp = (at, _np_forward(toks, at + (1 if toks[at].lower in {"the", "a", "an"} else 0), text))
        before = [i for i, t in enumerate(toks) if t.end <= m.start()]
        if before:
            out.append(Frame(at - 2, (before[0], before[-1]), sp, False, False))
    return out
