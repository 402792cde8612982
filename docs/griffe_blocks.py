"""A griffe extension for the docs build: neuronet's plain-text docstring blocks as Markdown.

neuronet's docstrings are written for ``help()`` and the source: ``>>>`` examples stand in the
text, and blocks such as ``Formula:`` or ``Backward (shapes ...):`` are an indented run of
aligned lines. Markdown would read ``>>>`` as nested quotes and join the aligned lines into one
paragraph, so before griffe parses a docstring this extension fences both kinds of block:

- a run of lines starting at ``>>>`` (with its ``...`` lines and printed output, up to a blank
  line) becomes a ``pycon`` code block, without its ``# doctest:`` directives;
- the indented block under a line that ends with a colon and is not a Google section title
  (``Args:``, ``Returns:``, ...) becomes a ``text`` code block, its alignment kept;
- a list right under a line of text gets the blank line Markdown needs to see a list, and
  reST's ``::`` before a literal block becomes ``:``.

Only the docstring text that the site renders changes; the package is not touched.
"""

import re

import griffe

# Google-style section titles that griffe parses itself (compared in lower case).
_SECTIONS = {
    "args",
    "arguments",
    "params",
    "parameters",
    "keyword args",
    "keyword arguments",
    "other args",
    "other arguments",
    "other params",
    "other parameters",
    "raises",
    "exceptions",
    "returns",
    "yields",
    "receives",
    "examples",
    "attributes",
    "functions",
    "methods",
    "classes",
    "modules",
    "warns",
    "warnings",
    "type parameters",
    "type aliases",
}
_TITLE = re.compile(r"^(?P<title>\S.*?)\s*:\s*$")
# "# doctest: +SKIP" and the like: instructions to doctest, not part of the example.
_DOCTEST_FLAGS = re.compile(r"\s*#\s*doctest:.*$")
# A list item's wrapped lines are indented under it too: they are not a block.
_LIST_ITEM = re.compile(r"^([-*+]|\d+[.)])\s")


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _fence(lines: list[str], language: str) -> list[str]:
    return ["", f"```{language}", *lines, "```", ""]


def fence_blocks(text: str) -> str:
    """Return ``text`` (a cleaned docstring) with its examples and formula blocks fenced.

    Args:
        text: the docstring, dedented as ``inspect.cleandoc`` leaves it.

    Returns:
        The same text, with ``>>>`` runs and indented blocks under non-section titles fenced.

    >>> print(fence_blocks("Formula:\\n    y = 2 * x"))
    Formula:
    <BLANKLINE>
    ```text
    y = 2 * x
    ```
    <BLANKLINE>
    """
    lines = text.split("\n")
    out: list[str] = []
    in_fence = False
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.lstrip().startswith("```"):
            in_fence = not in_fence
            out.append(line)
            i += 1
            continue
        if in_fence:
            out.append(line)
            i += 1
            continue
        if line.startswith(">>>"):
            # An example at the left margin: it runs to the next blank line.
            end = i
            while end < len(lines) and lines[end].strip():
                end += 1
            example = [_DOCTEST_FLAGS.sub("", b) for b in lines[i:end]]
            out.extend(_fence(example, "pycon"))
            i = end
            continue
        match = _TITLE.match(line)
        below = lines[i + 1] if i + 1 < len(lines) else ""
        if (
            match
            and not _LIST_ITEM.match(line)
            and match.group("title").lower() not in _SECTIONS
            and below.strip()
            and _indent(below) > _indent(line)
        ):
            # A titled block of aligned lines (a formula, a backward pass): keep it as is.
            end = i + 1
            while end < len(lines) and (not lines[end].strip() or _indent(lines[end]) > 0):
                end += 1
            while end > i + 1 and not lines[end - 1].strip():
                end -= 1
            block = lines[i + 1 : end]
            margin = min(_indent(b) for b in block if b.strip())
            out.append(line)
            out.extend(_fence([b[margin:] for b in block], "text"))
            i = end
            continue
        if _LIST_ITEM.match(line) and out and out[-1].strip() and _indent(out[-1]) == 0:
            if not _LIST_ITEM.match(out[-1]):
                out.append("")  # Markdown starts a list only after a blank line
        if line.endswith("::") and not below.strip():
            line = line[:-1]  # reST's literal-block marker; the indented block is code already
        out.append(line)
        i += 1
    return "\n".join(out)


class FenceBlocks(griffe.Extension):
    """Fence each docstring's ``>>>`` examples and titled blocks before griffe parses it."""

    def on_instance(self, *, obj: griffe.Object, **kwargs: object) -> None:
        if obj.docstring is not None:
            obj.docstring.value = fence_blocks(obj.docstring.value)
