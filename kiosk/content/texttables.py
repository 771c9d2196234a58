"""Tables in a text dump, in every shape a copy-paste or a text browser gives them.

* tab-separated cells (a table pasted from a browser);
* pipe-separated cells, with or without outer pipes, with or without ``---`` rules;
* space-aligned columns: two or more spaces between cells, the same number of
  cells on every row;
* the 2019 national template's tables (第二十条第（一）项 … 信息内容 / 本年制发件数 …;
  申请人情况 / 自然人 / 法人或其他组织 …) whatever their shape, even one cell a line:
  they are read from their caption, header words and figures (``vocab.yaml``).

A row with fewer cells than the header (merged cells) is aligned to the right
when its last cells are figures (a label merged with the row above), and the
explanation says so. Each run of lines is read once: linear in the input.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from kiosk.content.vocab import StandardTable, header_words, standard_tables

#: At most this many cells in one table: a larger "table" is kept as text, with a warning.
MAX_CELLS = 20_000


@dataclass
class Table:
    header: list[str]
    rows: list[list[str]]
    notes: list[str] = field(default_factory=list)  # for the explanation: merged cells …


Item = str | Table

_FIGURE = re.compile(r"[+-]?[\d.,%％]+")
_FIGURE_CELL = re.compile(r"[+-]?\d[\d.,]*[%％]?|[+-]?0|-")
_PIPE_RULE = re.compile(r"^\s*[|｜]?\s*:?-{3,}:?\s*(?:[|｜]\s*:?-{3,}:?\s*)*[|｜]?\s*$")
_SPACES = re.compile(r"[ \u3000\xa0]{2,}|\t")


def _clean(cell: str) -> str:
    cell = cell.replace("\u3000", " ").replace("\xa0", " ")
    return re.sub(r"[ \t]+", " ", cell).strip()


def _is_figure(cell: str) -> bool:
    return bool(_FIGURE_CELL.fullmatch(cell.strip()))


# --- one shape each: (cells of the line) or None -----------------------------------------


def _tab_cells(line: str) -> list[str] | None:
    cells = [c.strip() for c in line.strip().split("\t")]
    if len(cells) >= 2 and not line.startswith(("\t\t\t", "    ")):
        return [_clean(c) for c in cells]
    return None


def _pipe_cells(line: str) -> list[str] | None:
    s = line.strip()
    if _PIPE_RULE.match(s) and "-" in s:
        return []  # a rule: marks the end of the header
    if s.count("|") + s.count("｜") < 1:
        return None
    cells = re.split(r"[|｜]", s)
    if s[0] in "|｜":
        cells = cells[1:]
    if s[-1] in "|｜" and len(s) > 1:
        cells = cells[:-1]
    cells = [_clean(c) for c in cells]
    return cells if len(cells) >= 2 else None


def _space_cells(line: str) -> list[str] | None:
    s = line.strip()
    cells = [_clean(c) for c in _SPACES.split(s) if c.strip()]
    return cells if len(cells) >= 2 else None


def _grid(rows: list[list[str]], header_rows: int | None, where: str) -> Table:
    """Rows of cells → a table: header rows (given, or the leading rows without a
    figure), rows padded — to the right of a label, or on the left of figures."""
    width = max(len(r) for r in rows)
    if header_rows is not None and header_rows >= len(rows):
        header_rows = 1  # a rule under the last row: only the first is a header
    if header_rows is None:
        n = 0
        while n < len(rows) - 1 and not any(_FIGURE.fullmatch(c) for c in rows[n]):
            n += 1
        header_rows = n if 0 < n <= 3 else 1
    notes: list[str] = []
    grid: list[list[str]] = []
    for i, row in enumerate(rows):
        missing = width - len(row)
        if missing and i >= header_rows and row and _is_figure(row[-1]) and len(row) > 1:
            notes.append(
                f"{where}: row {i + 1} has {len(row)} cells for {width} columns "
                f"(merged cells?): its figures are aligned to the right"
            )
            grid.append([row[0]] + [""] * missing + row[1:])
        else:
            if missing:
                notes.append(
                    f"{where}: row {i + 1} has {len(row)} cells for {width} columns "
                    "(merged cells?): check it against the source"
                )
            grid.append(row + [""] * missing)
    header = [_stack([row[col] for row in grid[:header_rows]]) for col in range(width)]
    return Table(header, grid[header_rows:], notes)


def _stack(cells: list[str]) -> str:
    """Header cells stacked in one column: a label repeated by a merge once; cells with
    digits every time (no number is lost)."""
    parts: list[str] = []
    for cell in cells:
        if cell and (cell not in parts or any(ch.isdigit() for ch in cell)):
            parts.append(cell)
    return " / ".join(parts)


@dataclass
class _Run:
    end: int
    rows: list[list[str]]
    header_rows: int | None = None
    shape: str = ""
    unrecognised: bool = False  # looks like a table, but its cells cannot be told apart
    placed: bool = False  # cells placed in their columns by position


def _tab_run(lines: list[str], i: int) -> _Run | None:
    rows = []
    j = i
    while j < len(lines) and (cells := _tab_cells(lines[j])) is not None:
        rows.append(cells)
        j += 1
    return _Run(j, rows, shape="tab-separated") if rows else None


def _pipe_run(lines: list[str], i: int) -> _Run | None:
    rows: list[list[str]] = []
    header_rows = None
    outer = False
    j = i
    while j < len(lines) and (cells := _pipe_cells(lines[j])) is not None:
        if cells:
            rows.append(cells)
            outer = outer or lines[j].strip()[:1] in "|｜"
        elif header_rows is None and rows:
            header_rows = len(rows)
        j += 1
    if not rows:
        return None
    if len(rows) >= 2 and (header_rows or outer or any(_is_figure(c) for r in rows for c in r)):
        return _Run(j, rows, header_rows, "pipe-separated")
    return _Run(j, [], shape="pipe-separated")  # a row of links, not a table: text


def _space_run(lines: list[str], i: int) -> _Run | None:
    rows: list[list[str]] = []
    j = i
    while j < len(lines) and (cells := _space_cells(lines[j])) is not None:
        rows.append(cells)
        j += 1
    if not rows:
        return None
    body = rows[1:] if len(rows) > 2 else rows
    widths = {len(r) for r in body}
    numeric = sum(1 for r in body if any(_is_figure(c) for c in r[1:]))
    if len(rows) >= 2 and len(widths) == 1 and numeric * 2 >= len(body):
        return _Run(j, rows, shape="space-aligned")
    if len(rows) >= 2 and numeric * 2 >= len(body):
        placed = _by_position(lines[i:j])
        if placed is not None:
            return _Run(j, placed, shape="space-aligned", placed=True)
    unsure = len(rows) >= 3 and numeric * 2 >= len(body)
    return _Run(j, [], shape="space-aligned", unrecognised=unsure)


_CELL = re.compile(r"(?:(?![ \u3000\xa0]{2,}|\t)\S(?:(?![ \u3000\xa0]{2,}|\t).)*)")


def _positioned(line: str) -> list[tuple[int, int, str]]:
    """Cells of a space-aligned line with their display columns (CJK characters are two wide)."""
    widths = [0]
    for ch in line:
        widths.append(widths[-1] + (2 if unicodedata.east_asian_width(ch) in "WF" else 1))
    return [(widths[m.start()], widths[m.end()], _clean(m.group(0))) for m in _CELL.finditer(line)]


def _by_position(lines: list[str]) -> list[list[str]] | None:
    """Rows with missing (empty or merged) cells, placed in the column they sit under.
    The widest row gives the columns; a cell belongs to the first column (after the
    previous cell's) that it overlaps, give or take two display columns — left-,
    right- or centre-aligned. None when a cell fits no column."""
    rows = [_positioned(line) for line in lines]
    anchor = max(rows, key=len)
    out: list[list[str]] = []
    for row in rows:
        cells = [""] * len(anchor)
        last = -1
        for start, end, text in row:
            col = next(
                (
                    k
                    for k, (a_start, a_end, _) in enumerate(anchor)
                    if k > last and start < a_end + 2 and end > a_start - 2  # overlaps
                ),
                None,
            )
            if col is None:
                return None
            cells[col] = text
            last = col
        out.append(cells)
    return out


# --- the national template's tables --------------------------------------------------------


def _norm(text: str) -> str:
    return re.sub(r"[\s()]", "", unicodedata.normalize("NFKC", text))


_HEADING_MARK = re.compile(r"^[一二三四五六七八九十]+、|^[(（][一二三四五六七八九十]+[)）]")


def _caption_of(line: str) -> str | None:
    text = _norm(_HEADING_MARK.sub("", line.strip()))
    if not text or len(text) > 40:
        return None
    for t in standard_tables():
        if text == _norm(t.caption):
            return t.caption
    return None


def _tokens(line: str) -> list[str]:
    s = line.strip()
    if not s or (_PIPE_RULE.match(s) and "-" in s):
        return []
    return [_clean(c) for c in re.split(r"[\t|｜]|[ \u3000\xa0]+", s) if c.strip()]


def _standard_run(lines: list[str], i: int) -> tuple[int, list[Item], list[str]] | None:
    """A template table starting at its caption line ``i``: (end, items, notes)."""
    caption = _caption_of(lines[i])
    if caption is None:
        return None
    words = {_norm(w) for w in header_words()}
    candidates = [t for t in standard_tables() if t.caption == caption]
    j = i + 1
    seen: set[str] = set()  # the header: lines made only of header words
    while j < len(lines):
        toks = _tokens(lines[j])
        if toks and not all(_norm(t) in words for t in toks):
            break
        seen.update(_norm(t) for t in toks)
        j += 1
    rows: list[list[str]] = []
    k: int | None = None
    label_column = True
    start = j
    labels: list[str] = []
    figures: list[str] = []
    row_start = j
    while j < len(lines):
        toks = _tokens(lines[j])
        if not toks:
            if labels or figures:
                break
            j += 1
            row_start = j
            continue
        if _caption_of(lines[j]) is not None and not figures:
            break
        ok = True
        for tok in toks:
            if _is_figure(tok):
                figures.append(tok)
            elif figures or len(labels) >= 4 or _norm(tok) in words:
                ok = False
                break
            else:
                labels.append(tok)
        if not ok:
            break
        if k is None and figures and (j + 1 >= len(lines) or not _all_figures(lines[j + 1])):
            k = len(figures)
            header = _pick(candidates, k, bool(labels), seen)
            if header is None:
                return None
            label_column = bool(labels)
        j += 1
        if k is not None and len(figures) >= k and len(figures) % k == 0:
            if not label_column and labels:
                break
            for n in range(0, len(figures), k):
                rows.append(([" / ".join(labels)] if label_column else []) + figures[n : n + k])
            labels, figures = [], []
            row_start = j
    if not rows or k is None:
        return None
    end = row_start
    if end <= start:
        return None
    header = _pick(candidates, k, label_column, seen)
    assert header is not None
    return end, [lines[i].strip(), Table(list(header), rows)], []


def _all_figures(line: str) -> bool:
    toks = _tokens(line)
    return bool(toks) and all(_is_figure(t) for t in toks)


def _pick(
    candidates: list[StandardTable], k: int, label_column: bool, seen: set[str]
) -> tuple[str, ...] | None:
    """The template header with this many columns that shares most words with the text's."""
    fitting = [t for t in candidates if len(t.header) == k + (1 if label_column else 0)]
    if not fitting:
        return None
    best = max(fitting, key=lambda t: sum(_norm(h.split(" / ")[-1]) in seen for h in t.header))
    return best.header


# --- the whole dump ---------------------------------------------------------------------------


def text_items(text: str) -> tuple[list[Item], list[str]]:
    """Lines and tables of a text dump, and notes for the explanation."""
    lines = text.splitlines()
    items: list[Item] = []
    notes: list[str] = []
    i = 0
    while i < len(lines):
        std = _standard_run(lines, i)
        if std is None and _caption_of(lines[i]) is not None:
            notes.append(
                f"line {i + 1}: {lines[i].strip()} is the caption of a template table whose "
                "cells were not recognised: what follows is read as it is"
            )
        if std is not None:
            end, found, more = std
            items.extend(found)
            notes.extend(more)
            i = end
            continue
        for reader in (_tab_run, _pipe_run, _space_run):
            run = reader(lines, i)
            if run is None:
                continue
            where = f"line {i + 1}"
            if run.rows and len(run.rows) >= 2:
                cells = max(len(r) for r in run.rows) * len(run.rows)
                if cells > MAX_CELLS:
                    notes.append(
                        f"{where}: a {run.shape} table of {cells} cells is over the limit of {MAX_CELLS}: kept as text"
                    )
                    items.extend(lines[i : run.end])
                else:
                    table = _grid(run.rows, run.header_rows, where)
                    notes.extend(table.notes)
                    if run.placed:
                        notes.append(
                            f"{where}: a space-aligned table with empty or merged cells: each "
                            "cell was placed in the column it sits under"
                        )
                    items.append(table)
            elif run.rows:
                items.extend(" ".join(r) for r in run.rows)  # one tabbed line: text
            else:
                if run.unrecognised:
                    notes.append(
                        f"lines {i + 1}–{run.end}: they look like a {run.shape} table but the "
                        "rows have different numbers of cells: kept as text"
                    )
                items.extend(lines[i : run.end])
            i = run.end
            break
        else:
            items.append(lines[i])
            i += 1
    return items, notes
