"""Article links without tracking parameters (`utm_*`, `fbclid`, `gclid`, `mc_cid` ...), as stored and cited."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "hsa_", "__hs", "_hs")
TRACKING_NAMES = frozenset({
    "fbclid", "gclid", "gclsrc", "dclid", "gbraid", "wbraid", "msclkid", "yclid", "twclid", "ttclid", "li_fat_id",
    "igshid", "mc_cid", "mc_eid", "mkt_tok", "_ga", "_gl", "oly_anon_id", "oly_enc_id", "vero_id", "vero_conv",
    "rb_clickid", "s_cid", "cmpid", "ocid", "ncid", "sr_share", "spm", "at_medium", "at_campaign", "at_custom1",
    "at_custom2", "at_custom3", "at_custom4", "ito", "cid_source", "wt_mc", "wt.mc_id", "ref_src", "smid",
})


def is_tracking(name: str) -> bool:
    """Whether a query parameter only tracks the reader (it never selects the article)."""
    lowered = name.lower()
    return lowered in TRACKING_NAMES or lowered.startswith(TRACKING_PREFIXES)


def strip_tracking(url: str) -> str:
    """`url` without tracking query parameters (and without a `#xtor=`-style tracking fragment);
    every other parameter keeps its order and value. Not an http(s) URL: returned as given."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not (parts.query or parts.fragment):
        return url
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    kept = [(k, v) for k, v in pairs if not is_tracking(k)]
    fragment = "" if parts.fragment.lower().startswith(("xtor=", "utm_", "at_medium=")) else parts.fragment
    if len(kept) == len(pairs) and fragment == parts.fragment:
        return url
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(kept, doseq=True), fragment))
