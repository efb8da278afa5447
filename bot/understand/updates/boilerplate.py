"""Recognise the furniture of a news page that is never a fact of the story.

Credits, bylines, republication notices, calls to read or subscribe and photo captions travel
with articles from every outlet; reporting them as updates would be noise.
"""

from __future__ import annotations

import re

_PATTERNS = [
    r"\bcontributed (?:to )?(?:this|the) (?:report|story|article)\b",
    r"\b(?:additional )?reporting by\b",
    r"\b(?:writing|editing|edited|compiled|translated) by\b",
    r"\b(?:first|originally) (?:was )?(?:published|appeared|posted|ran)\b",
    r"\b(?:republished|reprinted|syndicated) (?:with|by|from|under)\b",
    r"\bpartner (?:outlet|site|publication|organi[sz]ation)\b",
    r"\b(?:read|see) (?:more|also|the full)\b",
    r"\bclick here\b",
    r"\b(?:sign up|subscribe) (?:for|to|now)\b",
    r"\bnewsletter\b",
    r"\ball rights reserved\b",
    r"^\s*(?:©|\(c\)|copyright)\b",
    r"^\s*(?:photo|image|picture|video|file photo)\s*(?:credit)?\s*[:/]",
    r"\((?:photo|image|picture)[^)]*\)\s*$",
    r"^\s*(?:updated|published|posted)\s*:?\s*\d",
    r"\b(?:follow us|share this|related:|advertisement)\b",
    r"\bthis (?:article|story|report) (?:has been|was) (?:updated|corrected)\b",
]
_BOILERPLATE = re.compile("|".join(f"(?:{p})" for p in _PATTERNS), re.IGNORECASE)
_BYLINE = re.compile(r"^By\s+[A-Z][\w.'-]+(?:\s+(?:and\s+)?[A-Z][\w.'-]+){1,4}\s*(?:[,|].{0,60})?$")


def is_boilerplate(sentence: str) -> bool:
    """True when a sentence is page furniture (credit, byline, notice, link text), not news."""
    return bool(_BOILERPLATE.search(sentence) or _BYLINE.match(sentence.strip()))
