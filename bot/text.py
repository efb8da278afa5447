"""Text helpers used across the core: clean text, split sentences, tokenise, hash."""

from __future__ import annotations

import hashlib
import re
import unicodedata

_ABBREVIATIONS = {
    "u.s", "u.k", "u.n", "e.u", "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt",
    "sgt", "rep", "sen", "gov", "st", "jr", "sr", "inc", "co", "corp", "ltd", "no", "vs", "etc",
    "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep", "sept", "oct", "nov", "dec", "a.m", "p.m",
}
# Words that carry no content: left out of full-text queries and article signatures.
FUNCTION_WORDS = frozenset(
    """
    a an the of and or but to in on at for by with from as is are was were be been being has have had
    that this these those it its he she they them their his her him we our you your i would could will
    can may might must shall should not no nor so than then there here which who whom what when where
    why how if up out all any some such only do does did
    """.split()
)
_BOUNDARY = re.compile(r"(?<=[.!?])[\"”’')\]]*\s+(?=[\"“‘(\[]?[A-Z0-9])")
_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")
# Terminal control sequences: OSC (ESC ] or C1 0x9d ... up to BEL or ST, e.g. fake hyperlinks and
# window titles), CSI (ESC [ or 0x9b ... final byte, e.g. screen clears), DCS/SOS/PM/APC strings,
# and two-byte ESC sequences. Each alternative is linear: no nested repetition.
_CONTROL_SEQUENCE = re.compile(
    r"(?:\x1b\]|\x9d)[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|(?:\x1b\[|\x9b)[\x30-\x3f]*[\x20-\x2f]*[\x40-\x7e]?"
    r"|(?:\x1b[PX^_]|[\x90\x98\x9e\x9f])[^\x1b\x9c]*(?:\x1b\\|\x9c)?"
    r"|\x1b[\x20-\x2f]*[\x30-\x7e]?"
)
# Every other C0 control but tab and newline, DEL, and C1 controls
_CONTROL_CHAR = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def strip_controls(text: str) -> str:
    """`text` without terminal control sequences or control characters (tab and newline kept).

    A carriage return becomes a newline (a lone one could overwrite a printed line); an escape
    sequence goes with its payload (an OSC 8 hyperlink's URL, a window title).
    """
    if not text or not _CONTROL_CHAR.search(text):  # every sequence starts with ESC or a C1 control, CR too
        return text
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = _CONTROL_SEQUENCE.sub("", text)
    return _CONTROL_CHAR.sub("", text)


def normalise_whitespace(text: str) -> str:
    """Collapse runs of white space so that equal texts compare equal."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip()


def split_sentences(text: str) -> list[str]:
    """Split article text into sentences, keeping abbreviations such as U.S. and Feb. intact.

    Paragraph breaks always end a sentence, so an unpunctuated subhead stays on its own.
    """
    sentences: list[str] = []
    for paragraph in re.split(r"\n\s*\n|\n", text):
        paragraph = normalise_whitespace(paragraph)
        if not paragraph:
            continue
        start = 0
        for match in _BOUNDARY.finditer(paragraph):
            candidate = paragraph[start:match.start()].strip()
            last_word = candidate.rsplit(" ", 1)[-1].rstrip(".\"”’')").lower()
            if last_word in _ABBREVIATIONS or re.fullmatch(r"[a-z]", last_word):
                continue
            closing = paragraph[match.start():match.end()].strip()
            sentences.append((candidate + closing).strip())
            start = match.end()
        tail = paragraph[start:].strip()
        if tail:
            sentences.append(tail)
    return [s for s in sentences if s]


def words(text: str) -> list[str]:
    """Lower-cased word tokens."""
    return [w.lower().replace("’", "'") for w in _WORD.findall(text)]


def content_hash(*parts: str) -> str:
    """A stable hash of normalised text, used to recognise content seen before."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(normalise_whitespace(part).encode("utf-8"))
        digest.update(b"\x00")
    return digest.hexdigest()


MAX_TITLE_CHARS = 300  # an article's title is clipped to this many characters at parse time
MAX_TEXT_CHARS = 100_000  # and its text to this many


def clip_title(title: str, limit: int = MAX_TITLE_CHARS) -> str:
    """`title` cut to at most `limit` characters at a word boundary, ending with '…' when it was cut."""
    if len(title) <= limit:
        return title
    cut = title[: limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip() + "…"


def clip_text(text: str, limit: int = MAX_TEXT_CHARS) -> str:
    """`text` cut to about `limit` characters at a paragraph or sentence end, with a last line saying so."""
    if len(text) <= limit:
        return text
    cut = text[:limit]
    end = max(cut.rfind("\n"), cut.rfind(". "))
    kept = (cut[: end + 1] if end > limit // 2 else cut).rstrip()
    return f"{kept}\n[Clipped: the original text was {len(text):,} characters; the first {len(kept):,} are kept.]"
