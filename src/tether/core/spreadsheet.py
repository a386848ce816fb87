"""Text cells a spreadsheet would run as formulas (OWASP "CSV injection"), made inert."""

# Characters that make a spreadsheet treat a text cell as a formula (OWASP "CSV injection").
FORMULA_START = frozenset("=+-@\t\r")


def escape_formula(text: str) -> str:
    """Prefix a quote to text a spreadsheet would run as a formula; `unescape_formula` undoes it."""
    if text and (text[0] in FORMULA_START or (text[0] == "'" and _quoted_formula(text))):
        return "'" + text
    return text


def unescape_formula(text: str) -> str:
    """Remove the quote `escape_formula` added, so an exported file imports unchanged."""
    if text[:1] == "'" and _quoted_formula(text):
        return text[1:]
    return text


def _quoted_formula(text: str) -> bool:
    """Whether the text after its leading quotes would start a formula."""
    return text.lstrip("'")[:1] in FORMULA_START
