"""How well one candidate fits the question beyond its type: focus noun, title, share, number
shape, speaker, closeness, echoes, and figures that are not the outcome asked about."""

from __future__ import annotations

from datetime import date

from bot.understand.answer import weights as W
from bot.understand.answer.candidates import (
    Candidate,
    title_words,
)
from bot.understand.answer.question import NUMERIC, Kind, Question
from bot.understand.answer.relation import (
    PRONOUNS,
)
from bot.understand.answer.retrieve import Evidence
from bot.understand.answer.vocabulary import (
    CHANGE_VERBS,
    ORG_NOUNS,
    PERSON_NOUNS,
    TIME_UNITS,
    related,
)
from bot.understand.language.annotation import Annotated, Tok
from bot.understand.language.dates import MONTHS, WEEKDAYS


def ev_matched(a: Annotated, q: Question) -> list[tuple[int, str]]:
    """Tokens of the sentence that carry one of the question's proper names or nouns (not its focus)."""
    words = {x.lemma for x in q.anchors if x.lemma != q.focus and not x.verb}
    return [(t.i, t.lemma.lower()) for t in a.tokens if t.lemma.lower() in words or t.lower in words]


def title_focus(q: Question, a: Annotated, cand: Candidate) -> float:
    """For "which official"/"the name of the spokesperson": the name's title must say so."""
    if not q.focus:
        return 0.0
    around = title_words(a, cand.start, cand.end)
    head = a.tokens[cand.head]
    if head.dep in ("compound", "appos") and not cand.start <= head.head < cand.end:
        around.add(head.head)  # "the Aqsa Television channel", "Haldor Consult, the engineering firm"
    if any(related(a.tokens[i].lemma.lower(), q.focus) for i in around):
        # "Instacart chief executive Fidji Simo" for "which Instacart boss": the title's other words count
        others = [i for i, _ in ev_matched(a, q) if i not in range(cand.start, cand.end)]
        inside = sum(1 for i in others if i in around)
        return W.FOCUS_FIT * (0.5 + inside / len(others)) if others else W.FOCUS_FIT
    return W.FOCUS_MISS if q.named else 0.0


def share_of(q: Question, a: Annotated, cand: Candidate) -> float:
    """"63.7 per cent of the seats" is a share of seats: it answers a share of the vote only if the
    question speaks of seats."""
    nxt = a.tokens[cand.end] if cand.end < len(a.tokens) else None
    if nxt is None or nxt.lower != "of":
        return 0.0
    whole = next((c for c in a.children(nxt.i) if c.dep == "pobj"), None)
    if whole is None:
        return 0.0
    lemmas = {x.lemma for x in q.anchors}
    return W.FOCUS_FIT / 2 if any(related(whole.lemma.lower(), x) for x in lemmas) else W.FOCUS_MISS / 2


def shape_of_number(q: Question, ev: Evidence, cand: Candidate) -> float:
    """Penalties for a number that is a change ("rose by 2%") or, for "now/latest" questions, a
    figure from long before its report ("the highest turnout since the war was 83.9% in 1950")."""
    a = ev.parsed
    out = 0.0
    before = a.tokens[cand.start - 1] if cand.start > 0 else None
    if before is not None and before.lower == "by" and a.tokens[before.head].lemma.lower() in CHANGE_VERBS:
        out += W.CHANGE_AMOUNT
    after = a.tokens[cand.end] if cand.end < len(a.tokens) else None
    verb = a.tokens[a.tokens[cand.head].head]
    if a.tokens[cand.head].dep == "dobj" and verb.lemma.lower() in ("gain", "lose") and \
            q.relation not in CHANGE_VERBS:
        out += W.CHANGE_AMOUNT  # "gained 63 seats to finish on 71": 63 is the change
    if before is not None and before.lower == "from" and (after is not None and after.lower == "to" or any(
            c.lower == "to" and c.dep == "prep" for c in a.children(before.head))):
        out += W.CHANGE_AMOUNT  # "fell from 41 to 31", "raised it to $12 million from $5 million": what it was
    out += not_the_outcome(q, a, cand)
    out += rate_mismatch(q, a, cand)
    published = ev.hit.sentence.published
    if published is not None and not q.dates:
        verb = _verb_of(a, cand.head)  # "since 1994, when 23 people died": a figure of years before
        for ref in a.dates:
            old = ref.last and (published.date() - date.fromisoformat(ref.last)).days > 365
            dated = _verb_of(a, ref.end - 1) == verb or a.tokens[verb].dep == "relcl" and \
                ref.start <= a.tokens[verb].head < ref.end
            if old and (q.latest or dated):
                out += W.HISTORIC
                break
    if sets_corrected_figure(a, cand):
        out += W.CORRECTED  # "corrected the death toll to 16 people": the figure now stands at this
    return out


