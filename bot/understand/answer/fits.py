"""How well one candidate fits the question beyond its type: focus noun, title, share, owner of a
count, the day of a date, speaker, closeness and echoes. How a figure fits (a change, a rate, a
revision, an outcome or not) is in `number_fits.py`."""

from __future__ import annotations

from datetime import datetime

from bot.understand.answer import weights as W
from bot.understand.answer.candidates import (
    Candidate,
    title_words,
    verb_of,
)
from bot.understand.answer.question import NUMERIC, Kind, Question
from bot.understand.answer.relation import PRONOUNS
from bot.understand.answer.retrieve import Evidence
from bot.understand.answer.vocabulary import (
    COUNT_NOUNS,
    HARM_WORDS,
    ORG_NOUNS,
    PLACE_NOUNS,
    TIME_UNITS,
    related,
)
from bot.understand.language.annotation import Annotated, Tok
from bot.understand.language.dates import MONTHS, WEEKDAYS
from bot.understand.language.people import COUNTED_PEOPLE, PERSON_NOUNS

_DOER_ENDINGS = ("er", "or", "ist", "ant", "ent", "ee", "ian")  # subscriber, viewer, resident: maybe people


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


def place_focus(q: Question, a: Annotated, cand: Candidate) -> float:
    """For "which river/town": a place whose own name carries that noun ("the River Sallow") or that
    the noun introduces ("the town of Varnholm") is the kind asked for."""
    if not q.focus:
        return 0.0
    around = set(range(cand.start, cand.end))
    head = a.tokens[cand.head]
    if head.dep == "pobj" and a.tokens[head.head].lower == "of" and a.tokens[head.head].head != head.head:
        around.add(a.tokens[head.head].head)
    return W.FOCUS_FIT / 2 if any(related(a.tokens[i].lemma.lower(), q.focus) for i in around) else 0.0


_DOUBTED_NOUNS = frozenset("evidence sign indication proof suggestion".split())
_DOUBTING_VERBS = frozenset("deny doubt dispute".split())
_UNSAID_VERBS = frozenset("know say confirm believe find show think".split())


def not_asserted(a: Annotated, cand: Candidate) -> float:
    """"We have no evidence that the other two batches are contaminated", "denied that he ordered
    it", "did not say whether...": the clause holding the candidate is not asserted."""
    k, seen = cand.head, 0
    while a.tokens[k].head != k and seen < 8:
        tok = a.tokens[k]
        if tok.dep in ("ccomp", "acl", "advcl") and tok.head != k:
            governor = a.tokens[tok.head]
            kids = list(a.children(governor.i))
            lemma = governor.lemma.lower()
            doubted = [governor] + [c for c in kids if c.dep in ("dobj", "attr")]  # "have no evidence that"
            if any(d.lemma.lower() in _DOUBTED_NOUNS and any(c.lower == "no" or c.dep == "neg"
                                                             for c in a.children(d.i)) for d in doubted) or \
                    lemma in _DOUBTING_VERBS or \
                    lemma in _UNSAID_VERBS and any(c.dep == "neg" for c in kids):
                return W.NOT_ASSERTED
        k, seen = tok.head, seen + 1
    return 0.0


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


_FUTURE_MARKS = frozenset(["will", "'ll", "shall"])


def past_for_future(q: Question, a: Annotated, cand: Candidate, published: datetime | None) -> float:
    """"When will France have its troops out" is not answered by a day before the report ("after its
    troops were forced out of Mali last year"): a question about what will happen wants a day to come."""
    if published is None or not any(t.lower in _FUTURE_MARKS and t.tag == "MD" for t in q.parsed.tokens):
        return 0.0
    for ref in a.dates:
        if ref.last and ref.start < cand.end and cand.start < ref.end and ref.last < published.date().isoformat():
            return W.PAST_FOR_FUTURE
    return 0.0


_REPORTING = frozenset("say tell add state report note confirm announce".split())


