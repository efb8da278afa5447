"""Parse sentences once, at ingest, into `Annotated` records (in a process pool for big batches).

A batch is a list of articles, each its sentences and publication time; the result holds one
`Annotated` per sentence in the same order. Small batches run in this process (the model is
loaded once per process); large ones are split over a pool sized to the machine's cores, each
worker loading the model once.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime
from typing import Any

from bot.text import normalise_whitespace
from bot.understand.language.annotation import Annotated, Entity, Quote, Tok
from bot.understand.language.dates import MONTHS, WEEKDAYS, resolve_dates
from bot.understand.language.model import english
from bot.understand.language.numbers import quantities_of
from bot.understand.language.quotes import quotes_of

POOL_FROM_SENTENCES = 400  # below this a batch is parsed in-process (a pool costs ~1 s to start)
PIPE_BATCH = 64  # sentences per spaCy pipe batch
CHUNK_SENTENCES = 1500  # sentences per task sent to a worker (smaller chunks balance the workers)
MONTH_STARTS = frozenset(m[:3] for m in MONTHS)  # "Jan 5", "Sept 2024"
YEARS = (1900, 2100)  # a number after a name outside these is no year ("Flight 1282")
NAMED_BY_NUMBER = frozenset("flight unit reactor route chapter article gate terminal runway platform".split())

ArticleSentences = tuple[Sequence[str], datetime | None]


def annotate_doc(doc: Any, published: datetime | None) -> Annotated:
    """Turn one parsed spaCy Doc (one sentence) into the stored record."""
    ents = [e for e in doc.ents if not _named_number(e)]
    labels = {e.start: "CARDINAL" if _bare_numbers(e) else e.label_ for e in ents}
    label_of = {i: labels[e.start] for e in ents for i in range(e.start, e.end)}
    tokens = [
        Tok(t.i, t.text, bool(t.whitespace_), *_reading(t), t.dep_, t.head.i,
            f"{t.ent_iob_}-{label_of[t.i]}" if t.ent_type_ and t.i in label_of else "", t.idx)
        for t in doc
    ]
    made = Annotated(doc.text, tokens)
    made.entities = [Entity(e.start, e.end, labels[e.start], e.text) for e in ents]
    made.quantities = quantities_of(made)
    made.dates = resolve_dates(made, published)
    made.quotes = [Quote(s, e, made.text[s:e], who) for s, e, who in quotes_of(made)]
    return made


def _named_number(ent: Any) -> bool:
    """A name with a number the tagger took for a date ("Flight 1282", "Reactor 4"): no month, day or
    holiday with a year, so neither a date nor anything dated."""
    if ent.label_ != "DATE" or len(ent) != 2:
        return False
    name, number = ent[0], ent[1]
    if name.pos_ != "PROPN" or name.text[:3].lower() in MONTH_STARTS or name.lower_ in WEEKDAYS or \
            not number.text.isdigit():
        return False
    return not YEARS[0] <= int(number.text) <= YEARS[1] or name.lower_ in NAMED_BY_NUMBER


_RANGE_WORDS = frozenset(["to", "and", "-", "–", "from", "between"])


def _bare_numbers(ent: Any) -> bool:
    """Numbers alone the tagger took for a date ("has risen from 16 to 34"): no month, day, year or
    date word among them, so they are counts."""
    return ent.label_ == "DATE" and any(t.like_num for t in ent) and all(
        t.lower_ in _RANGE_WORDS or t.text.replace(",", "").isdigit() and not YEARS[0] <= int(
            t.text.replace(",", "")) <= YEARS[1] for t in ent)


def _reading(t: Any) -> tuple[str, str, str]:
    """The token's lemma, part of speech and tag; a part of a hyphened name reads as a proper noun."""
    return (t.text, "PROPN", "NNP") if _hyphened_name_part(t) else (t.lemma_, t.pos_, t.tag_)


def _hyphened_name_part(t: Any) -> bool:
    """A word joined by a hyphen to a person's name inside it ("Chung Hong-won": "won" is no verb)."""
    if t.ent_type_ != "PERSON" or t.ent_iob_ != "I" or t.i < 2 or t.pos_ == "PROPN":
        return False
    hyphen, before = t.doc[t.i - 1], t.doc[t.i - 2]
    return hyphen.text == "-" and not hyphen.whitespace_ and not before.whitespace_ and before.ent_type_ == "PERSON"


def annotate_sentences(sentences: Sequence[str], published: datetime | None) -> list[Annotated]:
    """Annotate one article's sentences in this process."""
    return _annotate_here([(sentences, published)])[0]


def annotate_batch_json(articles: Sequence[ArticleSentences], workers: int | None = None) -> list[list[str]]:
    """Like `annotate_batch`, in the stored JSON form (what ingest writes to the store)."""
    total = sum(len(s) for s, _ in articles)
    workers = workers if workers is not None else (os.cpu_count() or 1)
    if workers <= 1 or total < POOL_FROM_SENTENCES or len(articles) < 2:
        return _annotate_stored_form(articles)
    chunks = _split(articles, max(workers * 2, total // CHUNK_SENTENCES))
    pool = _pool(workers)
    return [article for chunk in pool.map(_annotate_stored_form, chunks) for article in chunk]


_POOLS: dict[int, ProcessPoolExecutor] = {}


def _pool(workers: int) -> ProcessPoolExecutor:
    """The process pool of this size, started once and kept for later batches (each worker loads the
    model once, not once per batch)."""
    if workers not in _POOLS:
        # spawned, not forked: a forked worker would inherit the process's sockets (database, chat)
        # and keep them open after the process is killed, so another worker could not take over
        _POOLS[workers] = ProcessPoolExecutor(max_workers=workers, initializer=english,
                                              mp_context=multiprocessing.get_context("spawn"))
    return _POOLS[workers]


def close_pool() -> None:
    """Stop the kept process pools (at exit; a later batch starts a new one)."""
    while _POOLS:
        _, pool = _POOLS.popitem()
        pool.shutdown()


atexit.register(close_pool)


def _annotate_here(articles: Sequence[ArticleSentences]) -> list[list[Annotated]]:
    nlp = english()
    flat = [(normalise_whitespace(s), published) for sentences, published in articles for s in sentences]
    docs = nlp.pipe((text for text, _ in flat), batch_size=PIPE_BATCH)
    made = [annotate_doc(doc, published) for doc, (_, published) in zip(docs, flat, strict=True)]
    out: list[list[Annotated]] = []
    at = 0
    for sentences, _ in articles:
        out.append(made[at:at + len(sentences)])
        at += len(sentences)
    return out


def _annotate_stored_form(articles: Sequence[ArticleSentences]) -> list[list[str]]:
    return [[a.to_json() for a in article] for article in _annotate_here(articles)]


def _split(articles: Sequence[ArticleSentences], parts: int) -> list[list[ArticleSentences]]:
    """Consecutive chunks of roughly equal sentence counts (order kept)."""
    total = sum(len(s) for s, _ in articles)
    size = max(1, total // parts)
    chunks: list[list[ArticleSentences]] = [[]]
    count = 0
    for article in articles:
        if count >= size:
            chunks.append([])
            count = 0
        chunks[-1].append(article)
        count += len(article[0])
    return chunks
