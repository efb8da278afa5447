"""Statements as answers: quotations with their speakers, what a speech verb's subject said, reasons.

"What did X say" is answered by a quotation or the complement of a speech verb whose subject is X;
"why" by the clause after "because (of)", "due to", "amid", "after"... or a purpose "to" clause.
"""

from __future__ import annotations

from collections.abc import Sequence

from bot.understand.answer import weights as W
from bot.understand.answer.candidates import Candidate, make
from bot.understand.answer.vocabulary import REASON_MARKERS, SPEECH_VERBS
from bot.understand.language.annotation import Annotated, Tok


def quote_candidates(a: Annotated) -> list[Candidate]:
    """Quotations with their speakers (the quote's own words, marks excluded)."""
    out = []
    for q in a.quotes:
        toks = [t.i for t in a.tokens if q.start <= t.idx < q.end]
        if not toks:
            continue
        cand = make(a, toks[0], toks[-1] + 1, toks[0], 1.0, speaker=q.speaker, keep_article=True)
        if cand:
            out.append(cand)
    return out


def speech_candidates(a: Annotated, verbs: set[int] | None = None) -> list[Candidate]:
    """What a speech verb's subject said: the verb's clausal complement or object, with the speaker."""
    out = []
    for t in a.tokens:
        if not (t.i in verbs if verbs is not None else t.lemma.lower() in SPEECH_VERBS and t.pos in ("VERB", "AUX")):
            continue
        speaker = ""
        for child in a.children(t.i):
            if child.dep in ("nsubj", "nsubjpass"):
                speaker = a.span(*a.subtree(child.i))
        if not speaker:  # "quoted a senior leader as warning that ...": the one quoted speaks
            up = a.tokens[a.tokens[t.head].head] if a.tokens[t.head].lower == "as" else a.tokens[t.head]
            speaker = next((a.span(*a.subtree(c.i)) for c in a.children(up.i) if c.dep == "dobj"), "")
        hearer = t.lemma.lower() in ("tell", "inform", "assure", "warn")  # "told the newspaper": who heard it
        for child in a.children(t.i):
            if hearer and child.dep in ("dobj", "dative"):
                continue
            if child.dep in ("ccomp", "dobj", "xcomp", "oprd", "attr") or child.dep == "prep" and child.lower in (
                    "about", "of"):
                lo, hi = a.subtree(child.i)
                if child.dep == "prep":
                    lo += 1
                if hi - lo < 1:
                    continue
                cand = make(a, lo, hi, child.i, 1.0 if child.dep in ("ccomp", "dobj", "oprd") else W.FIT_WEAK_STATEMENT,
                            speaker=speaker, keep_article=True)
                if cand:
                    out.append(cand)
        # 'X, Y said' with the clause before the verb: the root clause is the complement
        if a.tokens[t.head].i != t.i and t.dep in ("parataxis", "ccomp") and t.head != t.i:
            pass
    for t in a.tokens:
        # "..., the official said": the statement is the main clause, the speech verb a parataxis
        if t.dep == "parataxis" and t.lemma.lower() in SPEECH_VERBS and (verbs is None or t.i in verbs):
            head = t.head
            lo, hi = a.subtree(head)
            lo2, _ = a.subtree(t.i)
            hi = min(hi, lo2)
            speaker = next((a.span(*a.subtree(c.i)) for c in a.children(t.i) if c.dep == "nsubj"), "")
            cand = make(a, lo, hi, head, 1.0, speaker=speaker, keep_article=True)
            if cand:
                out.append(cand)
    return out


def _said_reason(a: Annotated, clause: int) -> Candidate | None:
    """What the doer said while acting, as its stated reason (without the "that" before it)."""
    lo, hi = a.subtree(clause)
    while lo < hi and a.tokens[lo].dep == "mark":
        lo += 1
    return make(a, lo, hi, clause, W.FIT_SAID_REASON, keep_article=True)


def _scheduled(toks: Sequence[Tok], t: Tok) -> bool:
    """"due to" before a verb ("due to take place", "due to be signed"): when something was planned for."""
    to = t if t.lower == "to" else toks[t.i + 1] if t.lower == "due" and t.i + 1 < len(toks) else None
    return to is not None and to.lower == "to" and to.pos == "PART" and toks[to.i - 1].lower == "due"


def reason_candidates(a: Annotated) -> list[Candidate]:
    """Reasons: clauses after "because (of)", "due to", "amid", "over", "citing", "after", "as", "since",
    and what the doer said while acting ("..., saying that ...")."""
    toks = a.tokens
    # "called off the search, saying [that after two days there was no chance]": the whole said clause
    out = [c for t in toks if t.lower == "saying" and t.dep == "advcl"
           for k in a.children(t.i) if k.dep == "ccomp" and (c := _said_reason(a, k.i))]
    said = [(c.start, c.end) for c in out]
    for t in toks:
        low = t.lower
        if low not in REASON_MARKERS and low != "to" or low != "because" and any(lo <= t.i < hi for lo, hi in said):
            continue
        purpose = t.dep == "aux" and toks[t.head].dep == "advcl" and (
            t.i == 0 or toks[t.i - 1].lower in ("to", ",", "in", "order"))  # "To get the deal done, X agreed"
        if low == "to" and not purpose and not (t.i > 0 and toks[t.i - 1].lower == "due"):
            continue
        if _scheduled(toks, t):
            continue  # "had been due to take place last week": a plan, not a cause
        if low in ("as", "since") and t.dep != "mark":
            continue
        if low == "after" and t.dep not in ("mark", "prep"):
            continue
        start = t.i + 1
        if low == "because" and start < len(toks) and toks[start].lower == "of":
            start += 1
        if t.dep == "mark" or purpose:
            lo, hi = a.subtree(t.head)
        else:
            lo, hi = start, max((a.subtree(c.i)[1] for c in a.children(t.i)), default=start)
            if low == "because" and start < len(toks) and toks[t.i + 1].lower == "of":
                hi = max(hi, max((a.subtree(c.i)[1] for c in a.children(t.i + 1)), default=start))
        lo = t.i if low in ("because", "due") else max(lo, start)  # "because of the fighting": said as a reason
        hi = next((j for j in range(lo + 1, hi) if toks[j].lower == "because"), hi)  # "because A, and because B"
        while hi > lo + 1 and toks[hi - 1].lower in (",", ";", "and"):
            hi -= 1
        fit = 1.0 if low in ("because", "due", "citing") else W.FIT_WEAK_REASON
        cand = make(a, lo, hi, lo, fit, keep_article=True)
        if cand:
            out.append(cand)
    return out
