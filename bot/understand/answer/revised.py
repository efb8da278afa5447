"""Figures and dates the update finder saw change: a reply never leads with a value a later source
replaced.

When the lead answer is a figure and a later article of its story was judged to change exactly
that value ("cases had now been identified in 14 hospitals, up from six"), the newer figure of the
same noun and unit leads, and the replaced one is named as what an earlier source said; a date
likewise, when the change names the lead's own sentence ("the line would now reopen on November
23"). The chain is followed to its end (at most `W.REVISION_STEPS` steps), each step bounded by
`W.REVISIONS_READ` stored changes. This holds for a question in the past tense too ("how many were
on board"): a revised count of a past event is its better figure; only a question tied to a source
or moment ("at first", "according to the first report", "in 2019") keeps the figure as told then.
Of several recorded changes of one value the best scored leads (the update finder's false changes
stay behind the true one), and a figure of another doing that could not be an answer on its own
("5,000 workers joined the strike" after "4,800 laid off") replaces nothing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.understand.answer import weights as W
from bot.understand.answer.number_fits import gives_total
from bot.understand.answer.question import NUMERIC, Kind, Question
from bot.understand.answer.question_parts import Anchor
from bot.understand.answer.relation import relation_tokens
from bot.understand.answer.retrieve import Evidence, SentenceSearch, measure
from bot.understand.answer.score import Scored, score_evidence, score_floor
from bot.understand.answer.vocabulary import CHANGE_VERBS
from bot.understand.language.annotation import Annotated, Quantity
from bot.understand.language.numbers import is_increment, number_value

_ANCHORING = frozenset("according initially originally first earlier".split())
_CLAUSE_TIMES = frozenset("when before after until".split())
_OUTSET = frozenset("start outset beginning".split())
_ON_THE_DAY = re.compile(r"\bon the (?:day|night|morning|evening) (?:that |when )?"
                         r"(?:the|a|an|it|he|she|they|its|his|her|their)\b", re.IGNORECASE)


def figure_of(s: Scored) -> Quantity | None:
    """The number a candidate gives, with its unit and counted noun."""
    inside = [x for x in s.evidence.parsed.quantities if s.candidate.start <= x.start < s.candidate.end]
    return inside[0] if inside else None


def leading_number(text: str) -> float | None:
    """The value a stored "previous" text starts with ("six", "18,400", "23 patients")."""
    words = text.replace("$", " ").replace("%", " ").split()
    for cut in range(len(words), 0, -1):
        value = number_value(words[:cut])
        if value is not None:
            return value
    return None


def anchored(q: Question) -> bool:
    """Whether the question ties the figure to a source or a moment ("according to the first report",
    "when Biden signed", "at first") or asks for an extreme ("the lowest"): then it is that figure, not
    its latest revision."""
    if _ON_THE_DAY.search(q.text):
        return True  # "on the day the jet came down"
    for t in q.parsed.tokens:
        if t.tag in ("JJS", "RBS") and t.lower not in ("latest", "newest"):
            return True  # "what's the lowest the pound has gone": an extreme, not the newest value
        if t.lower in _OUTSET and t.dep == "pobj" and q.parsed.tokens[t.head].lower == "at":
            return True  # "at the start", "at the outset"
        if t.lower in _ANCHORING or t.lower in _CLAUSE_TIMES and t.dep in ("advmod", "mark", "prep") and \
                q.parsed.tokens[t.head].dep in ("advcl", "pcomp", "ROOT") and t.head != t.i and t.i > 1:
            return True
    return False


def asks_first_telling(q: Question) -> bool:
    """Whether the question asks the figure as first told: "initially", "at first", "originally",
    "according to the first report", "on the day the jet came down"."""
    toks = q.parsed.tokens
    for t in toks:
        if t.lower in ("initially", "originally") or t.lower == "first" and (
                t.i > 0 and toks[t.i - 1].lower == "at" or t.dep == "amod" and toks[t.head].lemma.lower() == "report"):
            return True
    return bool(_ON_THE_DAY.search(q.text))  # "on the day the jet came down": as reported that day


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-6 * max(abs(a), abs(b), 1.0)


def _moved_to(s: Scored) -> bool:
    """Whether the candidate's figure is where a verb of change took the value ("fell to $88.2bn")."""
    a = s.evidence.parsed
    head = a.tokens[s.candidate.head]
    verb = a.tokens[a.tokens[head.head].head] if a.tokens[head.head].dep == "prep" else a.tokens[head.head]
    return verb.lemma.lower() in CHANGE_VERBS


