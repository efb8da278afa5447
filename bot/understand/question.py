"""What a question asks for: the answer type, the words the answer must relate to, hints.

The type comes from the wh-word and, for "which/what X", from the noun X; nothing here knows
about any particular story.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

from lemminflect import getAllLemmas

from bot.understand.lexicon import STOP, WH_WORDS, Token, content_words, is_gathering, lemmas_of, tokens


class Kind(Enum):
    """The shape of the short answer."""

    ENTITY = "entity"  # who / which person, organisation, country, outlet, show
    PLACE = "place"  # where
    TIME = "time"  # when / what day
    NUMBER = "number"  # how many / how much
    DURATION = "duration"  # how long / over what period
    CLAUSE = "clause"  # what / why / how / yes-no: a phrase of the sentence


_AUX = frozenset(
    [
        "is",
        "are",
        "was",
        "were",
        "do",
        "does",
        "did",
        "has",
        "have",
        "had",
        "will",
        "would",
        "can",
        "could",
        "should",
        "may",
        "might",
    ]
)
_TIME_NOUNS = frozenset(["date", "day", "days", "month", "year", "time"])
_DURATION_NOUNS = frozenset(["period", "duration", "long"])
_PLACE_NOUNS = frozenset(["city", "town", "place", "venue", "location", "capital"])
_SAY_VERBS = frozenset(
    [
        "say",
        "said",
        "says",
        "tell",
        "told",
        "describe",
        "described",
        "describes",
        "warn",
        "warned",
        "accuse",
        "accused",
        "position",
        "call",
        "called",
        "think",
        "believe",
        "claim",
        "claimed",
        "announce",
        "announced",
    ]
)
_REPORTING = frozenset(
    [
        "say",
        "said",
        "says",
        "reported",
        "reports",
        "report",
        "told",
        "announced",
        "quoted",
        "wrote",
        "claimed",
    ]
)
# "What happens in ...?", "What occurred ...?": the verb only frames the question
_LIGHT_VERBS = frozenset(["happen", "happens", "happened", "occur", "occurs", "occurred"])
_DURATIVE = frozenset(["take", "last", "stay", "remain", "continue"])
_PROPORTION_NOUNS = frozenset(["share", "percentage", "proportion", "percent", "fraction"])
_COUNT_NOUNS = frozenset(["number", "count", "total", "figure", "tally", "amount", "toll"])
_LATEST = frozenset(
    ["latest", "now", "currently", "current", "newest", "recent", "most", "reported", "so", "far"]
)


@dataclass(frozen=True)
class Question:
    """A parsed question."""

    text: str
    kind: Kind
    wh: str
    content: tuple[Token, ...]  # words the supporting sentence should share
    target: str | None = None  # the noun after "how many" / "which" (what is counted or named)
    plural: bool = False  # "who are", "which countries": a list is a fine answer
    reported: bool = False  # asks what someone said / how they described something
    reason: bool = False  # "why"
    verb: str | None = None  # the event a yes/no question asks about ("Did the cabinet approve ...")
    focus: str | None = None  # "what were the Hamas demands ...": the noun whose content is asked for
    subject: tuple[Token, ...] = ()  # who is reported as saying it ("What did Hamdan say ...")
    events: tuple[str, ...] = ()  # verbs of the question (words lemminflect knows only as verbs)
    does: bool = False  # "What did X do ...?": the answer is X's deed
    speaker: bool = False  # "who said/reported ...": the answer is whoever is quoted
    yes_no: bool = False
    wants_latest: bool = False
    relation: str | None = None  # "Who heads X?" -> heads: the word that ties the answer to X
    relation_object: tuple[Token, ...] = ()  # "Who led the delegation ...?" -> (delegation,): the X
    name_of: bool = False  # "What is the name of the X?": a proper name bound to X, or nothing
    object_of: bool = False  # "Whom did X meet?": the answer follows the relation verb, X precedes it
    described: tuple[Token, ...] = ()  # "Who is Rui Pena?", "What is Boyle's background?": whose description
    next_event: tuple[Token, ...] = ()  # "the next round of talks": words a sentence about a new meeting covers


def parse_question(text: str) -> Question:
    """Classify a question and pick out the words its answer must be anchored to."""
    toks = tokens(text)
    low = [t.lower for t in toks]
    content = tuple(content_words(text))
    wh = next((w for w in low if w in WH_WORDS), "")
    kind = Kind.CLAUSE
    target: str | None = None
    plural = False
    i = low.index(wh) if wh else -1
    after = low[i + 1] if 0 <= i < len(low) - 1 else ""
    if wh == "how" and after in {"many", "much", "big", "large", "high", "steep"}:
        kind = Kind.NUMBER
        k = i + 2
        if after == "much" and k < len(low) and low[k] in _AUX:
            k = len(low)  # "How much has the strike cost?": an amount of anything
        while k < len(low) and low[k] in STOP:
            k += 1
        while k + 1 < len(low) and low[k + 1] not in STOP | {"worth"} and _nounish(low[k + 1]):
            k += 1  # the head is the last word of the noun phrase ("emergency trips")
        target = low[k] if k < len(low) else None
        content = tuple(t for t in content if t.lower != after)
    elif wh == "how" and after == "long":
        kind = Kind.DURATION
        content = tuple(t for t in content if t.lower != "long")
    elif wh == "when":
        kind = Kind.TIME
    elif wh == "where":
        kind = Kind.PLACE
    elif wh in {"who", "whom", "whose"}:
        kind = Kind.ENTITY
        plural = after in {"are", "were", "have"}
    elif wh in {"which", "what"} and after and after not in _AUX and not (wh == "what" and _verb_only(after)):
        # ("What remained the sticking point?" asks for a phrase, not for a kind of thing)
        # skip modifiers ("which US official", "which Israeli official") to reach the noun
        k = i + 1
        while (
            k + 1 < len(low)
            and (toks[k].capitalised or low[k] in STOP)
            and low[k + 1] not in _AUX
            and low[k + 1] not in {"of", "that", "did", "does"}
        ):
            k += 1
        after = target = low[k]
        if after in _TIME_NOUNS:
            kind = Kind.TIME
        elif after in _DURATION_NOUNS:
            kind = Kind.DURATION
        elif after in _PLACE_NOUNS:
            kind = Kind.PLACE
        elif after == "name" and k + 1 < len(low) and low[k + 1] == "of":
            kind, target = Kind.ENTITY, _head_after(low, k + 2)
        elif after in _PROPORTION_NOUNS:
            kind, target = Kind.NUMBER, "percent"
        elif after in _COUNT_NOUNS and k + 2 < len(low) and low[k + 1] == "of":
            kind = Kind.NUMBER
            target = low[k + 2]
        elif after not in {"happens", "happened", "happen"}:
            kind = Kind.ENTITY
            plural = after.endswith("s") and not after.endswith("ss")
    if kind is Kind.CLAUSE and wh == "what" and after in _AUX:
        # "What is the name of the spokesman?": a proper name that fills the role asked for
        k = i + 2
        while k < len(low) and low[k] in {"the", "a", "an"}:
            k += 1
        if k + 1 < len(low) and low[k] == "name" and low[k + 1] == "of":
            kind, target = Kind.ENTITY, _head_after(low, k + 2)
    if kind is Kind.CLAUSE and i >= 0:
        # "what is the latest reported number of hostages": a count in disguise
        for k in range(i + 1, len(low) - 2):
            if low[k] in _COUNT_NOUNS and low[k + 1] == "of":
                kind, target = Kind.NUMBER, low[k + 2]
                break
    if target is not None:
        content = tuple(t for t in content if t.lower != target or kind in {Kind.NUMBER})
    # words about the question itself ("latest", "number of") are not facts a sentence must carry
    content = tuple(
        t
        for t in content
        if t.lower not in _LATEST | _LIGHT_VERBS and not (kind is Kind.NUMBER and t.lower in _COUNT_NOUNS)
    )
    if kind is Kind.DURATION:
        # "How long would construction take / will the bridge stay closed?": the verb of lasting
        # only asks for a span; "building work would last five years" need not repeat it
        content = tuple(t for t in content if not lemmas_of(t.lower) & _DURATIVE) or content
    focus: str | None = None
    if (
        kind is Kind.CLAUSE
        and wh == "what"
        and i + 1 < len(low)
        and low[i + 1] in {"is", "are", "was", "were"}
    ):
        k = i + 2
        while k < len(low) and (low[k] in STOP or toks[k].capitalised):
            k += 1
        while (
            k + 1 < len(low)
            and low[k + 1] not in STOP
            and not toks[k + 1].capitalised
            and _nounish(low[k + 1])
        ):
            k += 1
        if k < len(low) and _nounish(low[k]):
            focus = low[k]
            if focus in _COUNT_NOUNS:
                kind, target = Kind.NUMBER, focus
    yes_no = not wh and bool(low) and low[0] in _AUX
    event = None
    if yes_no and low[0] in {"did", "does", "do", "has", "have", "had", "will", "can"}:
        event = next(
            (w for w in low[1:] if "VERB" in getAllLemmas(w) and "NOUN" not in getAllLemmas(w)), None
        )
        if event is None:  # "Did the port authority sign an agreement?": a verb takes an object
            event = next(
                (
                    low[k]
                    for k in range(2, len(low) - 1)
                    if "VERB" in getAllLemmas(low[k])
                    and low[k - 1] not in {"the", "a", "an"}
                    and low[k + 1] in {"the", "a", "an", "its", "his", "her", "their", "any", "to", "with"}
                ),
                None,
            )
    subject: tuple[Token, ...] = ()
    if (
        wh in {"what", "how"}
        and i + 1 < len(low)
        and low[i + 1] in {"did", "does", "do", "has", "have", "had"}
    ):
        verb = next((k for k in range(i + 2, len(low)) if low[k] in _SAY_VERBS | {"do"}), None)
        if verb is not None:
            subject = tuple(t for t in toks[i + 2 : verb] if t.lower not in STOP)
    according = re.search(r"\baccording to\s+(.+?)\s*[?.]*$", text, re.I) if wh else None
    if according and not subject:
        # "How close is the deal, according to the senior US official?": a reported answer
        subject = tuple(t for t in tokens(according.group(1)) if t.lower not in STOP)
    described: tuple[Token, ...] = ()
    if wh in {"who", "what"} and after in {"is", "was"}:
        rest = toks[i + 2 :]
        if rest and all(t.capitalised for t in rest):
            kind, described = Kind.CLAUSE, tuple(rest)  # "Who is Rui Pena?", "What is Costa Hoje?"
            target = None
        elif wh == "what" and len(rest) == 2 and rest[0].capitalised and rest[0].lower.endswith("'s"):
            described = (rest[0],)  # "What is Boyle's background?"
            content = tuple(t for t in content if t.lower != rest[1].lower)
            focus = None
    relation = None
    relation_object: tuple[Token, ...] = ()
    object_of = False
    if kind is Kind.ENTITY and wh in {"who", "whom"}:
        k = i + 1
        while k < len(low) and (
            low[k] in _AUX | {"the", "a", "an", "be", "been", "being"}
            or low[k].endswith("'s")
            or (low[i + 1] in _AUX and toks[k].capitalised)  # "Whom did Helena Sousa meet"
        ):
            k += 1
        object_of = (
            i + 1 < len(low)
            and low[i + 1] in _AUX - {"is", "are", "was", "were"}
            and any(t.capitalised for t in toks[i + 2 : k])
        )
        progressive = low[k].endswith("ing") and low[k - 1] in _AUX if 0 < k < len(low) else False
        if k < len(low) and low[k] not in STOP and low[k] not in _SAY_VERBS | _REPORTING and not progressive:
            first = k
            while k + 1 < len(low) and low[k + 1] not in STOP and _nounish(low[k + 1]) and not toks[k + 1].capitalised:
                k += 1  # "the union's chief negotiator": the head noun
            relation = low[k]
            if k == first:
                relation_object = _relation_object(toks, k)
        elif progressive:
            relation = low[k]  # "Who is covering ...?": the verb itself
    return Question(
        text=text,
        relation=relation,
        relation_object=relation_object,
        next_event=_next_event(toks),
        object_of=object_of,
        described=described,
        name_of=kind is Kind.ENTITY and bool(re.search(r"\bname\s+of\b", text, re.I)),
        kind=kind,
        wh=wh,
        content=content,
        target=target,
        plural=plural,
        reported=any(w in _SAY_VERBS for w in low) or bool(according),
        subject=subject,
        focus=focus,
        verb=event,
        events=tuple(
            t.lower
            for t in content
            if t.lower not in _SAY_VERBS | _REPORTING and _verb_only(t.lower) and not t.capitalised
        ),
        does=wh == "what" and "do" in low[i + 2 :] if i >= 0 else False,
        reason=wh == "why",
        speaker=kind is Kind.ENTITY and any(w in _REPORTING for w in low),
        yes_no=yes_no,
        wants_latest=any(w in _LATEST for w in low),
    )


_TIME_UNITS = frozenset(["day", "days", "week", "weeks", "month", "months", "year", "years", "time", "morning",
                         "evening", "night", "weekend"])  # fmt: skip


def _next_event(toks: list[Token]) -> tuple[Token, ...]:
    """ "the next round of talks" -> (next, round, talks): a coming meeting, which a source may
    announce as "another meeting", "would meet again" or "talks will resume"."""
    for k, t in enumerate(toks[:-1]):
        if t.lower not in {"next", "another", "upcoming"} or toks[k + 1].lower in _TIME_UNITS | STOP:
            continue
        end = k + 1
        if end + 2 < len(toks) and toks[end + 1].lower == "of" and is_gathering(toks[end + 2].lower):
            end += 2  # "round of talks"
        return tuple(w for w in toks[k : end + 1] if w.lower != "of")
    return ()


def _relation_object(toks: list[Token], at: int) -> tuple[Token, ...]:
    """The noun phrase a relation word governs: "led the delegation Netanyahu sent" -> delegation,
    "heads Egyptian intelligence" -> Egyptian intelligence, "the head of Mossad" -> Mossad."""
    if at < 0:
        return ()
    k = at + 1
    while k < len(toks) and (toks[k].lower in STOP or toks[k].lower.endswith("'s")):
        k += 1
    run: list[Token] = []
    while k < len(toks) and toks[k].lower not in STOP:
        if run and toks[k].capitalised and not run[-1].capitalised:
            break  # "the delegation Netanyahu sent": a new phrase begins
        nominal = toks[k].lower.endswith("ing") and k + 1 < len(toks) and toks[k + 1].lower not in STOP
        if run and not toks[k].capitalised and _verb_only(toks[k].lower) and not nominal:
            break  # "the negotiating team" goes on, "the delegation sent" does not
        run.append(toks[k])
        k += 1
    return tuple(run)


def _head_after(low: list[str], k: int) -> str | None:
    """The head noun of the phrase starting at k ("the senior Hamas leader quoted by ..." -> leader)."""
    while k < len(low) and low[k] in STOP:
        k += 1
    head = None
    while k < len(low) and low[k] not in STOP and _nounish(low[k]):
        head = low[k]
        k += 1
    return head


def _verb_only(word: str) -> bool:
    lemmas = getAllLemmas(word)
    return "VERB" in lemmas and "NOUN" not in lemmas and "ADJ" not in lemmas


def _nounish(word: str) -> bool:
    """False for words lemminflect knows only as verbs ("remain"), so "hostages remain" stops early."""
    lemmas = getAllLemmas(word)
    return not lemmas or "NOUN" in lemmas


def mentioned_dates(text: str) -> list[tuple[int, int | None]]:
    """(month, day) pairs a question names, such as "March 10" or "Feb 24", to match sources' dates."""
    months = {
        m: n
        for n, m in enumerate(
            ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"], start=1
        )
    }
    out: list[tuple[int, int | None]] = []
    for m in re.finditer(r"\b([A-Z][a-z]{2})[a-z]*\.?\s+(\d{1,2})\b", text):
        month = months.get(m.group(1).lower())
        if month:
            out.append((month, int(m.group(2))))
    return out
