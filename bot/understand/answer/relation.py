"""The question's relation in a sentence: which tokens state it, who or what fills its roles,
and whether the sentence states it of someone else or only as a past state."""

from __future__ import annotations

import re

from bot.understand.answer.candidates import (
    Candidate,
    title_words,
)
from bot.understand.answer.question import Kind, Question
from bot.understand.answer.question_parts import LIGHT_VERBS
from bot.understand.answer.vocabulary import (
    LEAD_POSTS,
    LEAD_WORDS,
    SPEECH_VERBS,
    derivations,
    related,
)
from bot.understand.language.annotation import Annotated, Tok
from bot.understand.language.people import PERSON_NOUNS, post_left

_SUBJ = frozenset(["nsubj", "csubj"])
_OBJ = frozenset(["dobj", "attr", "oprd", "nsubjpass", "dative", "pobj"])
ROLE_FOCUS = frozenset(["job", "role", "position", "post", "title", "thing", "step"])
ROLE_KINDS = frozenset([Kind.PERSON, Kind.ORG, Kind.AGENT, Kind.PHRASE])
PRONOUNS = frozenset("he she they it we i".split())


def relation_tokens(q: Question, a: Annotated) -> set[int]:
    """Sentence tokens that express the question's relation (its verb or noun, or a derivation)."""
    if not q.relation:
        return set()
    forms = derivations(q.relation)
    post_asked = any(q.relation in post for post in LEAD_POSTS)
    found = {t.i for t in a.tokens
             if (w := _post_named(a, t.i) if post_asked else t.lemma.lower()) in forms or related(q.relation, w)}
    if q.particle and q.relation in LIGHT_VERBS:  # "got back" is not "got"
        found = {i for i in found if any(c.lower == q.particle for c in a.children(i))
                 or i + 1 < len(a.tokens) and a.tokens[i + 1].lower == q.particle}
    return found


_WH = frozenset("who whom whose what which when where why how".split())


def _post_named(a: Annotated, i: int) -> str:
    """The word for what token i names: a word for leading that qualifies a noun names that noun
    ("chief" of "chief executive" is the executive, not the chair)."""
    t = a.tokens[i]
    if t.lemma.lower() in LEAD_WORDS and t.dep in ("amod", "compound") and a.tokens[t.head].pos == "NOUN":
        return a.tokens[t.head].lemma.lower()
    return t.lemma.lower()


def _arguments(a: Annotated, i: int) -> tuple[list[int], list[int]]:
    """The named doer and the named thing done of verb i (nouns and names only, never pronouns):
    passives ("run by X") and relative clauses ("the icebreaker run by X", "the years that his
    lawyers asked for") followed."""
    t = a.tokens[i]
    subj: list[int] = []
    obj: list[int] = []
    passive = any(c.dep == "auxpass" or t.tag == "VBN" and c.dep == "aux" and c.lemma == "be" for c in a.children(i))
    for c in a.children(i):
        if c.dep == "nsubj":
            (obj if passive else subj).append(c.i)  # "was Altman told": Altman is told
        elif c.dep in ("dobj", "nsubjpass"):
            obj.append(c.i)
        elif c.dep == "agent":
            subj += [g.i for g in a.children(c.i) if g.dep == "pobj"]
    subj = [k for k in subj if a.tokens[k].pos in ("NOUN", "PROPN")]
    obj = [k for k in obj if a.tokens[k].pos in ("NOUN", "PROPN")]
    if t.dep in ("acl", "relcl") and a.tokens[t.head].pos in ("NOUN", "PROPN"):
        if subj and not obj or t.dep == "acl" and t.tag == "VBN":
            obj.append(t.head)
        elif not subj:
            subj.append(t.head)
    return subj, obj


def initials(words: list[str]) -> str:
    """"Marine Accident Board" -> "mab", "Bankman-Fried" -> "bf"."""
    return "".join(w[0] for w in words if w and w not in ("of", "and", "the"))


def _argument_words(a: Annotated, i: int) -> tuple[set[str], bool, bool]:
    """The noun and name words of argument i (its clauses left out), with the initials of its names
    ("the African Union's council": au); whether it holds a proper name; whether it is a person noun
    ("his lawyers"). "UNRWA's chief" is a title, not a name."""
    lo, hi = a.subtree(i)
    words = {initials(re.split(r"[\s-]+", e.text.lower())) for e in a.entities
             if lo <= e.start and e.end <= hi and e.end - e.start > 1}
    proper = False
    stack = [i]
    while stack:
        k = stack.pop()
        t = a.tokens[k]
        if t.pos in ("NOUN", "PROPN"):
            words |= {t.lemma.lower(), t.lower}
            proper = proper or t.pos == "PROPN" and (k == i or t.dep in ("compound", "flat", "appos", "conj"))
        stack += [c.i for c in a.children(k) if c.dep not in ("relcl", "acl", "advcl", "ccomp", "punct", "cc")]
    return words, proper, a.tokens[i].lemma.lower() in PERSON_NOUNS


