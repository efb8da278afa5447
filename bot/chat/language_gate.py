"""Which messages the bot cannot read: a question in another script or language gets one sentence.

The answerer reads English. A message that is mostly letters of another script (Arabic, Hebrew,
Cyrillic, CJK ...), or Latin-script text full of another language's function words and none of
English's, is told so in one sentence instead of "I don't know the command" or a guessed answer.
"""

from __future__ import annotations

import re
import unicodedata

READS = "English"
UNREADABLE_REPLY = (f"I can only read questions in {READS}; please ask in {READS} "
                    "(story names and terms may be in any language).")

_LETTER_WORD = re.compile(r"[^\W\d_]+")
_ENGLISH = frozenset("""
    the a an of and or to in on at for by with from is are was were be has have had who what when where why how
    which whom whose did does do will can could should would this that these those it its not no about many much
""".split())
# function words that are common in other Latin-script languages and are not English words
_OTHER = frozenset("""
    le la les des du une est qui que quoi où pourquoi comment quand avec pour dans sur sont
    el los las del una es qué quién quiénes cuántos cuándo dónde por cómo están hay
    der die das den dem des ein eine ist sind wer wie wo wann warum mit und nicht
    il lo gli della sono chi cosa perché dove quando come
    os um uma são quem onde porque quantos
    ve bir bu ne kim nasıl neden için ile
""".split())


def _is_latin(char: str) -> bool:
    return "LATIN" in unicodedata.name(char, "")


def unreadable(text: str) -> bool:
    """Whether `text` is in a script or language the bot cannot read (an empty or numeric text is not)."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return False
    latin = sum(1 for c in letters if _is_latin(c))
    if latin < len(letters) / 2:
        return True
    found = [w.lower() for w in _LETTER_WORD.findall(text)]
    english = sum(1 for w in found if w in _ENGLISH)
    other = sum(1 for w in found if w in _OTHER)
    return english == 0 and other >= 2
