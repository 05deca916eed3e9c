"""The module graph in docs/architecture.md is the one Package.swift declares, and it points down.

The "Module graph" block lists each module with the modules it depends on, top to bottom. This
test reads the targets of Package.swift (their dependencies on other targets; products of other
packages are left out) and fails when the two graphs differ, when a module depends on one listed
above it (an arrow going back up), or when the module table of the same page does not name exactly
these modules.
"""

import re

from repository import ROOT

TARGET_START = re.compile(r"\.(target|executableTarget|systemLibrary|testTarget)\(")
ARROW = "──►"


def closing(text, start, opening, closing_char):
    """The index just past the bracket that closes the one at `start`."""
    depth = 0
    for index in range(start, len(text)):
        if text[index] == opening:
            depth += 1
        elif text[index] == closing_char:
            depth -= 1
            if depth == 0:
                return index + 1
    raise ValueError(f"unbalanced {opening} at {start}")


def package_graph(text):
    """Target name -> the targets it depends on, for every target that is not a test target."""
    graph = {}
    for match in TARGET_START.finditer(text):
        body = text[match.end() - 1 : closing(text, match.end() - 1, "(", ")")]
        name = re.search(r'name:\s*"([^"]+)"', body).group(1)
        if match.group(1) == "testTarget":
            continue
        dependencies = set()
        listed = re.search(r"dependencies:\s*\[", body)
        if listed:
            block = body[listed.end() - 1 : closing(body, listed.end() - 1, "[", "]")]
            block = re.sub(r"\.product\([^)]*\)", "", block)
            dependencies = set(re.findall(r'"([^"]+)"', block))
        graph[name] = dependencies
    return graph


def documented_graph(text):
    """The "Module graph" block: module -> dependencies, and the modules in the order listed."""
    section = text[text.index("### Module graph") :]
    block = re.search(r"```text\n(.*?)```", section, re.S).group(1)
    order, graph = [], {}
    for line in block.splitlines():
        if not line.strip():
            continue
        module, _, rest = line.partition(ARROW)
        module = module.strip()
        assert module not in graph, f"{module} is listed twice in the module graph"
        order.append(module)
        graph[module] = set(rest.split())
    return order, graph


def documented_table(text):
    """The modules the table under "## Modules" names, in its first column."""
    section = text[text.index("## Modules") : text.index("### Module graph")]
    return re.findall(r"^\| `([^`]+)` \|", section, re.M)


def test_package_graph_is_read():
    graph = package_graph((ROOT / "Package.swift").read_text())
    assert graph["FleetAuditJSON"] == {"CJansson"}
    assert "FleetAuditCoreTests" not in graph
    assert not any("swift-" in dependency for dependencies in graph.values() for dependency in dependencies)


def test_documented_graph_is_package_graph():
    package = package_graph((ROOT / "Package.swift").read_text())
    _, documented = documented_graph((ROOT / "docs/architecture.md").read_text())
    assert set(documented) == set(package), "modules in docs/architecture.md differ from Package.swift"
    differences = {
        module: {"only in Package.swift": package[module] - documented[module],
                 "only in docs/architecture.md": documented[module] - package[module]}
        for module in package
        if package[module] != documented[module]
    }
    assert not differences


def test_no_arrow_goes_back_up():
    order, documented = documented_graph((ROOT / "docs/architecture.md").read_text())
    position = {module: index for index, module in enumerate(order)}
    upward = [
        f"{module} ──► {dependency}"
        for module, dependencies in documented.items()
        for dependency in sorted(dependencies)
        if position.get(dependency, -1) <= position[module]
    ]
    assert not upward


def test_module_table_names_every_module():
    text = (ROOT / "docs/architecture.md").read_text()
    order, _ = documented_graph(text)
    table = documented_table(text)
    assert sorted(table) == sorted(order)
