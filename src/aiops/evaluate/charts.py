"""Inline SVG charts for the report (no JavaScript, no CDN). Pure: data in, markup out."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

W, H, PAD = 520, 200, 40
COLORS = {"baseline": "#8a8f98", "agents": "#2a7ae2"}


def _frame(body: str, title: str, height: int = H) -> str:
    return (f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{height}" '
            f'viewBox="0 0 {W} {height}" role="img" aria-label="{escape(title)}">'
            f'<title>{escape(title)}</title>{body}</svg>')  # fmt: skip


def strip_plot(series: Mapping[str, Sequence[float]], title: str, unit: str = "s") -> str:
    """One row of dots per procedure (a distribution), with its median marked."""
    values = [v for vs in series.values() for v in vs]
    if not values:
        return _frame(f'<text x="{PAD}" y="40">no values</text>', title, 60)
    hi = max(values) or 1.0
    x = lambda v: PAD + 60 + (W - PAD - 80) * v / hi  # noqa: E731
    rows, height = [], PAD + 50 * len(series) + 20
    for i, (name, vs) in enumerate(series.items()):
        y = PAD + 20 + 50 * i
        color = COLORS.get(name, "#444")
        rows.append(f'<text x="4" y="{y + 4}" font-size="12">{escape(name)}</text>')
        rows.append(f'<line x1="{x(0):.1f}" y1="{y}" x2="{x(hi):.1f}" y2="{y}" stroke="#ddd"/>')
        rows += [f'<circle cx="{x(v):.1f}" cy="{y}" r="4" fill="{color}" fill-opacity="0.6">'
                 f"<title>{v:g} {unit}</title></circle>" for v in vs]  # fmt: skip
        if vs:
            med = sorted(vs)[len(vs) // 2]
            rows.append(f'<line x1="{x(med):.1f}" y1="{y - 12}" x2="{x(med):.1f}" y2="{y + 12}" '
                        f'stroke="{color}" stroke-width="3"><title>median {med:g} {unit}</title>'
                        "</line>")  # fmt: skip
    axis = f'<text x="{x(hi) - 40:.1f}" y="{height - 6}" font-size="11">{hi:.0f} {unit}</text>'
    zero = f'<text x="{x(0):.1f}" y="{height - 6}" font-size="11">0</text>'
    return _frame("".join(rows) + axis + zero, title, height)


def bars(groups: Mapping[str, Mapping[str, float]], title: str) -> str:
    """Grouped horizontal bars: for each group (e.g. TP, FP, FN) one bar per procedure."""
    values = [v for g in groups.values() for v in g.values()]
    hi = max(values, default=0) or 1.0
    rows, y = [], 16
    for label, g in groups.items():
        rows.append(f'<text x="4" y="{y + 10}" font-size="12">{escape(label)}</text>')
        for name, v in g.items():
            w = (W - 200) * v / hi
            color = COLORS.get(name, "#444")
            rows.append(f'<rect x="150" y="{y}" width="{w:.1f}" height="12" fill="{color}">'
                        f"<title>{escape(name)}: {v:g}</title></rect>"
                        f'<text x="{155 + w:.1f}" y="{y + 10}" font-size="11">{v:g}</text>')  # fmt: skip
            y += 15
        y += 8
    legend = "".join(f'<rect x="{W - 160 + 80 * i}" y="2" width="10" height="10" fill="{c}"/>'
                     f'<text x="{W - 146 + 80 * i}" y="11" font-size="11">{n}</text>'
                     for i, (n, c) in enumerate(COLORS.items()))  # fmt: skip
    return _frame("".join(rows) + legend, title, y + 10)


__all__ = ["bars", "strip_plot"]
