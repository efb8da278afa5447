"""Yes/no questions: whether a sentence asserts the question's proposition, or its negation.

"Was this a hack?" is answered by "the outage was not a cyberattack": the clause that holds the
question's relation word, asserted (not "had the outage been", "could have been", "if ..."), its
polarity read from its own negation ("not", "no arrests", "without any breakthrough", "refused to").
The candidate's value is "yes" or "no" (against the question's own negation); its text is that
clause, cut to its core so the reply stays short.

A question whether a state still holds ("is the order still in force?", "is the jam over yet?") is
answered by what changed ("the evacuation order was lifted"), newest first, said as the sentence
says it. It leads with No or Yes only where the kind of change settles it: an ending ("was lifted",
"fired") says No to "still"; a return ("reopened", "resumed") says Yes to "back" or "again".
Anything else ("is the port still closed?" against "reopened") is given as said, for the reader
to judge.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from bot.understand.answer import weights as W
from bot.understand.answer.candidates import Candidate
from bot.understand.answer.question import Kind, Question
from bot.understand.answer.vocabulary import phrasal_lemma, related
from bot.understand.language.annotation import Annotated, Tok

# auxiliaries and markers that make a clause a possibility, a plan, a condition or a question, not a fact
HYPOTHETICAL_AUX = frozenset("could would might may should must will shall".split())
FUTURE = frozenset(["will", "shall"])
CONDITIONAL_MARKS = frozenset("if whether unless".split())
# verbs whose clause is what someone wants, not what is: "most people wanted the cathedral restored"
WISH_VERBS = frozenset("want wish hope demand urge prefer seek".split())
# verbs whose complement did not happen ("refused to approve", "failed to reach")
FAILING_VERBS = frozenset("refuse fail decline reject deny".split())
REPORTING_VERBS = frozenset("say announce tell confirm state report".split())  # "BP said [he would step down]"
# parts of a clause left out of the short answer: other clauses joined to it, and attribution
_DROPPED = frozenset("advcl conj cc parataxis punct mark relcl".split())
# changes that end what went before ("lifted", "fired"), and those that bring back what had stopped
ENDINGS = frozenset("""
    end lift clear finish conclude leave depart quit resign withdraw cancel scrap drop halt suspend stop close
    shut expire collapse abandon dissolve fire dismiss oust sack release free extinguish
""".split())
RETURNS = frozenset("reopen resume return restore".split())
# verbs that report a state changing: what answers "is X still ...?" (the endings, the returns, and
# changes that settle nothing by their kind)
STATE_CHANGES = ENDINGS | RETURNS | frozenset(
    "sail grant approve ratify settle sign refloat repair recover rescue".split())
CONTINUING = frozenset("still anymore longer".split())  # "is X still ...?": an ending says No
COMING_BACK = frozenset("back again".split())  # "are the shows back?": a return says Yes
PERFECT_OR_PAST = frozenset("has have had did".split())  # a question whether a change has happened
MOVING_VERBS = frozenset("leave depart quit sail exit".split())  # "left Niamey": a change of the subject's state
_LOOSE_ENDS = frozenset("ADP DET CCONJ PUNCT SCONJ PART".split())  # words a cut answer may not end on
_NAME_PARTS = frozenset("det compound amod poss nummod case".split())  # "the US Federal Aviation Administration"
STATE_WORDS = frozenset("still yet anymore longer back over again".split())  # "is X over yet", "are they back"
_SAID_OF_BEING = frozenset("back over".split())  # state words only as what something is: not "back a demand"
STATE_VERBS = frozenset("stay remain continue keep".split())  # "is X staying on": whether it still holds
# what may come before the verb in the short answer: its subject, auxiliaries and negation
_BEFORE_VERB = frozenset("nsubj nsubjpass aux auxpass neg expl".split())


def yes_no_candidates(q: Question, a: Annotated, rel: set[int]) -> list[tuple[Candidate, float]]:
    """One candidate per clause holding the relation, with a penalty when it is not asserted. None
    for a question about a state now ("is the order still in force?", "is the jam over yet?"): the
    sentence that answers it says what changed ("the order was lifted"), not the question's words."""
    if asks_state_now(q):
        return [(_with_verdict(q, a, c), e) for c, e in _changes_of_state(a, _state_asked(q))]
    out: list[tuple[Candidate, float]] = []
    seen: set[int] = set()
    planned = bool(q.parsed.tokens) and q.parsed.tokens[0].lower in FUTURE  # "Will X ...?": a plan answers
    wanted = _objects_asked(q)
    for r in sorted(rel):
        verb = a.clause_verb(r)
        if verb in seen:
            continue
        seen.add(verb)
        negative = _negative(a, verb, r)
        main = verb  # "it had no information [pointing to an attack]": the clause the noun is in
        while a.tokens[main].dep in ("acl", "relcl") and a.clause_verb(a.tokens[main].head) != main:
            main = a.clause_verb(a.tokens[main].head)
        lo, hi = _core(a, main, r)
        value = "no" if negative != q.negated else "yes"
        cand = Candidate(lo, hi, a.span(lo, hi), r, W.FIT_YESNO_CLAUSE, value=value)
        indirect = W.YESNO_INDIRECT if main != verb else 0.0  # the relation only modifies a noun
        other = W.YESNO_OTHER_OBJECT if wanted and not any(
            related(a.tokens[i].lemma.lower(), w) for i in _own_clause(a, verb) for w in wanted) else 0.0
        out.append((cand, (W.NOT_ASSERTED if _hypothetical(a, verb, planned) else 0.0) + indirect + other))
    return out


