"""Naming filters: derive and check Rust crate names."""

from __future__ import annotations

import re
import unicodedata

from jinja2 import Environment
from jinja2.ext import Extension

RUST_KEYWORDS = frozenset(
    [
        "as",
        "async",
        "await",
        "break",
        "const",
        "continue",
        "crate",
        "dyn",
        "else",
        "enum",
        "extern",
        "false",
        "fn",
        "for",
        "gen",
        "if",
        "impl",
        "in",
        "let",
        "loop",
        "match",
        "mod",
        "move",
        "mut",
        "pub",
        "ref",
        "return",
        "self",
        "Self",
        "static",
        "struct",
        "super",
        "trait",
        "true",
        "type",
        "unsafe",
        "use",
        "where",
        "while",
        "abstract",
        "become",
        "box",
        "do",
        "final",
        "macro",
        "override",
        "priv",
        "try",
        "typeof",
        "unsized",
        "virtual",
        "yield",
    ]
)
# Names cargo itself refuses for a package.
CARGO_RESERVED = frozenset({"test", "core", "std", "alloc", "proc_macro", "proc-macro"})
CRATE_NAME = re.compile(r"^[a-z][a-z0-9_-]*$")
MAX_LEN = 64


# Letters NFKD does not decompose into an ASCII base letter plus accents.
TRANSLITERATIONS = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "ð": "d",
        "Ð": "D",
        "þ": "th",
        "Þ": "Th",
        "\u0131": "i",  # dotless i
    }
)


def ascii_text(value: str) -> str:
    """`value` with accented Latin letters replaced by plain ones: "Über Café" -> "Uber Cafe".

    Characters with no ASCII reading (other scripts, symbols) are dropped.
    """
    decomposed = unicodedata.normalize("NFKD", value.translate(TRANSLITERATIONS))
    return decomposed.encode("ascii", "ignore").decode("ascii")


def crate_name(value: str) -> str:
    """Turn a human project name into a crate name: "Über Café API" -> "uber-cafe-api"."""
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text(value).strip().lower()).strip("-")
    slug = re.sub(r"^[0-9-]+", "", slug)
    return slug or "app"


def crate_ident(value: str) -> str:
    """The identifier Rust code uses for a crate: "my-api" -> "my_api"."""
    return value.replace("-", "_")


def crate_name_error(value: str) -> str:
    """Empty when `value` is a usable crate name, else a message saying what is wrong."""
    if not value:
        return "crate_name must not be empty"
    if len(value) > MAX_LEN:
        return f"crate_name must be at most {MAX_LEN} characters, got {len(value)}"
    if not CRATE_NAME.match(value):
        return (
            f"crate_name {value!r} is not a valid crate name: use lowercase ASCII letters, "
            "digits, '-' and '_', starting with a letter"
        )
    ident = crate_ident(value)
    if ident in RUST_KEYWORDS:
        return f"crate_name {value!r} is a Rust keyword; pick another name"
    if value in CARGO_RESERVED or ident in CARGO_RESERVED:
        return f"crate_name {value!r} is reserved by cargo; pick another name"
    return ""


class NamingExtension(Extension):
    """Registers the naming filters with the template's Jinja environment."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters["crate_name"] = crate_name
        environment.filters["crate_ident"] = crate_ident
        environment.filters["crate_name_error"] = crate_name_error
