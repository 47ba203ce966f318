"""Escaping filters: put free text (project_name, description, author) into a file format so
that the format's own parser gives back exactly the text typed.

Every template file that embeds free text uses one of these, never hand-written quotes:

    description = {{ description | toml_str }}    Cargo.toml: a TOML basic string
    //! {{ project_name | doc_line }}               src/lib.rs: one line of rustdoc Markdown
    # {{ project_name | markdown }}                 README.md: inline Markdown text

`one_line_error` is the validator of the questions that take one line of free text.
"""

from __future__ import annotations

import re

from jinja2 import Environment
from jinja2.ext import Extension

_TOML_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}


def _is_control(char: str) -> bool:
    return ord(char) < 0x20 or 0x7F <= ord(char) < 0xA0


def toml_str(value: object) -> str:
    """A TOML basic string holding `value`, quotes included: `a "b"` -> `"a \\"b\\""`."""
    out = []
    for char in str(value):
        if char in _TOML_ESCAPES:
            out.append(_TOML_ESCAPES[char])
        elif _is_control(char):
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


# Characters that start or end inline Markdown (emphasis, code, links, HTML, entities, tables,
# strikethrough, headings' closing #s). CommonMark lets any ASCII punctuation be escaped.
_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]<>|~&#!])")
# Block markers, which only count at the start of a line: lists, quotes, setext underlines.
_MARKDOWN_LEADING = re.compile(r"^([-+=>])|^(\d+)([.)])")


# Spaces and tabs at either end, which Markdown would strip (or read as a code block).
_EDGE_SPACE = re.compile(r"^[ \t]+|[ \t]+$")


def markdown(value: object) -> str:
    """`value` as Markdown text that renders as exactly `value` (CommonMark, GFM, rustdoc)."""
    text = _MARKDOWN_INLINE.sub(r"\\\1", str(value))
    text = _MARKDOWN_LEADING.sub(
        lambda match: f"\\{match[1]}" if match[1] else f"{match[2]}\\{match[3]}", text
    )
    return _EDGE_SPACE.sub(lambda match: "".join(f"&#{ord(c)};" for c in match[0]), text)


def doc_line(value: object) -> str:
    """`value` for one `//!` line of rustdoc Markdown: escaped, with control characters (a tab,
    which clippy refuses in doc comments; a line break, which would end the comment) written as
    character references."""
    return re.sub(r"[\x00-\x1f\x7f]", lambda match: f"&#{ord(match[0])};", markdown(value))


# Control characters but the tab: a line break or an escape sequence in a one-line answer.
_CONTROL = re.compile(r"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029]")


def one_line_error(value: object, question: str) -> str:
    """Empty when `value` is one line of text; else a message for copier's validator."""
    found = _CONTROL.search(str(value))
    if found is None:
        return ""
    return (
        f"{question} must be one line of text; it holds the control character "
        f"U+{ord(found[0]):04X} at position {found.start() + 1}"
    )


class EscapingExtension(Extension):
    """Registers the escaping filters with the template's Jinja environment."""

    def __init__(self, environment: Environment) -> None:
        super().__init__(environment)
        environment.filters["toml_str"] = toml_str
        environment.filters["doc_line"] = doc_line
        environment.filters["markdown"] = markdown
        environment.filters["one_line_error"] = one_line_error