def _own_clause(a: Annotated, verb: int) -> set[int]:
    """The tokens of the verb's clause without the clauses joined to it ("calling for a new system,
    but [not recommending a ban]")."""
    out = set(range(*a.subtree(verb)))
    for c in a.children(verb):
        if c.dep in _DROPPED:
            out -= set(range(*a.subtree(c.i)))
    return out


def _objects_asked(q: Question) -> set[str]:
    """The nouns the question's verb acts on ("did Hackitt call for [cladding] to be outlawed", "has
    the council approved the [money]"): a clause of the same verb about something else answers nothing."""
    a = q.parsed
    verbs = [t for t in a.tokens if t.pos == "VERB" and t.lemma.lower() == q.relation]
    out: set[str] = set()
    for v in verbs:
        for c in a.children(v.i):
            if c.dep in ("dobj", "attr", "oprd") and c.pos == "NOUN":
                out.add(c.lemma.lower())
            elif c.dep == "prep" and c.i == v.i + 1:  # "call for X", not "... in Velden harbour"
                out |= {g.lemma.lower() for g in a.children(c.i) if g.dep == "pobj" and g.pos == "NOUN"}
    return out


def _asked_about(q: Question) -> set[str]:
    """The words naming what a state question asks about: its subject and the nouns compounded with it."""
    a = q.parsed
    asked: set[str] = set()
    root = a.tokens[a.root] if a.tokens else None
    if root is not None and root.lemma.lower() == "be":  # "is the cathedral still on fire?": the fire too
        for prep in (c for c in a.children(root.i) if c.dep == "prep"):
            asked |= {g.lemma.lower() for g in a.children(prep.i) if g.dep == "pobj" and g.pos == "NOUN"}
    subject = next((t for t in a.tokens if t.dep in ("nsubj", "nsubjpass") and t.pos in ("NOUN", "PROPN")), None)
    if subject is None:  # the parser found no subject ("is Chung Hong-won still prime minister?"): its names
        return asked | {a.tokens[i].lemma.lower() for e in a.entities if e.label in ("PERSON", "ORG", "GPE")
                        for i in range(e.start, e.end) if a.tokens[i].pos == "PROPN"}
    asked |= {subject.lemma.lower()} | {c.lemma.lower() for c in a.children(subject.i) if c.dep == "compound"}
    if subject.pos == "PROPN":  # "is Macron still making his trip": the trip, as well as Macron
        asked |= {c.lemma.lower() for c in a.children(subject.head) if c.dep == "dobj" and c.pos == "NOUN"}
    return asked


@dataclass(frozen=True)
class _StateAsked:
    """What a question about a state now asks (`_asked_about`, `_acted_on`)."""

    about: set[str]
    relation: str
    staying: bool  # "is X staying on?": a departure announced for later answers too
    change: str  # "has X resigned yet?": only that change answers
    acted_on: frozenset[str]