def _clash(want: tuple[set[str], bool, bool], got: tuple[set[str], bool, bool]) -> bool:
    """Whether two arguments are plainly different: two proper names that share no word, or two person
    nouns ("prosecutors", "his lawyers") that differ. A description ("the agency", "the software
    giant") may stand for a name, so it never clashes with one."""
    w_words, w_proper, w_person = want
    g_words, g_proper, g_person = got
    if any(w == x or related(w, x) for w in w_words for x in g_words):
        return False
    return w_proper and g_proper or w_person and g_person and not w_proper and not g_proper


def question_arguments(q: Question) -> tuple[list[tuple[set[str], bool, bool]], list[tuple[set[str], bool, bool]]]:
    """The question's own subject and object of its relation verb, where a word of the question
    (not the wh-word) fills them."""
    a = q.parsed
    verb = next((t for t in a.tokens if t.lemma.lower() == q.relation and t.pos == "VERB"), None)
    if verb is None:
        return [], []
    subj, obj = _arguments(a, verb.i)

    def own(args: list[int]) -> list[tuple[set[str], bool, bool]]:
        out = []
        for k in args:
            lo, hi = a.subtree(k)
            if not any(x.lower in _WH for x in a.tokens[lo:hi]):
                out.append(_argument_words(a, k))
        return out
    # the role the wh-word fills is open, whatever the parser hung there ("who has X made chancellor")
    return (own(subj) if q.role != "subj" else []), (own(obj) if q.role != "obj" else [])


def other_arguments(q: Question, a: Annotated, rel: set[int]) -> bool:
    """Whether every verb of the sentence that states the question's relation states it of someone
    else: "the five to six years his lawyers asked for" does not say what prosecutors asked for."""
    q_subj, q_obj = question_arguments(q)
    if not q_subj and not q_obj:
        return False
    verbs = [r for r in rel if a.tokens[r].pos == "VERB"]
    if not verbs:
        return False
    for r in verbs:
        subj, obj = _arguments(a, r)
        clash = False
        for want, got in ((q_subj, subj), (q_obj, obj)):
            if want and got and all(_clash(w, _argument_words(a, k)) for w in want for k in got):
                clash = True
        if not clash:
            return False
    return True


def _controlled(a: Annotated, verb: int) -> set[int]:
    """Verbs whose subject is the subject of `verb`: its xcomp ("agreed to pay"), also past an
    adjective or preposition ("is due to travel", "is expected to visit"), and the verb of its purpose
    when it has no object to do it ("was appointed to chair the inquiry", not "appointed X to chair")."""
    out: set[int] = set()
    kids = list(a.children(verb))
    for c in kids:
        if c.dep == "xcomp" or c.dep == "advcl" and any(g.dep == "aux" and g.lower == "to" for g in a.children(c.i)) \
                and not any(k.dep == "dobj" for k in kids):
            out.add(c.i)
        elif c.dep in ("acomp", "prep", "attr"):
            out |= {g.i for g in a.children(c.i) if g.dep == "xcomp"}
    return out


def role_of(a: Annotated, cand: Candidate, rel: set[int]) -> str:
    """'subj' or 'obj' when the candidate fills that role of a relation token, else ''."""
    h = cand.head
    seen = 0
    # "X was named acting director and will run the museum": X is the subject of "run" too
    shared = {a.tokens[r].head for r in rel if a.tokens[r].dep == "conj" and a.tokens[r].pos in ("VERB", "AUX")
              and not any(c.dep in _SUBJ | {"nsubjpass"} for c in a.children(r))}
    while seen < 3:  # climb through coordination and apposition: "A and B", "X, the head of Y"
        t = a.tokens[h]
        head = a.tokens[t.head]
        if t.head in shared and t.dep in _SUBJ | {"nsubjpass"}:
            return "subj"
        if t.dep == "appos" and (t.head in rel and a.tokens[t.head].pos == "NOUN" or _beside_title_of(a, t, rel)):
            return "subj"  # "a government-appointed mediator, retired judge Colm Brennan"
        if t.head in rel or (head.dep == "agent" and head.head in rel):
            if t.dep in _SUBJ or head.dep == "agent":
                return "subj"
            if t.dep in _OBJ or head.dep == "prep":
                return "obj"
        if t.dep in _SUBJ | {"nsubjpass"} and _controlled(a, t.head) & rel:
            return "subj"  # "X is due to travel", "X agreed to pay": X does what the verb after "to" says
        # copula: "Qatar and Egypt have been the mediators"
        if t.dep in _SUBJ and any(c.i in rel and c.dep in ("attr", "acomp") for c in a.children(t.head)):
            return "subj"
        if t.dep in ("conj", "appos") and t.head != t.i:
            h = t.head
            seen += 1
            continue
        break
    if _reports_own_doing(a, h, rel) or _serves_as(a, h, rel) or _named_after_title(a, cand, rel):
        return "subj"
    if title_words(a, cand.start, cand.end) & rel:
        return "title"  # "Philippe Lazzarini, who heads UNRWA"; "CIA chief William Burns"
    for r in rel:
        if a.tokens[r].dep == "appos" and a.tokens[r].head in range(cand.start, cand.end):
            return "subj"
    return ""


