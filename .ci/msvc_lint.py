#!/usr/bin/env python3
"""What MSVC's /W4 rejects and clang-cl does not warn about, so the clang-cl gate (.ci/clang-cl)
checks it here: C4706, an assignment whose value is used as a truth value in a condition
(`if ((p = f()))`, `if (!(t = malloc(n)))`, `while (a && (b = g()))`). clang warns only about
the bare `if (a = b)`. Write the comparison out instead: `if ((p = f()) != NULL)`, or assign
first. Not checked: C4204/C4221 (aggregate initialisers with non-constant values or local
addresses), which C99 made standard and cl does not report under /std:c11, the msvc preset's
mode (CMAKE_C_STANDARD 11). Usage: msvc_lint.py FILE.c...; exit 1 when something is found."""
import re
import sys


def blank_literals(text):
    """Comments, strings and character literals as spaces (newlines kept: line numbers hold)."""
    out = list(text)
    i, n = 0, len(text)
    while i < n:
        if text.startswith("/*", i):
            start, end = i, text.find("*/", i + 2) + 2
            end = n if end < 2 else end
            i = end
        elif text.startswith("//", i):
            start, end = i, text.find("\n", i)
            end = n if end < 0 else end
            i = end
        elif text[i] in "\"'":
            j = i + 1
            while j < n and text[j] not in (text[i], "\n"):
                j += 2 if text[j] == "\\" else 1
            start, end = i + 1, min(j, n)
            i = j + 1
        else:
            i += 1
            continue
        for k in range(start, end):
            if out[k] != "\n":
                out[k] = " "
    return "".join(out)


def closing(s, at):
    """Index of the parenthesis closing the one at s[at], or -1."""
    depth = 0
    for i in range(at, len(s)):
        depth += {"(": 1, ")": -1}.get(s[i], 0)
        if depth == 0:
            return i
    return -1


def top_level(expr):
    """expr with every bracketed part blanked out."""
    out, depth = [], 0
    for c in expr:
        depth -= c in ")]"
        out.append(c if depth == 0 else " ")
        depth += c in "(["
    return "".join(out)


def assigns(expr):
    """An assignment (=, +=, ...) at the top level of expr."""
    return re.search(r"(?<![=!<>])=(?!=)", top_level(expr)) is not None


def truth_value_assigns(expr):
    """Whether expr, used as a truth value, is (or has as a truth-valued operand) an assignment."""
    expr = expr.strip()
    while expr.startswith("(") and closing(expr, 0) == len(expr) - 1:
        expr = expr[1:-1].strip()
    if expr.startswith("!") and not expr.startswith("!="):
        return truth_value_assigns(expr[1:])
    flat = top_level(expr)
    cuts = [m.start() for m in re.finditer(r"&&|\|\|", flat)]
    if cuts:
        parts, last = [], 0
        for c in cuts:
            parts.append(expr[last:c])
            last = c + 2
        parts.append(expr[last:])
        return any(truth_value_assigns(p) for p in parts)
    return assigns(expr)


def conditions(text):
    """(offset, condition) of every if, while and for condition."""
    for m in re.finditer(r"\b(if|while|for)\s*\(", text):
        end = closing(text, m.end() - 1)
        if end < 0:
            continue
        inside = text[m.end() : end]
        if m.group(1) == "for":
            parts = top_level(inside).split(";")
            if len(parts) != 3:
                continue
            start = len(parts[0]) + 1
            inside = inside[start : start + len(parts[1])]
        if inside.strip():
            yield m.start(), inside


def main(paths):
    found = 0
    for path in paths:
        with open(path, encoding="utf-8") as f:
            text = blank_literals(f.read())
        for at, cond in conditions(text):
            if truth_value_assigns(cond):
                line = text.count("\n", 0, at) + 1
                print(f"{path}:{line}: assignment used as a truth value (MSVC C4706): "
                      f"{' '.join(cond.split())}")
                found += 1
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