def when_said(q: Question, a: Annotated, cand: Candidate, rel: set[int]) -> float:
    """The day a thing was said ("..., the union said late on Sunday") is not the day the asked event
    happens, unless the question asks about the saying; a day the asked verb itself carries is."""
    k = verb_of(a, a.tokens[cand.head].head)
    if k in rel:
        return W.WHEN_OF_RELATION  # "would report by the end of January": the date of the asked event
    said = a.tokens[k].lemma.lower() in _REPORTING and a.tokens[k].pos == "VERB"
    return W.WHEN_SAID if said and q.relation not in _REPORTING else 0.0


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


def other_title(ev: Evidence, rel: set[int]) -> bool:
    """The sentence gives the relation only as a title of something else: "the project director" (an
    unasked noun or name before it) does not head the company; "the Labour leader" does not chair the
    review ("Ohio senators" are senators from a place, not of something else)."""
    a = ev.parsed
    return bool(rel) and all(a.tokens[r].pos == "NOUN" and any(
        c.dep == "compound" and (c.pos == "NOUN" or c.pos == "PROPN" and not c.ent.endswith(("-GPE", "-NORP")))
        and c.i not in ev.matched for c in a.children(r)) for r in rel)


def title_share(ev: Evidence, cand: Candidate, rel: set[int]) -> float:
    """How much of the question's other words sit in the title that names the relation (0.5..1.5)."""
    a = ev.parsed
    words = title_words(a, cand.start, cand.end)
    if other_title(ev, rel & words):  # "the project director" does not head the company; "the intelligence chief" does
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
    """Penalty for a name used as a modifier of another name ("US" in "US CIA Chief William Burns"), or
    for a place a person's name was set beside."""
    t = a.tokens[cand.head]
    head = a.tokens[t.head]
    if t.dep in ("compound", "nmod", "poss", "amod") and not cand.start <= t.head < cand.end and (
            head.pos == "PROPN" or head.ent or head.lemma.lower() in PERSON_NOUNS | ORG_NOUNS | PLACE_NOUNS):
        return W.MODIFIER
    if t.ent.endswith(("GPE", "LOC")) and any(c.dep == "appos" and c.ent.endswith("PERSON") and
                                              not cand.start <= c.i < cand.end for c in a.children(t.i)):
        return W.MODIFIER  # "Lebanon's ambassador to Germany, Mustapha Adib": the person the parser set beside it
    return 0.0


def near(ev: Evidence, cand: Candidate) -> float:
    """Bonus for a candidate close to the nearest question word the sentence matched."""
    outside = _outside(ev, cand)
    return W.NEAR * max(_closeness(cand, i) for i in outside) if outside else 0.0


def closeness_to_all(ev: Evidence, cand: Candidate) -> float:
    """Closeness to every matched question word, weighted by its credit: which of two phrases of one
    sentence belongs with the question ("up to 12 years for the crew, including 10 years for the
    engineer")."""
    outside = _outside(ev, cand)
    weight = sum(ev.matched[i] for i in outside)
    return sum(ev.matched[i] * _closeness(cand, i) for i in outside) / weight if weight > 0 else 0.0


def _outside(ev: Evidence, cand: Candidate) -> list[int]:
    """The matched question words of the sentence that are not inside the candidate."""
    return [i for i in ev.matched if not cand.start <= i < cand.end]


def _closeness(cand: Candidate, i: int) -> float:
    return 1 / (1 + min(abs(i - cand.start), abs(i - (cand.end - 1))) / W.NEAR_SPAN)


