"""Charts that show without the internet: static SVG or PNG through vl-convert.

Altair's default renderer loads Vega from a CDN, so offline, in an exported notebook or
in a board paper the chart would be blank. :func:`use_static_renderer` switches the
notebook renderer to inline SVG (deterministic output, no random element ids), and
:func:`save_chart` writes a chart to ``.svg``, ``.png`` or self-contained ``.html``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import altair as alt


def use_static_renderer(kind: str = "svg") -> None:
    """Render charts in notebooks as inline SVG (or PNG) made locally by vl-convert."""
    import altair as alt

    alt.renderers.enable(kind)


def save_chart(chart: alt.TopLevelMixin, path: str | Path, *, scale: float = 2.0) -> Path:
    """Write a chart as SVG, PNG (at ``scale``) or offline HTML, by the file's extension."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    suffix = path.suffix.lower()
    if suffix == ".png":
        chart.save(str(path), scale_factor=scale)
    elif suffix == ".svg":
        chart.save(str(path))
    elif suffix == ".html":
        chart.save(str(path), inline=True)
    else:
        msg = f"cannot save a chart as {suffix!r}; use .svg, .png or .html"
        raise ValueError(msg)
    return path


def to_svg(chart: alt.TopLevelMixin) -> str:
    """The chart as SVG text, drawn locally by vl-convert (no network)."""
    import vl_convert as vlc

    return str(vlc.vegalite_to_svg(chart.to_dict(), vl_version="6.4"))


def to_png(chart: alt.TopLevelMixin, *, scale: float = 2.0) -> bytes:
    """The chart as PNG bytes at ``scale``, for Word and PDF documents."""
    import vl_convert as vlc

    return bytes(vlc.vegalite_to_png(chart.to_dict(), vl_version="6.4", scale=scale))