def _state_asked(q: Question) -> _StateAsked:
    done = bool(q.parsed.tokens) and q.parsed.tokens[0].lower in PERFECT_OR_PAST  # "has X stepped down yet?"
    return _StateAsked(_asked_about(q), q.relation, q.relation in STATE_VERBS,
                       q.relation if done and q.relation in STATE_CHANGES else "", _acted_on(q))


def _changes_of_state(a: Annotated, asked: _StateAsked) -> list[tuple[Candidate, float]]:
    """Each asserted change of state ("was lifted", "ended", "left Niamey") of what the question asks
    about (`_is_about`); for "staying on?", one announced too ("said Hayward would step down")."""
    out: list[tuple[Candidate, float]] = []
    for t in a.tokens:
        announced = asked.staying and _announced(a, t.i)
        if t.pos != "VERB" or (lemma := _change_lemma(a, t)) not in STATE_CHANGES and \
                not (asked.change and related(lemma, asked.change)) or \
                t.tag not in ("VBD", "VBN") and not announced or \
                t.dep in ("amod", "acl", "relcl") or _hypothetical(a, t.i, announced) or \
                any(c.dep == "neg" for c in a.children(t.i)):
            continue
        if asked.change and not related(lemma, asked.change):
            continue  # (not "X left his residence")
        # what changed must be what the question asks about: what was acted on ("lifted the order", "the
        # order was lifted"), or what acted with no other thing acted on ("the strike ended"; not "the
        # strike has shut down productions"), or what moved ("the ambassador left Niamey")
        kids = list(a.children(t.i))
        if any(c.dep == "prep" and c.lower == "from" and any(g.dep == "pcomp" for g in a.children(c.i))
               for c in kids) or any(c.dep == "aux" and c.lower == "to" for c in kids):
            continue  # "stopped the flames from reaching the towers" ended nothing; "allowing it to be released"
        said = t.i  # "the fire was declared fully extinguished": the change is said with the declaring verb
        if t.dep in ("oprd", "xcomp") and not any(c.dep.startswith("nsubj") for c in kids):
            said = t.head
            kids += [c for c in a.children(t.head) if c.dep.startswith("nsubj")]
        if asked.change and t.dep == "conj" and not any(c.dep.startswith("nsubj") for c in kids):
            # "has X resigned yet?": "X fled Sri Lanka and then resigned"
            kids += [c for c in a.children(t.head) if c.dep.startswith("nsubj")]
        acted = any(c.dep == "dobj" for c in kids) and t.lemma.lower() not in MOVING_VERBS
        held = [c for c in kids if c.dep in ("nsubjpass", "dobj") or c.dep == "nsubj" and not acted]
        if any(_is_about(a, x, asked) for x in held if not _other_person(a, x, asked.about)):
            out.append((_said_change(a, said), 0.0))
    return out


def _is_about(a: Annotated, thing: Tok, asked: _StateAsked) -> bool:
    """Whether the thing changed is what the question asks about: it names it; or it is the question's
    doing, its owner being what is asked about ("the Bank's purchases"), or with nobody named ("is
    anyone still searching?": "the search ended"); or it is, or is set up for, what the question's verb
    acts on ("is the taxman still using Equifax": "suspended its contract with Equifax")."""
    if any(related(n, w) for n in _names_of(a, thing) for w in asked.about):
        return True
    if asked.relation and related(thing.lemma.lower(), asked.relation) and \
            (not asked.about or _owned_by(a, thing, asked.about)):
        return True
    return thing.lemma.lower() in asked.acted_on or thing.dep == "dobj" and _mentions(a, thing, asked.acted_on)


def _other_person(a: Annotated, thing: Tok, asked: set[str]) -> bool:
    """A name the question gave in full whose given name differs here ("has Gotabaya Rajapaksa stepped
    down": not "Mahinda Rajapaksa quit")."""
    if thing.pos != "PROPN" or len(asked) < 2 or thing.lemma.lower() not in asked:
        return False
    given = {c.lemma.lower() for c in a.children(thing.i) if c.dep == "compound" and c.text[:1].isupper()}
    return bool(given) and not given <= asked