def follow_revisions(q: Question, lead: Scored, earlier: list[Scored], search: SentenceSearch,
                     anchors: Sequence[Anchor]) -> tuple[Scored, list[Scored]]:
    """The newest value of the lead's figure, following changes the update finder recorded, with
    the values it replaced named as earlier ones."""
    if q.kind not in NUMERIC | {Kind.DATE} or q.dates or anchored(q):
        return lead, earlier
    for _ in range(W.REVISION_STEPS):
        newer = _revision_of(q, lead, search, anchors)
        if newer is None:
            break
        as_total = _moved_to(newer) or gives_total(newer.evidence.parsed, newer.candidate)
        if newer.score < lead.score - W.REVISION_MARGIN and not as_total:
            break  # a "revision" that reads far worse than the lead ("they want him to serve 50 years") is not one
        if newer.score < score_floor(q) and relation_tokens(q, lead.evidence.parsed) and \
                not relation_tokens(q, newer.evidence.parsed) and not as_total:
            break  # nor one of another relation too weak to be an answer itself ("5,000 joined" after "4,800 laid off")
        replaced = (lead.candidate.value, newer.candidate.value)
        earlier = [lead] + [e for e in earlier if e.candidate.value not in replaced]
        lead = newer
    return lead, earlier[:W.MAX_EARLIER]


def _revision_of(q: Question, lead: Scored, search: SentenceSearch, anchors: Sequence[Anchor]) -> Scored | None:
    if q.kind is Kind.DATE:
        return _new_date(q, lead, search, anchors)
    fig = figure_of(lead)
    hit = lead.evidence.hit
    if fig is None or not hit.stories or hit.sentence.published is None:
        return None
    found: list[Scored] = []  # the best of them: a change wrongly recorded as this one's does not hide the true one
    for later, replaced, said in search.changes_after(hit.stories[0], hit.sentence.published, W.REVISIONS_READ):
        old = leading_number(replaced)
        parsed = Annotated.from_json(later.sentence.annotation)
        # the change names the lead's own sentence as what it replaced: its figure of the lead's kind is
        # the new one, whichever of the sentence's figures the change was recorded for
        direct = said == hit.sentence.text
        if not direct and (old is None or not _same(old, fig.value)) or parsed is None or \
                later.sentence.id == hit.sentence.id:
            continue
        ev = Evidence(later, parsed, 0)
        measure(q, anchors, ev)
        if not fig.noun and ev.support < W.MIN_SUPPORT:
            continue  # a bare figure ("rose to 31") is the same slot only if the sentence is on the question
        other_relation = not direct and relation_tokens(q, lead.evidence.parsed) and not relation_tokens(q, parsed)
        same_kind = [s for s in score_evidence(q, ev) if (f := figure_of(s)) is not None and f.unit == fig.unit
                     and _same_count(f, fig, parsed) and not _same(f.value, fig.value)
                     and not is_increment(parsed, s.candidate.start, s.candidate.end)  # "300,000 more patients"
                     # the lead states the question's relation; a figure of another one replaces it only
                     # as the new total ("bringing the total to 145.5 million")
                     and (not other_relation or gives_total(parsed, s.candidate))]
        if same_kind:
            found.append(max(same_kind, key=lambda s: s.score))
    return max(found, key=lambda s: s.score, default=None)


def _same_count(later: Quantity, lead: Quantity, parsed: Annotated) -> bool:
    """Whether the later figure counts what the lead's does: the same noun, or none where the lead's
    noun stands elsewhere in its sentence ("2.5 million more Americans than it first thought,
    bringing the total to 145.5 million")."""
    if later.noun == lead.noun:
        return True
    return not later.noun and bool(lead.noun) and any(t.lemma.lower() == lead.noun for t in parsed.tokens)


def _new_date(q: Question, lead: Scored, search: SentenceSearch, anchors: Sequence[Anchor]) -> Scored | None:
    """A date the update finder saw moved ("the line would now reopen on November 23" after "would
    reopen on November 9"): only a change that names the lead's own sentence as what it replaced, and
    a date of the question's relation in the later one."""
    hit = lead.evidence.hit
    if not hit.stories or hit.sentence.published is None:
        return None
    for later, _, said in search.changes_after(hit.stories[0], hit.sentence.published, W.REVISIONS_READ):
        parsed = Annotated.from_json(later.sentence.annotation)
        if said != hit.sentence.text or parsed is None or not relation_tokens(q, parsed):
            continue
        ev = Evidence(later, parsed, 0)
        measure(q, anchors, ev)
        moved = [s for s in score_evidence(q, ev) if s.candidate.value != lead.candidate.value]
        if moved:
            return max(moved, key=lambda s: s.score)
    return None
