"""Every file or section a repository file cites exists in the repository.

A clone must stand alone: a comment or document that names `docs/checks.md`, cites
`docs/defender-reference.md §2.3`, or links `[...](mitigation.md)` must resolve to a file (and a
section heading) that is committed here, never to material outside the repository.
"""

import pathlib
import re
import subprocess
import sys

from repository import ROOT


# The folders and files whose text cites other files.
CITING = ("Sources/", "Tests/", "docs/", "scripts/", "Benchmarks/", ".ci/", "README.md", "Makefile", "Package.swift")
TEXT_SUFFIXES = {".swift", ".md", ".py", ".sh", ".h", ".c", ""}

# A repository path: a top-level folder, then a name that ends in a letter or digit (so globs and
# placeholders such as `docs/*.md` or `Sources/<module>` are not paths). Not preceded by a path
# character, so `/tmp/scripts/x` or `repositoryRoot + "/snapshots/workshop"` are not read as citations.
REPO_PATH = re.compile(r"(?<![\w./~$-])((?:Sources|Tests|docs|scripts|Benchmarks|snapshots|\.ci)/[\w./+-]*\w)")
MARKDOWN_LINK = re.compile(r"\]\(([^)\s#]+)(?:#[^)]*)?\)")
SECTION = re.compile(r"§\s?(\d+(?:\.\d+)*)")
CITED_DOCUMENT = re.compile(r"(docs/[\w-]+\.md)`?\s*,?\s*(?:§\s?[\d.]+(?:,\s*|\s+and\s+))*$")
# Material that lives outside the repository, and ways of citing it without a path.
OUTSIDE = re.compile(r"\.\./shared|(?<![\w-])shared/(?:reference|seed|snapshot-format|style)")
UNRESOLVED_WORDING = re.compile(
    r"\breference\s+(?:§|section\b|UNCONFIRMED)|\(reference\b|\bthe reference's\b|\bin the reference\b", re.I
)


def _citing_files():
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT, capture_output=True, text=True, check=True,
    ).stdout.splitlines()
    for name in listed:
        path = ROOT / name
        if not name.startswith(CITING) or not path.is_file() or path.suffix not in TEXT_SUFFIXES:
            continue
        if "/.build" in name or name.startswith("snapshots/") or name == "scripts/tests/" + pathlib.Path(__file__).name:
            continue
        try:
            yield name, path.read_text(encoding="utf-8")
        except UnicodeDecodeError:
            continue


def _headings(document):
    """The section numbers of a Markdown document's headings (`## 2. Permissions`, `### 2.3 ...`)."""
    numbers = set()
    for line in (ROOT / document).read_text(encoding="utf-8").splitlines():
        match = re.match(r"#{1,6}\s+§?(\d+(?:\.\d+)*)\.?\s", line)
        if match:
            numbers.add(match.group(1))
    return numbers


# Nested packages (Benchmarks/, Tests/Fuzz/) cite their own files relative to their folder.
NESTED_PACKAGES = [path.parent for path in ROOT.glob("*/**/Package.swift") if ".build" not in str(path)]


def _exists(relative):
    return any((base / relative).exists() for base in [ROOT, *NESTED_PACKAGES])


def _problems():
    problems = []
    for name, text in _citing_files():
        lines = text.splitlines()
        for number, line in enumerate(lines, start=1):
            where = f"{name}:{number}"
            for match in OUTSIDE.finditer(line):
                problems.append(f"{where}: cites material outside the repository: {match.group(0)!r}")
            for match in UNRESOLVED_WORDING.finditer(line):
                problems.append(f"{where}: cites 'the reference' without a repository file: {line.strip()!r}")
            for match in REPO_PATH.finditer(line):
                path = match.group(1).rstrip(".")
                if ".build" in path or "*" in line[match.end() : match.end() + 1]:
                    continue
                if not _exists(path):
                    problems.append(f"{where}: cites {path}, which is not in the repository")
            if name.endswith(".md"):
                for match in MARKDOWN_LINK.finditer(line):
                    target = match.group(1)
                    if re.match(r"[a-z]+:", target):
                        continue
                    if not (ROOT / name).parent.joinpath(target).exists():
                        problems.append(f"{where}: links {target}, which is not in the repository")
            for match in SECTION.finditer(line):
                before = line[: match.start()]
                if re.search(r"RFC\s?\d+\s*$", before) or re.search(r"RFC\s?\d+ §[\d.]+(?:, §[\d.]+)*,\s*$", before):
                    continue  # a public standard's section, e.g. RFC 5280 §4.1
                # The document is the one named right before the § ("docs/checks.md §2", "... §1.4, §2.2");
                # in a Markdown file a bare § is a section of that file.
                attached = CITED_DOCUMENT.search(before)
                document = attached.group(1) if attached else (name if name.endswith(".md") else None)
                if document is None:
                    problems.append(f"{where}: §{match.group(1)} names no document of the repository")
                elif not _exists(document):
                    problems.append(f"{where}: §{match.group(1)} of {document}, which is not in the repository")
                elif match.group(1) not in _headings(document):
                    problems.append(f"{where}: {document} has no section {match.group(1)}")
    return problems


def test_every_cited_file_and_section_is_in_the_repository():
    problems = _problems()
    assert not problems, "\n".join(problems)


def test_the_checker_catches_what_it_is_for(monkeypatch):
    """The rules above on known-bad lines, so the test cannot pass by matching nothing."""
    bad = [
        "/// see ../shared/snapshot-format.md",
        "/// (reference §2.4)",
        "/// docs/defender-reference.md §42",
        "/// docs/no-such-page.md",
        "/// a bare §2.1 in a source file",
    ]
    good = [
        "/// docs/defender-reference.md §2.4 and §1.2",
        "/// RFC 5280 §4.1.2.5",
        "/// docs/checks.md, Sources/FleetAuditCore/OutputFile.swift",
    ]
    files = [("Sources/Bad.swift", "\n".join(bad)), ("Sources/Good.swift", "\n".join(good))]
    assert all(_exists(path) for path in ["docs/defender-reference.md", "docs/checks.md"])
    monkeypatch.setattr(sys.modules[__name__], "_citing_files", lambda: iter(files))
    problems = _problems()
    flagged_lines = {int(p.split(":")[1]) for p in problems if p.startswith("Sources/Bad.swift:")}
    assert flagged_lines == set(range(1, len(bad) + 1)), problems
    assert not [p for p in problems if p.startswith("Sources/Good.swift")], problems