def _acted_on(q: Question) -> frozenset[str]:
    """What the question's verbs act on, by name or noun ("is the taxman still using [Equifax] to
    check [identities]", "still getting rid of the 45p top [rate]")."""
    toks = q.parsed.tokens
    return frozenset(t.lemma.lower() for t in toks if t.pos in ("NOUN", "PROPN") and t.lower not in STATE_WORDS
                     and (t.dep == "dobj" and toks[t.head].pos == "VERB"  # "using [Equifax]", "go into the [cave]"
                          or t.dep == "pobj" and toks[toks[t.head].head].pos == "VERB"))


def _mentions(a: Annotated, thing: Tok, words: frozenset[str]) -> bool:
    """Whether the first words of the thing's phrase name one of `words` ("its plan to scrap the 45p
    top rate", "its contract with Equifax")."""
    lo, hi = a.subtree(thing.i)
    return any(a.tokens[i].lemma.lower() in words and a.tokens[i].pos in ("NOUN", "PROPN")
               for i in range(lo, min(hi, lo + W.STATE_WORDS)))


def _change_lemma(a: Annotated, verb: Tok) -> str:
    """The verb's lemma, or the single verb its particle makes of it when that is a change of state
    ("called off": cancel)."""
    lemma = verb.lemma.lower()
    return next((p for c in a.children(verb.i) if c.dep == "prt"
                 and (p := phrasal_lemma(lemma, c.lower)) in STATE_CHANGES), lemma)


def _names_of(a: Annotated, thing: Tok) -> set[str]:
    """The words that name a thing changed: its own, the common nouns compounded with it ("recovery
    work"), a name set beside it ("the chief executive, Parag Agrawal") and what it is made of
    ("shipments of waste")."""
    out = {thing.lemma.lower()}
    for c in a.children(thing.i):  # (not a place or owner named in a compound: "the Velden road closure")
        if c.dep == "compound" and c.pos == "NOUN":
            out.add(c.lemma.lower())
        elif c.dep == "appos" and c.pos in ("NOUN", "PROPN"):
            lo, hi = a.subtree(c.i)
            out |= {g.lemma.lower() for g in a.tokens[lo:hi] if g.pos in ("NOUN", "PROPN")}
        elif c.dep == "prep" and c.lower == "of":
            out |= {g.lemma.lower() for g in a.children(c.i) if g.dep == "pobj" and g.pos in ("NOUN", "PROPN")}
    return out


def _owned_by(a: Annotated, thing: Tok, asked: set[str]) -> bool:
    """Whether the noun's owner is what the question asks about ("the Bank of England's purchases")."""
    for c in a.children(thing.i):
        if c.dep in ("poss", "compound") and (c.lemma.lower() in asked or any(
                g.lemma.lower() in asked for g in a.tokens[a.subtree(c.i)[0]:a.subtree(c.i)[1]])):
            return True
    return False


def _said_change(a: Annotated, verb: int) -> Candidate:
    """"The strike ended at 12:01 am on Wednesday": the subject's own words (not its clauses), the verb
    with its auxiliaries, and what follows it, to STATE_WORDS words in all."""
    subject = next((c for c in a.children(verb) if c.dep in ("nsubj", "nsubjpass")), None)
    parts: list[tuple[int, int]] = []
    if subject is not None:  # its owner left out: "the Bank of England's bond purchases" -> "bond purchases"
        owner = next((c for c in a.children(subject.i) if c.dep == "poss"), None)
        after = a.subtree(owner.i)[1] if owner is not None else 0
        left = [a.subtree(c.i)[0] for c in a.children(subject.i) if after <= c.i < subject.i and c.dep in _NAME_PARTS]
        parts.append((min(left + [subject.i]), subject.i + 1))
    lo = min([c.i for c in a.children(verb) if c.i < verb and (
        c.dep in ("aux", "auxpass", "neg") or c.dep == "advmod" and c.i == verb - 1)] + [verb])  # "formally ended"
    _, hi = _core(a, verb, verb, words=len(a.tokens))
    hi = min([c.i for c in a.children(verb) if c.i > verb and c.dep == "prep"  # not "after covering 112,000 km"
              and any(g.dep == "pcomp" and g.pos == "VERB" for g in a.children(c.i))] + [hi])
    hi = min([a.subtree(g.i)[0] for c in a.children(verb) if c.i > verb and c.dep == "dobj"  # "withdrawn the bill"
              for g in a.children(c.i) if g.dep == "relcl"] + [hi])  # (not "that set off protests")
    room = W.STATE_WORDS - sum(e - s for s, e in parts)
    parts.append((lo, _trimmed(a, max(verb + 1, min(hi, lo + room)), verb)))
    text = " ".join(a.span(s, e) for s, e in parts)
    return Candidate(parts[0][0], parts[-1][1], text, verb, W.FIT_YESNO_CLAUSE, value=text.lower())


