"""spec/language.md quotes the grammar verbatim: a test keeps the two from drifting apart.

Input: ``grammar/mvm.lark`` and the ```lark block of ``spec/language.md`` §14. Output: pass when equal.
"""

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_spec_quotes_the_grammar_verbatim():
    spec = (ROOT / "spec" / "language.md").read_text()
    start = spec.index("```lark\n") + len("```lark\n")
    end = spec.index("\n```", start)
    grammar = (ROOT / "grammar" / "mvm.lark").read_text().rstrip("\n")
    assert spec[start:end] == grammar, "spec/language.md §14 differs from grammar/mvm.lark: copy the file in"
