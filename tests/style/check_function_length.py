#!/usr/bin/env python3
"""Fails when a function (or lambda) body in distill/, study/ or tools/ runs over 60 lines.

A body is counted from the line of its opening brace to the line of its closing brace. Braces are found after
comments, strings and character literals are blanked, so that text in them cannot open or close one. A brace
opens a function body when the text before it ends a parameter list: `) {`, `) const {`, `) override {`,
`) noexcept {`, `) -> T {`, `) mutable {` or a constructor's initializer list; class, namespace, enum and
control-flow braces are not bodies. Usage: check_function_length.py ROOT | --self-test
"""
import re
import sys
from pathlib import Path

LIMIT = 60
FOLDERS = ("distill", "study", "tools")
CONTROL = re.compile(r"\b(if|for|while|switch|catch|do|else|try)\s*(\(.*\))?\s*$")
BODY = re.compile(r"\)\s*(const|override|noexcept|mutable|final|->\s*[\w:<>,\s&*]+)*\s*$")


def blank(text):
    """Comments, strings and character literals replaced by spaces, newlines kept."""
    out, i, n = [], 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text.startswith('R"', i):
            m = re.match(r'R"([^(]*)\(', text[i:])
            end = text.find(")" + m.group(1) + '"', i) if m else -1
            j = n if end < 0 else end + len(m.group(1)) + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(" " * (j + 1 - i))
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def long_bodies(text):
    """(first line, lines) of every function or lambda body over LIMIT lines."""
    code = blank(text)
    stack, found = [], []
    for pos, c in enumerate(code):
        if c == "{":
            before = code[max(0, code.rfind("\n", 0, max(0, pos - 400))):pos].rstrip()
            tail = before.split(";")[-1].split("}")[-1].split("{")[-1]
            is_body = bool(BODY.search(tail)) and not CONTROL.search(tail.strip())
            if not is_body and re.search(r"\)\s*:\s*[\w:]+\s*[({]", tail):  # constructor with initializers
                is_body = True
            stack.append((pos, is_body))
        elif c == "}" and stack:
            start, is_body = stack.pop()
            if is_body:
                first = code.count("\n", 0, start) + 1
                last = code.count("\n", 0, pos) + 1
                if last - first + 1 > LIMIT:
                    found.append((first, last - first + 1))
    return found


def check(root):
    failures = []
    for folder in FOLDERS:
        for path in sorted((root / folder).rglob("*.[ch]pp")):
            for line, lines in long_bodies(path.read_text(encoding="utf-8")):
                failures.append(f"{path.relative_to(root)}:{line}: a body of {lines} lines (at most {LIMIT})")
    return failures


def self_test():
    short = "int f(int x) {\n" + "    x += 1;\n" * 10 + "    return x;\n}\n"
    long = "void g() const {\n" + "    call();\n" * LIMIT + "}\n"
    lam = "auto h = [](int a) {\n" + "    use(a);\n" * LIMIT + "};\n"
    control = "void k() {\n    if (a) {\n" + "    s(\"}\");\n" * 30 + "    }\n}\n"
    assert long_bodies(short) == [], long_bodies(short)
    assert [n for _, n in long_bodies(long)] == [LIMIT + 2], long_bodies(long)
    assert [n for _, n in long_bodies(lam)] == [LIMIT + 2], long_bodies(lam)
    assert long_bodies(control) == [], long_bodies(control)
    print("self-test passed")
    return 0


def main(argv):
    if argv[1:] == ["--self-test"]:
        return self_test()
    failures = check(Path(argv[1]))
    for f in failures:
        print(f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