_REVISING = frozenset("correct revise amend adjust update lower".split())


def sets_corrected_figure(a: Annotated, cand: Candidate) -> bool:
    """The figure is what a correction or revision set ("corrected the toll to 16 people")."""
    before = a.tokens[cand.start - 1] if cand.start > 0 else None
    return before is not None and before.lower == "to" and a.tokens[before.head].lemma.lower() in _REVISING


def _verb_of(a: Annotated, i: int) -> int:
    """The verb whose clause a token belongs to (the token itself when it is a verb or the root)."""
    k = i
    for _ in range(6):
        if a.tokens[k].pos in ("VERB", "AUX") or a.tokens[k].head == k:
            break
        k = a.tokens[k].head
    return k


_PREDICTION = frozenset(["poll", "forecast", "projection", "predict", "prediction", "survey"])
_BOUND = frozenset(["maximum", "minimum", "potential", "possible"])
_EARLIER = frozenset(["earlier", "initially", "previously", "originally"])
_WANTED = frozenset(["want", "seek", "demand", "urge", "request", "recommend", "propose", "ask", "push"])
_ASKS_EARLIER = frozenset(["initial", "initially", "first", "originally", "original", "earlier", "previous",
                           "previously"])


_PERIODS = frozenset(["day", "week", "month", "year", "hour", "night", "minute"])
_TOTAL = frozenset(["total", "altogether", "overall", "cumulative", "combined"])


def _rate_after(a: Annotated, end: int) -> str:
    """The unit of a rate written after a figure ("$3 million a day", "per worker", "each year"), or ""."""
    words = [t.lower for t in a.tokens[end:end + 3]]
    if len(words) >= 2 and words[0] in ("a", "an", "per", "each", "every") and words[1] not in ("few", "lot", "number"):
        return a.tokens[end + 1].lemma.lower()
    if words and words[0] in ("daily", "weekly", "monthly", "annually", "yearly", "apiece", "each"):
        return words[0]
    return ""


def rate_mismatch(q: Question, a: Annotated, cand: Candidate) -> float:
    """A figure given per day or per head does not answer a question about a total ("the total cost",
    "over three years"), and a question about a rate ("a day") is not answered by another period's."""
    rate = _rate_after(a, cand.end)
    words = [t.lower for t in q.parsed.tokens]
    asked_rate = ""
    for i, w in enumerate(words):
        if w in ("a", "an", "per", "each", "every") and i + 1 < len(words) and \
                q.parsed.tokens[i + 1].lemma.lower() in _PERIODS:
            asked_rate = q.parsed.tokens[i + 1].lemma.lower()
        elif w in ("daily", "weekly", "monthly", "annually", "yearly"):
            asked_rate = w
    over_period = any(w == "over" and i + 2 < len(words) and q.parsed.tokens[i + 2].lemma.lower() in _PERIODS
                      for i, w in enumerate(words))
    if rate and not asked_rate and (_TOTAL & set(words) or over_period or "so far" in q.text.lower()):
        return W.RATE_NOT_TOTAL
    if asked_rate and rate and rate in _PERIODS and asked_rate in _PERIODS and rate != asked_rate:
        return W.RATE_NOT_TOTAL
    return 0.0