def asks_state_now(q: Question) -> bool:
    """Whether a yes/no question asks whether a state still holds or has ended ("is X staying on?").
    Not whether a deed is done yet ("has the judge approved the plea yet?"): the clause saying it
    was done answers that, as it answers "did the judge approve the plea?"."""
    words = _state_words(q)
    if words == {"yet"} and not q.latest and _asks_deed(q):
        return False
    return q.latest or q.relation in STATE_VERBS or bool(words)


def _asks_deed(q: Question) -> bool:
    """"Has/did X [verb] ...": a question whether something was done, its verb not a change of state."""
    toks = q.parsed.tokens
    return bool(toks) and toks[0].lower in PERFECT_OR_PAST and q.relation not in STATE_CHANGES | STATE_VERBS and \
        any(t.pos == "VERB" for t in toks) and not any(t.lower in COMING_BACK for t in toks)  # not "got it back"


def state_anchor_lemmas(q: Question) -> frozenset[str]:
    """The words of a state question that name the state rather than what is in it: "still", "again",
    the predicate's verb ("is X still [using] Equifax") and the nouns of a predicate phrase ("still
    [in force]", "[behind bars]", "[at the moment]"). The sentence that answers it tells a change ("the
    order was lifted") and need not carry them."""
    if q.kind is not Kind.YESNO or not asks_state_now(q):
        return frozenset()
    a = q.parsed
    out = {t.lemma.lower() for t in a.tokens if t.lower in STATE_WORDS}
    if not a.tokens:
        return frozenset(out)
    heads = [a.tokens[a.root]]  # the root, and what "is" says of the subject ("is he still [locked] up")
    heads += [c for c in a.children(heads[0].i) if c.dep in ("ccomp", "acomp", "xcomp") and c.pos in ("VERB", "ADJ")]
    out |= {t.lemma.lower() for t in heads if t.pos in ("VERB", "ADJ")}
    for prep in (c for t in heads for c in a.children(t.i) if c.dep == "prep"):
        for g in a.children(prep.i):
            if g.dep == "pobj" and g.pos == "NOUN":  # "in a [police] cell"
                out |= {g.lemma.lower()} | {c.lemma.lower() for c in a.children(g.i) if c.dep == "compound"}
    return frozenset(out)


def _state_words(q: Question) -> set[str]:
    """The question's words asking about a state now: "still", "yet", and "back" or "over" said of
    what something is ("are the shows back?", not "did Biden back the demand?")."""
    a = q.parsed
    return {t.lower for t in a.tokens if t.lower in STATE_WORDS and (
        t.lower not in _SAID_OF_BEING or t.pos in ("ADV", "ADP") and a.tokens[t.head].lemma.lower() == "be")}


def _with_verdict(q: Question, a: Annotated, change: Candidate) -> Candidate:
    """The change with the Yes or No its kind settles: an ending says No to "still", a return says
    Yes to "back" or "again"; none when the change is the question's own state ("is the port still
    closed?" against "was closed") or the question is negated."""
    lemma = _change_lemma(a, a.tokens[change.head])
    asked = _state_words(q)
    own = any(related(lemma, t.lemma.lower()) for t in q.parsed.tokens if t.pos in ("VERB", "ADJ", "NOUN"))
    verdict = ""
    if not q.negated and not own:
        if asked & CONTINUING and lemma in ENDINGS:
            verdict = "no"
        elif asked & COMING_BACK and not asked & CONTINUING and lemma in RETURNS:
            verdict = "yes"
    return replace(change, verdict=verdict)