def _named_after_title(a: Annotated, cand: Candidate, rel: set[int]) -> bool:
    """"the homes of the captain, Zaharie Ahmad Shah, and ...": a person's name set off by a comma right
    after a noun of the relation names its holder, however the parser attached it."""
    title = cand.start - 2
    return title >= 0 and title in rel and a.tokens[title].pos == "NOUN" and a.tokens[cand.start - 1].text == "," \
        and (ent := a.entity_at(cand.start)) is not None and ent.label == "PERSON" and ent.start == cand.start


def _serves_as(a: Annotated, h: int, rel: set[int]) -> bool:
    """"Suella Braverman returned as home secretary", "X took over as chief executive", "lawmakers
    elected X as president": the subject (or the object of a verb that puts one in a post) holds the
    post its verb's "as" names, unless the verb takes the post away ("resigned as", "sacked X as")."""
    t = a.tokens[h]
    verb = t.head
    if t.dep not in ("nsubj", "nsubjpass", "dobj") or post_left(a, verb) or \
            any(c.dep == "neg" for c in a.children(verb)):
        return False
    if t.dep == "nsubj" and any(c.dep == "dobj" for c in a.children(verb)):
        return False  # the lawmakers who elected someone as president are not the president
    return any(c.dep == "prep" and c.lower == "as" and any(g.dep == "pobj" and g.i in rel for g in a.children(c.i))
               for c in a.children(verb))


def _beside_title_of(a: Annotated, person: Tok, rel: set[int]) -> bool:
    """"The mayor of East Palestine, Trent Conaway": a person's name the parser set beside the
    place or body a title noun of the relation is of; the name is the title holder's."""
    place = a.tokens[person.head]
    of = a.tokens[place.head]
    return person.ent.endswith("PERSON") and not place.ent.endswith("PERSON") and place.dep == "pobj" and \
        of.lower == "of" and of.head in rel and a.tokens[of.head].pos == "NOUN"


_PRONOUN_SUBJECTS = frozenset(["he", "she", "it", "they", "we"])


def _reports_own_doing(a: Annotated, h: int, rel: set[int]) -> bool:
    """The speaker of "X said it is opening an investigation" does what the reported clause says: the
    clause's pronoun subject is the speaker (token h)."""
    speaker = a.tokens[h]
    if speaker.dep not in _SUBJ or a.tokens[speaker.head].lemma.lower() not in SPEECH_VERBS:
        return False
    for r in rel:
        verb = a.tokens[r]
        for _ in range(3):  # "opening an investigation": from the relation noun up to its verb
            if verb.pos in ("VERB", "AUX") or verb.head == verb.i:
                break
            verb = a.tokens[verb.head]
        if verb.dep == "ccomp" and verb.head == speaker.head and any(
                c.dep in _SUBJ and c.lower in _PRONOUN_SUBJECTS for c in a.children(verb.i)):
            return True
    return False


_ONCE = frozenset(["once", "formerly", "previously", "briefly", "initially", "originally"])


def asks_present(q: Question) -> bool:
    """Whether the question asks about now: "now/latest/most recently", or a present-tense verb ("who's running")."""
    if q.latest:
        return True
    tags = {t.tag for t in q.parsed.tokens if t.pos in ("VERB", "AUX")}
    return bool(tags & {"VBZ", "VBP"}) and not tags & {"VBD", "VBN", "MD"}


def asks_so_far(q: Question) -> bool:
    """Whether the question asks the state up to now: the present tense, or the present perfect
    ("in how many hospitals have cases been found")."""
    if asks_present(q):
        return True
    tags = {t.tag for t in q.parsed.tokens if t.pos in ("VERB", "AUX")}
    perfect = any(t.lemma == "have" and t.tag in ("VBZ", "VBP") and t.dep in ("aux", "pcomp") for t in q.parsed.tokens)
    return perfect and not tags & {"VBD", "MD"}


def was_once(a: Annotated, r: int) -> bool:
    """Whether the sentence tells relation r as a past state: "an icebreaker once run by X", "before being
    briefly named interim CEO", "formerly ran Twitch"."""
    if any(c.lower in _ONCE for c in a.children(r)):
        return True
    k, seen = r, 0
    while seen < 3 and a.tokens[k].head != k:
        if any(c.lower == "before" and c.dep in ("mark", "prep") for c in a.children(k)):
            return True
        parent = a.tokens[k].head
        if a.tokens[parent].lower == "before":
            return True
        k, seen = parent, seen + 1
    return False