def not_the_outcome(q: Question, a: Annotated, cand: Candidate) -> float:
    """Penalties for a figure that is not the outcome asked about, unless the question asks for that:
    a prediction or a demand ("that poll had the Lib Dems on 52 seats", "are projected to win"); a record or a bound
    ("the highest turnout since the war was 83.9%", "faces a maximum sentence of 50 years"); a figure
    someone gave before ("last month officials said at least 115 had died, but ...")."""
    asked = {t.lemma.lower() for t in q.parsed.tokens} | {t.lower for t in q.parsed.tokens}
    future = any(t.lower in ("will", "would", "expect", "expected") for t in q.parsed.tokens)
    out = 0.0
    predicted = any(t.lemma.lower() in _PREDICTION or t.lemma.lower() == "project" and t.pos == "VERB"
                    for t in a.tokens)
    if predicted and not future and not asked & (_PREDICTION | {"project", "projected"}):
        out += W.PREDICTION
    if not any(t.tag in ("JJS", "RBS") or t.lemma.lower() in _BOUND for t in q.parsed.tokens):
        owner = a.tokens[cand.head].head  # "a maximum sentence of 50 years": the noun the figure is of
        if a.tokens[owner].lower == "of":
            owner = a.tokens[owner].head
        for t in a.tokens:
            if (t.i == owner or q.focus and related(t.lemma.lower(), q.focus)) and any(
                    c.dep == "amod" and (c.tag == "JJS" or c.lemma.lower() in _BOUND) for c in a.children(t.i)):
                out += W.BOUND
                break
    if not asked & _WANTED:  # "they want him to spend as long as 50 years in prison": a demand, not the outcome
        k = cand.head
        for _ in range(4):
            k = a.tokens[k].head
            if a.tokens[k].lemma.lower() in _WANTED and a.tokens[k].pos == "VERB":
                out += W.DEMANDED
                break
            if a.tokens[k].head == k:
                break
    if not asked & _ASKS_EARLIER:
        k, seen = cand.head, 0
        while seen < 8:
            t = a.tokens[k]
            if t.pos in ("VERB", "AUX") and any(
                    c.lower in _EARLIER or c.dep == "npadvmod" and c.lemma.lower() in ("month", "week", "year")
                    and any(d.lower == "last" for d in a.children(c.i)) for c in a.children(k)):
                out += W.STALE
                break
            if t.head == k or t.pos in ("VERB", "AUX") and t.dep == "conj":
                break  # "..., but on Friday they said": a conjoined clause has its own time
            k, seen = t.head, seen + 1
    return out


def other_day(q: Question, a: Annotated, cand: Candidate) -> float:
    """"When on August 8 did X happen" is not answered by a day that is not August 8."""
    days = [(w.month, w.day) for w in q.dates if w.month and w.day]
    if not days:
        return 0.0
    for ref in a.dates:
        if ref.first and ref.start < cand.end and cand.start < ref.end:
            month, day = int(ref.first[5:7]), int(ref.first[8:10])
            if ref.first == ref.last and (month, day) not in days:
                return W.FOCUS_MISS
    words = [t.lower.strip(".") for t in a.tokens[cand.start:cand.end]]
    months = {MONTHS[w] for w in words if w in MONTHS and w != "may"}
    if months and not months & {m for m, _ in days} or \
            any(w in WEEKDAYS for w in words) and not any(w.weekday >= 0 for w in q.dates):
        return W.FOCUS_MISS  # a weekday or another month, when the question names the day
    return 0.0


_REPORTING = frozenset("say tell add state report note confirm announce".split())


def when_said(q: Question, a: Annotated, cand: Candidate, rel: set[int]) -> float:
    """The day a thing was said ("..., the union said late on Sunday") is not the day the asked event
    happens, unless the question asks about the saying; a day the asked verb itself carries is."""
    k = cand.head
    for _ in range(3):
        k = a.tokens[k].head
        if a.tokens[k].pos in ("VERB", "AUX") or a.tokens[k].head == k:
            break
    if k in rel:
        return W.WHEN_OF_RELATION  # "would report by the end of January": the date of the asked event
    said = a.tokens[k].lemma.lower() in _REPORTING and a.tokens[k].pos == "VERB"
    return W.WHEN_SAID if said and q.relation not in _REPORTING else 0.0


def proper_words(a: Annotated, i: int) -> set[str]:
    lo, hi = a.subtree(i)
    return {t.lemma.lower() for t in a.tokens[lo:hi] if t.pos == "PROPN" or t.ent.endswith(("NORP", "ORG", "GPE"))}


def other_owner(q: Question, a: Annotated, cand: Candidate) -> float:
    """"How many Tory seats" is not answered by "10 seats for the SNP": the counted noun belongs to
    another named party than the one the question puts on it."""
    focus = next((t for t in q.parsed.tokens if q.focus and t.lemma.lower() == q.focus), None)
    if focus is None:
        return 0.0
    want: set[str] = set()
    for c in q.parsed.children(focus.i):
        if c.dep in ("compound", "amod", "poss", "nmod") and (
                c.pos == "PROPN" or c.ent.endswith(("NORP", "ORG", "GPE"))):
            want |= {c.lemma.lower(), c.lower}
    if not want:
        return 0.0
    noun = a.tokens[cand.head]
    got: set[str] = set()
    for c in a.children(noun.i):
        if c.dep in ("compound", "poss", "nmod") and (c.pos == "PROPN" or c.ent.endswith(("NORP", "ORG", "GPE"))):
            got |= {c.lemma.lower(), c.lower}
        if c.dep == "prep" and c.lower in ("for", "of"):
            for g in a.children(c.i):
                if g.dep == "pobj":
                    got |= proper_words(a, g.i)
    if not got and noun.dep == "dobj":  # "Reform UK is forecast to win 13 seats": the winner owns them
        verb = a.tokens[noun.head]
        for subject in _subject_of_verb(a, verb.i):
            got |= {t.lemma.lower() for t in a.tokens[subject.i:subject.i + 1]
                    if t.pos == "PROPN" or t.ent.endswith(("NORP", "ORG", "GPE"))} | proper_words(a, subject.i)
    if got and not any(w == x or related(w, x) for w in want for x in got):
        return W.FOCUS_MISS
    return 0.0


