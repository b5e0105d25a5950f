"""Reading user text into a syntax tree, within limits.

The size limits are checked before parsing (length, bracket nesting) and after it (syntax nodes,
tree depth), so that hostile text cannot exhaust the parser, the checker or the compiled closures.
Names with a character that Python would silently fold onto another one are refused here, and
syntax errors come back as ExpressionErrors naming the culprit and its position, in the
language's own words (syntax_errors.py).
"""

from __future__ import annotations

import ast
import io
import tokenize
import unicodedata

from node_library.expressions.errors import ExpressionError, line_starts, located_at
from node_library.expressions.syntax_errors import syntax_error

MAX_LENGTH = 2000
MAX_NESTING = 50
MAX_NODES = 500
# Tree depth (a chain like a + b + c + ... nests to the left). Keeps the recursive checker and the
# compiled closures far below Python's recursion limit.
MAX_DEPTH = 100

# Operator nodes are singletons of the tree, not parts the user wrote: not counted as nodes.
_UNCOUNTED = (ast.expr_context, ast.operator, ast.unaryop, ast.cmpop, ast.boolop)


def parse(text: str) -> tuple[ast.Expression, int]:
    """Check the size limits, then parse. Returns the tree and the count of leading blanks."""
    _check_nesting(text)
    if len(text) > MAX_LENGTH:
        raise ExpressionError(
            f"expression is {len(text)} characters long; the limit is {MAX_LENGTH}",
            None,
            "length",
            "shorten it, or split it into several computed columns",
        )
    source = text.lstrip()
    lead = len(text) - len(source)
    if not source:
        raise ExpressionError(
            "the expression is empty", None, "empty expression", "write e.g. `price > 10`"
        )
    _check_identifier_characters(text, lead)
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        raise syntax_error(text, lead, exc) from None
    except (ValueError, UnicodeError) as exc:  # e.g. NUL characters, lone surrogates
        raise ExpressionError(
            f"the expression contains characters that are not allowed ({exc})",
            None,
            "characters",
            "remove control characters from the text",
        ) from None
    _check_tree_size(tree)
    return tree, lead


def _check_identifier_characters(text: str, lead: int) -> None:
    """Refuse a name with a character that Python's parser would silently replace.

    Python normalizes identifiers to NFKC, so `units` spelled with a fullwidth u (U+FF55) would
    read the column `units`: a lookalike in a name is an error naming the character, never
    folded quietly.
    Letters that NFKC keeps (é, ß, ü, Greek, CJK) stay allowed. Strings and comments are not
    names, so col("...") still reads a column whose name really has such a character.
    """
    if text.isascii():
        return
    starts = line_starts(text[lead:])
    try:
        for token in tokenize.generate_tokens(io.StringIO(text[lead:]).readline):
            if token.type != tokenize.NAME or token.string.isascii():
                continue
            for offset, char in enumerate(token.string):
                if char.isascii() or unicodedata.normalize("NFKC", char) == char:
                    continue
                row, col = token.start
                position = lead + starts[min(row, len(starts)) - 1] + col + offset + 1
                folded = unicodedata.normalize("NFKC", char)
                name = unicodedata.name(char, f"U+{ord(char):04X}")
                raise ExpressionError(
                    f"the name {token.string!r} has the character {char!r} "
                    f"(U+{ord(char):04X} {name}), a lookalike that would be read as {folded!r}"
                    f"{located_at(position, text)}",
                    position,
                    f"character U+{ord(char):04X}",
                    f"type {folded!r} instead, or write col({token.string!r}) if the column's "
                    "name really has this character",
                )
    except (tokenize.TokenError, SyntaxError):
        return  # ast.parse reports the syntax error itself


def _check_nesting(text: str) -> None:
    """Refuse brackets nested deeper than MAX_NESTING, skipping strings and comments.

    Only the first MAX_LENGTH + 1 characters are scanned: longer text is refused for its length.
    """
    if sum(text.count(b, 0, MAX_LENGTH + 1) for b in "([{") <= MAX_NESTING:
        return
    depth, i, end = 0, 0, min(len(text), MAX_LENGTH + 1)
    quote = ""
    while i < end:
        char = text[i]
        if quote:
            if char == "\\":
                i += 2
                continue
            if text.startswith(quote, i):
                i += len(quote)
                quote = ""
                continue
            i += 1
            continue
        if char in "'\"":
            quote = char * 3 if text.startswith(char * 3, i) else char
            i += len(quote)
            continue
        if char == "#":
            newline = text.find("\n", i)
            i = end if newline < 0 else newline
            continue
        if char in "([{":
            depth += 1
            if depth > MAX_NESTING:
                raise ExpressionError(
                    f"brackets are nested more than {MAX_NESTING} deep{located_at(i + 1, text)}",
                    i + 1,
                    "nesting",
                    "remove redundant brackets, or split the expression into computed columns",
                )
        elif char in ")]}":
            depth = max(depth - 1, 0)
        i += 1


def _check_tree_size(tree: ast.AST) -> None:
    count, deepest = 0, 0
    stack: list[tuple[ast.AST, int]] = [(tree, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, _UNCOUNTED):
            continue
        count += 1
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    if count > MAX_NODES:
        raise ExpressionError(
            f"the expression has {count} parts (names, literals, operations); "
            f"the limit is {MAX_NODES}",
            None,
            "size",
            "split it into several computed columns",
        )
    if deepest > MAX_DEPTH:
        raise ExpressionError(
            f"the expression is nested {deepest} levels deep; the limit is {MAX_DEPTH}",
            None,
            "nesting",
            "long chains like a + b + c + ... count as nesting; split it into computed columns",
        )
