"""Nouns that name people, for the answerer ("which official": a person) and the update finder
(a count of hostages may revise a count of people; a count of bids may not), and the verbs that
move a person out of a post, into one or back into one ("stepped down", "was ousted", "took over as",
"was reappointed")."""

from __future__ import annotations

from bot.understand.language.annotation import Annotated, Tok

# roles, posts and relations: a noun that asks for a person, or stands for one
PERSON_NOUNS = frozenset("""
    person people man woman men women official leader chief head minister president secretary
    spokesman spokeswoman spokesperson founder executive ceo officer director chairman chair
    chairwoman cto cfo coo prosecutor lawyer attorney judge juror witness investor member boss captain pilot
    journalist reporter analyst expert negotiator mediator envoy diplomat senator lawmaker
    representative governor mayor commander general adviser advisor aide employee worker engineer
    scientist doctor victim survivor passenger customer candidate politician ambassador king queen
    prince premier chancellor cofounder co-founder partner owner manager staff staffer father mother
    son daughter wife husband brother sister child children friend cabinet detective inspector sergeant
    constable curator guard thief suspect driver firefighter nurse teacher student farmer deputy
    rescuer diver volunteer soldier sailor protester activist miner climber defendant plaintiff medic
    paramedic surgeon
    physician priest monk author writer researcher professor economist banker trader pilot crewman
    fisherman officer trooper agent hacker whistleblower campaigner organiser organizer
""".split())
# whom news copy counts, beyond roles: a count of these may revise an earlier count of "people"
COUNTED_PEOPLE = PERSON_NOUNS | frozenset("""
    hostage resident civilian prisoner detainee refugee migrant patient boy girl kid youngster adult
    teenager voter striker evacuee inhabitant pupil fan tourist visitor crew casualty mourner
    spectator pilgrim citizen national immigrant captive inmate occupant traveller traveler rider
    commuter shopper homeowner tenant member delegate participant
""".split())

# verbs whose subject leaves a post ("step" and "stand" only with "down")
LEAVING_POST = frozenset("resign quit retire leave depart step stand".split())
# verbs whose subject gives up a post with "resignation" as their object ("tendered his resignation")
ANNOUNCING = frozenset("announce submit tender offer hand".split())
# verbs whose object is removed from a post
REMOVING_FROM_POST = frozenset("oust fire sack dismiss remove depose topple replace unseat".split())
# verbs whose object is put (back) in a post, and verbs whose subject comes back to one
RESTORING_TO_POST = frozenset("reappoint reinstate rehire appoint name".split())
RETURNING_TO_POST = frozenset("return rejoin".split())
# verbs whose object (or passive subject) is given a post, and verbs whose subject takes one
GIVEN_POST = frozenset("appoint name nominate elect designate install choose pick tap hire promote".split())
TAKING_POST = frozenset("succeed replace".split())


def post_left(a: Annotated, verb: int) -> str:
    """How the verb moves someone out of a post: "left" when its subject goes ("resigned", "stepped
    down"; not "left Cairo", a trip), "removed" when its object is put out ("sacked", "was ousted"),
    else "" (also when negated or only wanted: "refused to step down", "its decision to fire X")."""
    v = a.tokens[verb]
    lemma = v.lemma.lower()
    kids = list(a.children(verb))
    if v.pos != "VERB" or v.dep in ("xcomp", "acl") or _negated(a, verb):
        return ""
    if lemma in REMOVING_FROM_POST:
        return "removed"
    if lemma in ANNOUNCING and any(c.dep == "dobj" and c.lemma.lower() == "resignation" for c in kids):
        return "left"  # "announced his resignation", "handed in the resignation of his government"
    if lemma in ("step", "stand"):
        return "left" if any(c.lower == "down" for c in kids) else ""
    trip = any(c.dep == "dobj" and (e := a.entity_at(c.i)) is not None and e.label in ("GPE", "LOC", "FAC")
               for c in kids)
    return "left" if lemma in LEAVING_POST and not trip else ""


def post_taken(a: Annotated, name: int) -> frozenset[str] | None:
    """The post the clause gives the named person, as its title nouns ("was named prime minister",
    "nominated X as the new lead investigator": investigator; "X will take over as president and chief
    executive", "will become chairman"), empty when it names none ("X succeeded him", "was replaced by
    X"); None when it gives no post (or denies one: "was not named")."""
    t = a.tokens[name]
    head = a.tokens[t.head]
    if t.dep == "pobj" and head.lower == "by" and head.dep == "agent":
        verb = a.tokens[head.head]  # "replaced by X"
        return frozenset() if verb.lemma.lower() in TAKING_POST and not _negated(a, verb.i) else None
    verb = head
    for clause in a.children(name):  # "David Calhoun, who took over as chief executive": the clause's verb
        who = next((c for c in a.children(clause.i) if c.lower in ("who", "that")), None)
        if clause.dep == "relcl" and who is not None:
            t, verb = who, clause
    if verb.pos != "VERB" or _negated(a, verb.i):
        return None
    lemma = verb.lemma.lower()
    kids = list(a.children(verb.i))
    given = t.dep in ("dobj", "nsubjpass") or t.dep == "nsubj" and t.i > verb.i  # (the parser's slip for an object)
    if given and lemma in GIVEN_POST or t.dep == "nsubj" and t.i < verb.i and (
            lemma in TAKING_POST or lemma == "take" and any(c.lower == "over" for c in kids)):
        return _titles(a, kids)
    if t.dep == "nsubj" and lemma == "become":
        titles = _titles(a, kids)
        return titles if titles & PERSON_NOUNS else None
    return None


def posts_of(a: Annotated, name: int) -> frozenset[str]:
    """The title nouns the sentence gives the named person: before the name ("Boeing chief executive
    Dennis Muilenburg", "Judge Fadi Sawan"), beside it ("Fadi Sawan, the first judge on the case") and
    in its verb's "as" phrase ("stepped down as chief executive")."""
    t = a.tokens[name]
    kids = list(a.children(name))
    out = {c.lemma.lower() for c in kids
           if c.dep == "compound" and (c.pos == "NOUN" or c.lemma.lower() in PERSON_NOUNS)}
    for c in kids:
        if c.dep == "appos" and c.pos == "NOUN":
            out |= _titles(a, [c], ("appos",))
    if t.dep in ("nsubj", "nsubjpass", "dobj"):
        out |= _titles(a, list(a.children(t.head)))
    return frozenset(out)


def _titles(a: Annotated, kids: list[Tok], deps: tuple[str, ...] = ("attr", "oprd")) -> frozenset[str]:
    """The title nouns a verb's "as" phrase, complement or predicate names, with their conjuncts."""
    heads = [g for c in kids if c.lower == "as" for g in a.children(c.i) if g.dep == "pobj"]
    heads += [c for c in kids if c.dep in deps and c.pos == "NOUN"]
    out: set[str] = set()
    while heads:
        h = heads.pop()
        out.add(h.lemma.lower())
        out |= {c.lemma.lower() for c in a.children(h.i) if c.dep == "compound" and c.pos == "NOUN"}
        heads += [c for c in a.children(h.i) if c.dep == "conj" and c.pos == "NOUN"]
    return frozenset(out)


def _negated(a: Annotated, verb: int) -> bool:
    return any(c.dep == "neg" for c in a.children(verb))