def _subject_of_verb(a: Annotated, verb: int) -> list[Tok]:
    """The verb's subject, or for "is forecast to win" the subject of the verb controlling it."""
    for k in (verb, a.tokens[verb].head if a.tokens[verb].dep == "xcomp" else verb):
        subjects = [c for c in a.children(k) if c.dep in ("nsubj", "nsubjpass")]
        if subjects:
            return subjects
    return []


def counts_in_relation(a: Annotated, cand: Candidate, rel: set[int]) -> bool:
    """Whether the number is the one the question's verb is about: "only 58 ... had worked" (its
    subject), "the 130 hostages still held" (a clause on the counted noun)."""
    heads = {cand.head} | {t.i for t in a.tokens[cand.start:cand.end] if t.pos == "NUM"}
    for h in heads:
        t = a.tokens[h]
        if t.head in rel and t.dep in ("nsubj", "nsubjpass", "dobj", "attr"):
            return True
        if any(c.i in rel and c.dep in ("acl", "relcl") for c in a.children(h)):
            return True
    return False


def has_content(a: Annotated, cand: Candidate) -> bool:
    """Whether a phrase has a word of its own (not just "which", "it", "that")."""
    return any(t.pos in ("NOUN", "PROPN", "NUM", "ADJ", "VERB") for t in a.tokens[cand.start:cand.end])


def title_share(ev: Evidence, cand: Candidate, rel: set[int]) -> float:
    """How much of the question's other words sit in the title that names the relation (0.5..1.5)."""
    a = ev.parsed
    words = title_words(a, cand.start, cand.end)
    for r in rel & words:  # "the project director" does not head the company; "the intelligence chief" does
        if any(c.dep == "compound" and c.pos == "NOUN" and c.i not in ev.matched for c in a.children(r)):
            return 0.0
    matched = [i for i in ev.matched if i not in rel]
    if not matched:
        return 0.5
    nouns = [i for i in matched if a.tokens[i].pos in ("NOUN", "PROPN")]
    if nouns and not any(i in words for i in nouns):
        return 0.0  # "Egyptian President X ... intelligence": the title is of something else than asked
    inside = sum(1 for i in matched if i in words)
    return 0.5 + inside / len(matched)


def shape(a: Annotated, cand: Candidate) -> float:
    """Penalty for a name used as a modifier of another name ("US" in "US CIA Chief William Burns")."""
    t = a.tokens[cand.head]
    head = a.tokens[t.head]
    if t.dep in ("compound", "nmod", "poss", "amod") and not cand.start <= t.head < cand.end and (
            head.pos == "PROPN" or head.ent or head.lemma.lower() in PERSON_NOUNS | ORG_NOUNS):
        return W.MODIFIER
    return 0.0


def near(ev: Evidence, cand: Candidate) -> float:
    outside = [i for i in ev.matched if not cand.start <= i < cand.end]
    if not outside:
        return 0.0
    gap = min(min(abs(i - cand.start), abs(i - (cand.end - 1))) for i in outside)
    return W.NEAR / (1 + gap / W.NEAR_SPAN)


def echo(q: Question, a: Annotated, cand: Candidate) -> float:
    if q.kind in NUMERIC or q.kind in (Kind.DATE, Kind.TIME):
        return 0.0  # "42 container ships" repeats the counted noun by design
    words = [t for t in a.tokens[cand.start:cand.end] if t.pos in ("NOUN", "PROPN", "VERB", "ADJ", "NUM", "ADV")]
    if not words:
        return 0.0
    names = [x for x in q.anchors if x.proper]
    if not q.open and any(t.lower == x.text.lower() or t.lemma.lower() == x.lemma for t in words for x in names):
        return W.ECHO  # "Who chairs Halvard Logistics?" is not answered by "Halvard Logistics"
    head = a.tokens[cand.head]
    if not q.open and head.dep == "appos" and any(
            a.tokens[head.head].lower == x.text.lower() or a.tokens[head.head].lemma.lower() == x.lemma for x in names):
        return W.ECHO  # nor by "a company" in "Halvard Logistics, a company owned by ..."
    # "What did X promise the survivors?" is not answered by "the survivors of ...": the question's own
    # object or recipient heads it
    wh_object = any(t.lower in ("what", "which") and t.dep == "dobj" for t in q.parsed.tokens)
    arguments = {t.lemma.lower() for t in q.parsed.tokens  # with "what" the object, another is the recipient
                 if wh_object and t.dep in ("dobj", "dative") and t.pos == "NOUN" and t.lemma.lower() != q.focus}
    if q.open and head.pos == "NOUN" and head.lemma.lower() in arguments:
        return W.ECHO
    lemmas = {x.lemma for x in q.anchors} | {t.lemma.lower() for t in q.parsed.tokens
                                             if t.pos in ("NOUN", "PROPN", "VERB", "ADJ", "ADV")}
    echoed = sum(1 for t in words if t.lemma.lower() in lemmas or t.lower in lemmas or
                 any(related(t.lemma.lower(), x) for x in lemmas))
    share = echoed / len(words)
    limit = W.ECHO_SHARE_OPEN if q.open else W.ECHO_SHARE
    return W.ECHO if share >= limit else 0.0