def _announced(a: Annotated, verb: int) -> bool:
    """A change said to be coming: "will step down", or reported in the past, "said he would step down"."""
    kids = list(a.children(verb))
    if any(c.dep == "aux" and c.lower in FUTURE for c in kids):
        return True
    reporter = a.tokens[a.tokens[verb].head]
    return any(c.dep == "aux" and c.lower == "would" for c in kids) and a.tokens[verb].dep == "ccomp" and \
        reporter.tag == "VBD" and reporter.lemma.lower() in REPORTING_VERBS


def _hypothetical(a: Annotated, verb: int, planned: bool = False) -> bool:
    """The clause, or one it sits in, is a possibility, a plan (unless the question asks about
    one), a condition or an inverted conditional ("could have been", "will remain", "if it had",
    "had the outage been")."""
    k, steps = verb, 0
    while steps < 4:
        kids = list(a.children(k))
        if any(c.dep == "aux" and c.lower in HYPOTHETICAL_AUX and not (planned and c.lower in FUTURE)
               and not (planned and k == verb and _announced(a, k)) for c in kids):
            return True
        if any(c.dep == "mark" and c.lower in CONDITIONAL_MARKS for c in kids):
            return True
        subject = next((c.i for c in kids if c.dep in ("nsubj", "nsubjpass")), None)
        if subject is not None and any(c.dep in ("aux", "auxpass") and c.i < subject and c.lower in ("had", "were")
                                       for c in kids):
            return True
        if a.tokens[k].head == k or a.tokens[k].dep not in ("xcomp", "ccomp", "conj", "advcl"):
            return False
        if a.tokens[k].dep in ("xcomp", "ccomp") and a.tokens[a.tokens[k].head].lemma.lower() in WISH_VERBS:
            return True
        k, steps = a.tokens[k].head, steps + 1
    return False


def _negative(a: Annotated, verb: int, r: int) -> bool:
    """Whether the clause denies the relation: "not", "never", "no arrests", "without any
    breakthrough", "refused to approve"."""
    if any(c.dep == "neg" or c.lower in ("never", "no") and c.dep in ("advmod", "det") for c in a.children(verb)):
        return True
    if any(c.dep == "det" and c.lower in ("no", "neither") for c in a.children(r)):
        return True
    k = r
    while k != verb and a.tokens[k].head != k:  # "came home without any breakthrough"
        if a.tokens[k].dep == "pobj" and a.tokens[a.tokens[k].head].lower == "without":
            return True
        k = a.tokens[k].head
    head = a.tokens[verb]
    if head.dep in ("acl", "relcl") and any(c.dep == "det" and c.lower == "no" for c in a.children(head.head)):
        return True  # "had no information pointing to an attack"
    return head.dep == "xcomp" and a.tokens[head.head].lemma.lower() in FAILING_VERBS


def _core(a: Annotated, verb: int, r: int, words: int = W.YESNO_WORDS) -> tuple[int, int]:
    """The clause without the clauses joined to it, cut to a few words around the relation."""
    keep = [verb]
    for c in a.children(verb):
        if c.dep in _DROPPED or c.dep == "ccomp" and not _inside(a, r, c.i) or c.i < verb and c.dep not in _BEFORE_VERB:
            continue  # not "Within the debris," before "crews found ..."
        lo, hi = a.subtree(c.i)
        keep += [lo, hi - 1]
    lo, hi = min(keep), max(keep) + 1
    if hi - lo > words:  # from the subject on, as far as the relation word and a little after
        lo = max(lo, max(verb, r) - words + 3)
        hi = min(hi, lo + words)
    return lo, _trimmed(a, hi, max(verb, r))


def _trimmed(a: Annotated, hi: int, keep: int) -> int:
    """The end of a cut span, not on a preposition, article or conjunction ("... the federal money that")."""
    while hi - 1 > keep and a.tokens[hi - 1].pos in _LOOSE_ENDS:
        hi -= 1
    return hi


def _inside(a: Annotated, i: int, root: int) -> bool:
    lo, hi = a.subtree(root)
    return lo <= i < hi
