"""Token masking: decide which parts of a log message are variables, with one generic rule set.

A whitespace token is split at punctuation into sub-tokens. A sub-token is a *strong*
variable (always masked) when it is a number, a hex or id-like string, or part of an IP,
UUID, URL or path; a *weak* variable when it mixes letters and a few digits like a word
(`alt0`, `Slf4jLogger`, `jk2_init`): weak parts stay as written until the miner sees them
vary. `normalize_template` then applies the Loghub-2.0 conventions for where `<*>` starts
and ends, so templates compare equal to the published ground truth.
"""

from __future__ import annotations

import re

WILDCARD = "<*>"
WEAK = "<w>"  # placeholder for a weak variable inside a skeleton token

# Sub-token split: keep the delimiters. `_` is not one: `blk_123` is one identifier.
_SPLIT = re.compile(r"([\s,!;:=|\"'\[\](){}.\-+@#$%&/<>*\\?~^])")
_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_URL = re.compile(r"\b([a-zA-Z][\w+.-]*://)[^\s\"'\]\)>,]+")
_HEXLIKE = re.compile(r"[0-9a-fA-F]+")
_DIGIT_RUN = re.compile(r"\d{3,}")
_QUERY_PATH = re.compile(r"(?<![\w/])/[^\s\"'?]*\?[^\s\"']*")  # /a/b?x=1&y=2
_NEG_NUM = re.compile(r"(?:^|(?<=[^\w>]))-(?=<\*>)")
_NEG_ID = re.compile(r"_-(?=\d)")  # blk_-123: the minus belongs to the id

# Host names: a.b.example.com with a digit somewhere; word-word-12 (two words, then a number).
_FQDN = re.compile(r"(?<![\w.-])[A-Za-z0-9][\w-]*(?:\.[\w-]+)+\.[a-z]{2,6}(?![\w.-])")
_HYPHEN_HOST = re.compile(r"(?<![\w.-])[A-Za-z]+(?:-[A-Za-z]+)+-\d+(?![\w.-])")


def _url(m: re.Match[str]) -> str:
    """A URL with a digit is a variable after its scheme; a fixed link (docs) stays."""
    return m.group(1) + "\x00" if any(ch.isdigit() for ch in m.group(0)) else m.group(0)


def _fqdn(m: re.Match[str]) -> str:
    return "\x00" if any(ch.isdigit() for ch in m.group(0)) else m.group(0)


# Cache of token -> (skeleton, strong-only form). Bounded: unique ids would grow it.
_CACHE: dict[str, tuple[str, str]] = {}
_CACHE_MAX = 200_000


def _classify(sub: str) -> str:
    """'s' strong variable, 'w' weak variable, 'c' constant, for one delimiter-free sub-token."""
    digits = sum(ch.isdigit() for ch in sub)
    if digits == 0:
        return "c"
    if sub[:2] in ("0x", "0X") and _HEXLIKE.fullmatch(sub[2:]):
        return "s"
    letters = len(sub) - digits - sub.count("_")
    if letters <= 0 or digits >= letters:
        return "s"
    if len(sub) >= 4 and _HEXLIKE.fullmatch(sub):
        return "s"
    if _DIGIT_RUN.search(sub):
        return "s"
    if "_" in sub and any(p.isdigit() for p in sub.split("_")):
        return "s"  # rdd_4_2, attempt_1_m_0: an id with numeric fields
    return "w"


def _mask_plain(token: str) -> tuple[str, str]:
    """Mask one whitespace token with no URL/UUID inside. Returns (skeleton, strong-only form)."""
    parts = _SPLIT.split(_NEG_ID.sub("_", token))
    strong = list(parts)
    n = len(parts)
    for i in range(0, n, 2):  # even indices are sub-tokens, odd are delimiters
        sub = parts[i]
        if not sub:
            continue
        kind = _classify(sub)
        if kind == "c":
            continue
        nxt = parts[i + 1] if i + 1 < n else ""
        if nxt == "=" and not sub.isdigit():
            continue  # key of key=value stays
        if kind == "s":
            parts[i] = strong[i] = WILDCARD
        else:
            parts[i] = WEAK
    skeleton, strong_form = "".join(parts), "".join(strong)
    if "-<*>" in strong_form:  # a leading minus belongs to the number: -5 is one variable
        skeleton = _NEG_NUM.sub("", skeleton)
        strong_form = _NEG_NUM.sub("", strong_form)
    return skeleton, strong_form


def mask_token(token: str) -> tuple[str, str]:
    """(skeleton, strong form) of one whitespace token.

    The skeleton has strong variables as `<*>` and weak ones as `<w>`; the strong form
    masks only the strong ones. Cached: most tokens of a stream are the same few words.
    """
    hit = _CACHE.get(token)
    if hit is not None:
        return hit
    if "://" in token or "/" in token or "." in token or "-" in token:
        work = _URL.sub(_url, token)
        work = _UUID.sub("\x00", work)
        work = _FQDN.sub(_fqdn, work)
        work = _HYPHEN_HOST.sub("\x00", work)
        work = _QUERY_PATH.sub("\x00", work)
        if "/" in work:
            work = "".join("\x00" if _PATH.match(p) else p for p in _PATH_SPLIT.split(work))
        pieces = work.split("\x00")
        masked = [_mask_plain(p) for p in pieces]
        result = (WILDCARD.join(m[0] for m in masked), WILDCARD.join(m[1] for m in masked))
    else:
        result = _mask_plain(token)
    if WILDCARD in result[1]:  # same conventions as the template text, so groups match it
        result = (normalize_template(result[0]), normalize_template(result[1]))
    if len(_CACHE) >= _CACHE_MAX:
        _CACHE.clear()
    _CACHE[token] = result
    return result


# --- Loghub-2.0 template conventions ------------------------------------------------------

_PATH_SPLIT = re.compile(r"(\s|,|!|;|:|=|\||\"|'|\[|\]|\(|\)|\{|\})")
_PATH = re.compile(r"^(/[^/]+)+/?$")
_TOKEN_SPLIT = re.compile(r"(\s|,|!|;|:|=|\||\"|'|\[|\]|\(|\)|\{|\}|\.|-|\+|@|#|\$|%|&)")
_WORD_WITH_VAR = re.compile(r"^[^\s/]*<\*>[^\s/]*$")
_DIGITS = re.compile(r"^\d+$")
_BOOLEAN = frozenset({"true", "false", "null", "root"})


def normalize_template(template: str) -> str:
    """Apply the published template conventions: single spaces, paths, digits, booleans,
    words glued to a variable, dot-separated and adjacent variables collapse to one `<*>`;
    so do a comma list of variables and an HTTP request target with its version.
    """
    template = " ".join(template.split())
    parts = _PATH_SPLIT.split(template)
    template = "".join(WILDCARD if _PATH.match(p) else p for p in parts)
    out = []
    for tok in _TOKEN_SPLIT.split(template):
        if tok.lower() in _BOOLEAN or _DIGITS.match(tok):
            tok = WILDCARD
        elif tok != WILDCARD and tok != "<*>/<*>" and _WORD_WITH_VAR.match(tok):
            tok = WILDCARD
        out.append(tok)
    template = "".join(out)
    for pattern in ("<*>.<*>", "<*><*>", "#<*>#", "<*>#<*>", "<*>,<*>", "<*> HTTP/<*>"):
        while pattern in template:
            template = template.replace(pattern, WILDCARD)
    return template