def speaker_fit(q: Question, ev: Evidence, cand: Candidate) -> float:
    if not q.speaker:
        return 0.0
    said = {w.lower().strip(".,'’s") for w in cand.speaker.split()}
    if said & {"he", "she"} and q.speaker_group:
        return -W.QUOTE_SPEAKER  # "he said" is not what a group or a country said
    if said & PRONOUNS or not said - {""}:
        before = (ev.hit.before or "").lower()
        return W.QUOTE_SPEAKER * W.PRONOUN_SPEAKER if any(w in before for w in q.speaker if len(w) > 2) else 0.0
    wanted = set(q.speaker)
    hits = {w for w in said if any(w == x or related(w, x) for x in wanted)}
    return W.QUOTE_SPEAKER if hits else -W.QUOTE_SPEAKER


def focus_fit(q: Question, a: Annotated, cand: Candidate, noun: str) -> float:
    if not q.focus:
        return 0.0
    if noun:
        if noun in ("people", "person") and q.focus not in TIME_UNITS:
            # "30 to 35 people" may be the hostages asked about, if the clause says so
            verb = a.tokens[a.tokens[cand.head].head]
            if verb.pos == "VERB" and related(verb.lemma.lower(), q.focus):
                return W.FOCUS_FIT  # "killed at least 36 people" is the death toll
            if q.focus in ("people", "person"):  # "how many people died": people the relation's verb counts
                verbs = [verb] + [c for c in a.children(verb.i) if c.dep in ("xcomp", "dobj")]  # "confirmed to
                # have died"; "corrected the death toll to 16 people": the toll the verb moves counts the dead
                fits = q.relation and any(related(v.lemma.lower(), q.relation) for v in verbs)
                return W.FOCUS_FIT if fits else 0.0
            if q.relation and related(verb.lemma.lower(), q.relation) and verb.lemma.lower() not in ("be", "have"):
                return W.FOCUS_FIT / 2  # "185,000 people use the system" for "how many riders use it"
            lo, hi = a.subtree(verb.i)
            return 0.0 if any(related(t.lemma.lower(), q.focus) for t in a.tokens[lo:hi]) else W.FOCUS_MISS / 2
        return W.FOCUS_FIT if related(noun, q.focus) else W.FOCUS_MISS
    around = a.tokens[max(0, cand.start - 4):cand.end + 3] + _subject_of_clause(a, cand.head)
    # "the death toll rose to 55" counts the people who died
    words = {q.focus, q.relation} - {""}
    return W.FOCUS_FIT * 0.5 if any(related(t.lemma.lower(), w) for t in around for w in words) else W.FOCUS_MISS / 2


def _subject_of_clause(a: Annotated, i: int) -> list[Tok]:
    """The subject phrase of the verb a bare number hangs from ("the number of missing people had
    fallen, from 41 to 31": 31 counts missing people)."""
    k = i
    for _ in range(4):
        k = a.tokens[k].head
        if a.tokens[k].pos in ("VERB", "AUX"):
            for verb in (k, a.tokens[k].head if a.tokens[k].dep == "conj" else k):  # a conjoined verb shares it
                for c in a.children(verb):
                    if c.dep in ("nsubj", "nsubjpass"):
                        lo, hi = a.subtree(c.i)
                        return list(a.tokens[lo:hi])
                for c in a.children(verb):  # "raising the death toll ... to four": the object it changes
                    if c.dep == "dobj" and not c.i <= i < a.subtree(c.i)[1]:
                        lo, hi = a.subtree(c.i)
                        return list(a.tokens[lo:hi])
            return []
        if a.tokens[k].head == k:
            break
    return []