def echo(q: Question, a: Annotated, cand: Candidate) -> float:
    if q.kind in NUMERIC or q.kind in (Kind.DATE, Kind.TIME, Kind.YESNO):
        return 0.0  # "42 container ships" repeats the counted noun by design, a yes/no clause the question
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
    if not q.open and q.focus and head.lemma.lower() == q.focus and not any(t.pos == "PROPN" for t in words):
        return W.ECHO  # "three lowland towns" for "which towns": the question's noun again, no name
    rest = [t for t in words if t.lemma.lower() != q.focus]
    if not q.open and q.focus and any(t.pos == "PROPN" for t in rest):
        words = rest  # "River Sallow" for "which river": in a name the type word is no echo
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
    wanted = set(q.speaker)
    if any(w == x or related(w, x) for w in said for x in wanted):
        return W.QUOTE_SPEAKER  # (also "Governor Wes Moore, who declared ...": the name, not the "who")
    if said & PRONOUNS or not said - {""}:
        # "he said": the speaker named earlier in the sentence ("Nuland held talks that she described as")
        # or in the one before
        before = (ev.hit.before or "").lower() + " " + " ".join(t.lower for t in ev.parsed.tokens[:cand.start])
        return W.QUOTE_SPEAKER * W.PRONOUN_SPEAKER if any(w in before for w in q.speaker if len(w) > 2) else 0.0
    return -W.QUOTE_SPEAKER


def focus_fit(q: Question, a: Annotated, cand: Candidate, noun: str) -> float:
    if not q.focus:
        return 0.0
    if noun:
        if noun in ("people", "person") and q.focus not in TIME_UNITS:
            if _nationality_asked(q) and not _nationality_said(a, cand):
                return W.FOCUS_MISS  # "how many Australians died": not "all 298 people on board"
            if _things_asked(q):
                return W.FOCUS_MISS  # "how many fragments did they find": not "identified 100 people"
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
        return W.FOCUS_FIT if related(noun, q.focus) or _compounded(a, cand, noun, q.focus) else W.FOCUS_MISS
    around = a.tokens[max(0, cand.start - 4):cand.end + 3] + _subject_of_clause(a, cand.head)
    # "the death toll rose to 55" counts the people who died
    words = {q.focus, q.relation} - {"", "be", "have", "do", "get"}  # ("did it have": not "to have died")
    if any(t.lemma.lower() in ("total", "tally") for t in around):
        around = a.tokens  # "found 2.4 million more Americans, bringing the total to 147.9 million": of them
    return W.FOCUS_FIT * 0.5 if any(related(t.lemma.lower(), w) for t in around for w in words) else W.FOCUS_MISS / 2


def _nationality_asked(q: Question) -> bool:
    """The question counts people of one nation ("how many Australians", "how many Dutch citizens")."""
    for t in q.parsed.tokens:
        if t.lemma.lower() == q.focus:
            return t.ent.endswith("-NORP") or any(c.dep in ("amod", "compound") and c.ent.endswith("-NORP")
                                                  for c in q.parsed.children(t.i))
    return False


def _things_asked(q: Question) -> bool:
    """The question counts things, not people ("how many fragments", "how many flights"): a noun that
    names no kind of person, no death or injury, and no number itself ("the toll", "the total")."""
    return bool(q.focus) and q.focus.isalpha() and q.focus not in COUNTED_PEOPLE | HARM_WORDS | COUNT_NOUNS and \
        not q.focus.endswith(_DOER_ENDINGS) and \
        not any(t.lemma.lower() == q.focus and (t.pos == "PROPN" or t.ent) for t in q.parsed.tokens)


def _nationality_said(a: Annotated, cand: Candidate) -> bool:
    """The counted people are named by nation in the candidate ("154 Dutch nationals")."""
    return any(t.ent.endswith("-NORP") for t in a.tokens[cand.start:cand.end + 2])


def _compounded(a: Annotated, cand: Candidate, noun: str, focus: str) -> bool:
    """The people counted are named by their compound: "21 of its staff members" counts staff (but
    "four bus garages" are no buses)."""
    if noun not in PERSON_NOUNS:
        return False
    counted = next((t for t in a.tokens[cand.start:cand.end + 5] if t.lemma.lower() == noun), None)
    return counted is not None and any(c.dep == "compound" and related(c.lemma.lower(), focus)
                                       for c in a.children(counted.i))


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
