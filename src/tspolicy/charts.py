"""Charts of the dataset, in English, French or Arabic.

One function per chart kind. Each takes DataFrames and options and returns a
:class:`Chart`: a matplotlib :class:`~matplotlib.figure.Figure` (made without pyplot, so no
global figure state), its alt text, the values it shows with the evidence behind each mark,
and its notes. No function reads or writes a file; :func:`save` writes SVG and PNG
deterministically.

Charts as charts, notes as text. The picture holds a title, labelled axes with units, data
labels and a legend; the notes (the source line naming the documents and the primary
source, the metrics' caveats, the primary-source verdicts that are not ``matches``, the
context citations) are :attr:`Chart.notes`, text a web page puts in its ``<figcaption>``.
:func:`save`, for papers that have no caption, draws them under the chart.

Two layouts (:data:`LAYOUTS`): ``wide``, drawn for 800 CSS px, and ``narrow``, drawn for 300
CSS px and served as a 2x PNG to phones (:data:`NARROW_MEDIA`); their font sizes keep the
smallest text at 11 CSS px or more on a desktop and 12 CSS px or more on a phone 320 px wide
(image shown 288 px wide). The narrow timeline and source matrix put each label on lines of
its own, over the whole width, above or under its marks. Lower bounds are drawn and labelled
as lower bounds; bars are drawn only on a linear axis from zero, a log axis gets dots. The
palette is seaborn's colour-blind-safe ``colorblind``; the font is the DejaVu Sans that
matplotlib ships (it has Arabic glyphs; matplotlib ≥ 3.11 shapes Arabic and lays it out
right to left). Arabic charts are mirrored (bars grow leftwards, categories on the right),
each Arabic line is set right to left and each Latin run in it is isolated, so that "منزل
Courtney's House، 2008" keeps its order, and wrapping never splits a short Latin run.
"""

from __future__ import annotations

import io
import math
import os
import re
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import matplotlib as mpl
import numpy as np
import pandas as pd
from matplotlib.figure import Figure, FigureBase
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D

from . import formatting as fmt
from . import selection
from .context import CHILD_ENDANGERMENT, ContextSeries, load_context
from .corroborate import claim_keys, corroborate
from .data import load_dataset
from .errors import TspolicyError
from .groups import CONTENT, ENFORCEMENT, RANK, SHARE  # noqa: F401 (re-exported for callers)
from .i18n import (
    after_by,
    check_language,
    event_text,
    join,
    metric_text,
    name,
    primary_sources,
    strings,
    subject_name,
    t,
    written,
)
from .selection import LOWER_BOUNDS  # re-exported for callers

FONT = "DejaVu Sans"
#: seaborn's colour-blind-safe palette, ``seaborn.color_palette("colorblind")``: its values,
#: not seaborn itself, whose import costs more than drawing a page's charts
#: (tests/test_charts.py checks that they agree with the installed seaborn).
PALETTE = [
    (0.00392156862745098, 0.45098039215686275, 0.6980392156862745),
    (0.8705882352941177, 0.5607843137254902, 0.0196078431372549),
    (0.00784313725490196, 0.6196078431372549, 0.45098039215686275),
    (0.8352941176470589, 0.3686274509803922, 0.0),
    (0.8, 0.47058823529411764, 0.7372549019607844),
    (0.792156862745098, 0.5686274509803921, 0.3803921568627451),
    (0.984313725490196, 0.6862745098039216, 0.8941176470588236),
    (0.5803921568627451, 0.5803921568627451, 0.5803921568627451),
    (0.9254901960784314, 0.8823529411764706, 0.2),
    (0.33725490196078434, 0.7058823529411765, 0.9137254901960784),
]
#: seaborn's ``whitegrid`` style and ``notebook`` context at font scale 0.85
#: (``{**seaborn.axes_style("whitegrid"), **seaborn.plotting_context("notebook",
#: font_scale=0.85)}``), without its ``image.cmap`` (seaborn's own colormap; no chart draws
#: an image); tests/test_charts.py checks them against the installed seaborn.
SEABORN_STYLE = {
    "figure.facecolor": "white",
    "axes.labelcolor": ".15",
    "xtick.direction": "out",
    "ytick.direction": "out",
    "xtick.color": ".15",
    "ytick.color": ".15",
    "axes.axisbelow": True,
    "grid.linestyle": "-",
    "text.color": ".15",
    "font.family": ["sans-serif"],
    "font.sans-serif": [
        "Arial",
        "DejaVu Sans",
        "Liberation Sans",
        "Bitstream Vera Sans",
        "sans-serif",
    ],
    "lines.solid_capstyle": "round",
    "patch.edgecolor": "w",
    "patch.force_edgecolor": True,
    "xtick.top": False,
    "ytick.right": False,
    "axes.grid": True,
    "axes.facecolor": "white",
    "axes.edgecolor": ".8",
    "grid.color": ".8",
    "axes.spines.left": True,
    "axes.spines.bottom": True,
    "axes.spines.right": True,
    "axes.spines.top": True,
    "xtick.bottom": False,
    "ytick.left": False,
    "axes.linewidth": 1.25,
    "grid.linewidth": 1,
    "lines.linewidth": 1.5,
    "lines.markersize": 6,
    "patch.linewidth": 1,
    "xtick.major.width": 1.25,
    "ytick.major.width": 1.25,
    "xtick.minor.width": 1,
    "ytick.minor.width": 1,
    "xtick.major.size": 6,
    "ytick.major.size": 6,
    "xtick.minor.size": 4,
    "ytick.minor.size": 4,
    "font.size": 10.2,
    "axes.labelsize": 10.2,
    "axes.titlesize": 10.2,
    "xtick.labelsize": 9.35,
    "ytick.labelsize": 9.35,
    "legend.fontsize": 9.35,
    "legend.title_fontsize": 10.2,
}
NEUTRAL = "#8c8c8c"
INK = "#333333"
VERDICT_COLOURS = {
    "matches": PALETTE[2],
    "differs_in_value": PALETTE[3],
    "differs_in_definition": PALETTE[1],
    "differs_in_date": PALETTE[4],
    "unverified": NEUTRAL,
}
#: Markers of the series of the counts chart, so that colour is never the only cue.
MARKERS = ("o", "s", "D", "^", "v")


@dataclass(frozen=True)
class Layout:
    """A chart layout: the CSS width it is drawn for, its PNG density and font sizes (pt).

    At the theme's 100 dpi one point is 100/72 CSS px when the image is shown at
    ``css_width``; shown at ``w`` px it is ``100/72 * w / css_width``.
    """

    name: str
    width_in: float
    density: float  # PNG pixels per CSS pixel
    title: float
    label: float  # axis labels
    text: float  # tick labels, data labels
    small: float  # legends, dense labels, notes: the smallest text drawn

    @property
    def css_width(self) -> int:
        return round(self.width_in * 100)

    @property
    def dpi(self) -> int:
        return round(100 * self.density)

    def css_px(self, points: float, shown_at: float | None = None) -> float:
        """The CSS size of ``points`` when the image is shown ``shown_at`` px wide."""
        return points * 100 / 72 * (shown_at or self.css_width) / self.css_width


#: ``wide``: 800 CSS px, PNG at 1.5x; ``narrow``: 300 CSS px, PNG at 2x, about the width a
#: phone gives it, so that its text keeps its size there. Smallest text: 8.5 pt = 11.8 CSS
#: px at 800 px; 9 pt = 12.0 CSS px at 288 px (a 320-px phone), 14.3 at 343 px (375 px);
#: tick and data labels 10 pt = 13.3 CSS px at 288 px.
LAYOUTS = {
    "wide": Layout("wide", 8.0, 1.5, title=13, label=11, text=10, small=8.5),
    "narrow": Layout("narrow", 3.0, 2, title=11.5, label=10, text=10, small=9),
}
#: The media query under which a page shows the narrow PNG (``<source media=…>``): shown
#: less than 648 px wide, the wide chart's smallest text (8.5 pt) would be under 9 CSS px.
NARROW_MEDIA = "(max-width: 680px)"
#: The text width a phone 375 px wide gives an image (16-px page margins).
PHONE_WIDTH = 343
#: The text width of the narrowest phone a page is laid out for, 320 px wide.
SMALL_PHONE_WIDTH = 288
WIDTH_IN = LAYOUTS["wide"].width_in


#: An Arabic line's height, in lines of Latin text of the same size: its letters and marks
#: reach higher and lower, and matplotlib spaces its lines by them.
ARABIC_LEADING = 1.3
#: What a plot's width leaves of the figure's, in points, when nothing beside it is in the
#: layout: constrained layout's pads and the frame (tests/test_charts.py checks that the
#: timeline's labels stay inside the plot).
PLOT_MARGIN_PT = 14


class ChartDataError(TspolicyError, ValueError):
    """The data hold nothing to draw for the options given; the message says what is missing."""


def _layout(layout: str | Layout) -> Layout:
    if isinstance(layout, Layout):
        return layout
    if layout not in LAYOUTS:
        raise ValueError(f"layout '{layout}' is not one of {', '.join(LAYOUTS)}")
    return LAYOUTS[layout]


Drawer = Callable[[Layout, bool], Figure]


@dataclass
class Chart:
    """A chart and what a reader needs besides the picture.

    Attributes
    ----------
    kind
        The chart function's name.
    lang
        Language of every label.
    figure
        The matplotlib figure, wide layout, without the notes (a page prints them as text).
    title
        The title shown on the chart.
    alt
        Short alt text: the chart type, its title and its main point (the values are in
        ``data``, for a table).
    data
        The values drawn, one row per mark, in drawing order; its ``evidence`` column holds
        the ids behind each mark (figure ids ``F…``, event ids ``E…``), space-separated,
        empty for a context series' mark.
    notes
        Source, primary-source, caveat, context and verdict lines, in the chart's language.
    evidence
        Every id behind the marks, in drawing order, once each.
    """

    kind: str
    lang: str
    figure: Figure
    title: str
    alt: str
    data: pd.DataFrame
    notes: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    _draw: Drawer | None = field(default=None, repr=False, compare=False)
    _figures: dict = field(default_factory=dict, repr=False, compare=False)

    def draw(self, layout: str = "wide", *, notes_in_image: bool = False) -> Figure:
        """The chart drawn in ``layout`` ("wide" or "narrow"), with the notes under it if
        ``notes_in_image``; drawn once per combination and kept."""
        spec = _layout(layout)
        key = (spec.name, bool(notes_in_image))
        if key == ("wide", False) and self._draw is None:
            return self.figure
        if key not in self._figures:
            if self._draw is None:
                raise ValueError("this Chart was built without its drawing function")
            self._figures[key] = self._draw(spec, bool(notes_in_image))
        return self._figures[key]

    def with_notes(self, layout: str = "wide") -> Figure:
        """The chart with its notes drawn under it, as :func:`save` writes it for papers."""
        return self.draw(layout, notes_in_image=True)

    def png(
        self,
        dpi: int | None = None,
        colors: int | None = 128,
        *,
        layout: str = "wide",
        notes_in_image: bool = False,
    ) -> bytes:
        """The chart as PNG bytes, deterministic, at the layout's density (wide 1.5x, narrow
        2x) in 128 colours.

        The palette (Pillow's maximum coverage, deterministic) keeps a page with several
        charts well under 500 KB while text stays sharp; ``colors=None`` keeps full colour.
        Measured on every chart kind in en and ar: a fourth of the time of median cut with
        ``optimize=True`` (the earlier setting), the same total size, a mean error under
        0.3 of 255 per pixel.
        """
        from PIL import Image

        spec = _layout(layout)
        buffer = io.BytesIO()
        figure = self.draw(spec.name, notes_in_image=notes_in_image)
        with _rc(self.lang):
            figure.savefig(buffer, format="png", dpi=dpi or spec.dpi, metadata={"Software": None})
        if colors is None:
            return buffer.getvalue()
        image = Image.open(io.BytesIO(buffer.getvalue())).convert("RGB")
        out = io.BytesIO()
        image.quantize(colors=colors, method=Image.Quantize.MAXCOVERAGE).save(out, format="PNG")
        return out.getvalue()

    def pngs(self) -> dict[str, bytes]:
        """The page images, without notes: ``{"wide": …, "narrow": …}`` (see :data:`LAYOUTS`)."""
        return {key: self.png(layout=key) for key in LAYOUTS}

    def sizes(self) -> dict[str, tuple[int, int]]:
        """Each page image's CSS display size, ``{"wide": (800, h), "narrow": (300, h)}``:
        the ``width``/``height`` of its ``<img>``; the PNG has ``density`` times the pixels."""
        out = {}
        for key in LAYOUTS:
            width, height = self.draw(key).get_size_inches()
            out[key] = (round(width * 100), round(height * 100))
        return out

    def _repr_mimebundle_(self, include=None, exclude=None):
        """Shown in a notebook as the wide PNG, 800 px wide, with its alt text in the output
        metadata (nbconvert writes it to the ``<img alt>`` of the HTML)."""
        width, height = self.sizes()["wide"]
        return {"image/png": self.png()}, {
            "image/png": {"alt": self.alt, "width": width, "height": height}
        }


# --------------------------------------------------------------------------- theme


def theme(lang: str = "en") -> dict:
    """The rcParams every chart is drawn with: seaborn's whitegrid, DejaVu Sans, fixed SVG ids.

    Font sizes are not here: each text is given its layout's size (:data:`LAYOUTS`).
    """
    rc = dict(SEABORN_STYLE)
    rc.update(
        {
            "font.family": "sans-serif",
            "font.sans-serif": [FONT],
            "axes.prop_cycle": mpl.cycler(color=PALETTE),
            "figure.dpi": 100,
            "savefig.dpi": 100,
            "svg.hashsalt": "tspolicy",
            "svg.fonttype": "path",
            "axes.titlelocation": "right" if lang == "ar" else "left",
            "axes.titleweight": "bold",
            "axes.titlesize": 12,
            "text.language": lang,
        }
    )
    return rc


def shown(figure: Figure, lang: str = "en"):
    """A figure of one's own as a notebook shows it (PNG, in the theme of ``lang``): the
    charts here are drawn without pyplot, so Jupyter does not display a bare Figure."""
    from IPython.display import Image

    buffer = io.BytesIO()
    with _rc(lang):
        figure.savefig(buffer, format="png", metadata={"Software": None})
    return Image(buffer.getvalue())


@contextmanager
def _rc(lang: str):
    with mpl.rc_context(theme(lang)):
        yield


# --------------------------------------------------------------------------- text


_RENDERER = None


@lru_cache(maxsize=8192)
def text_width(text: str, size: float, weight: str = "normal") -> float:
    """Width of one line of ``text`` in points, in DejaVu Sans at ``size`` pt."""
    global _RENDERER
    from matplotlib.backends.backend_agg import RendererAgg

    if _RENDERER is None:
        _RENDERER = RendererAgg(1, 1, 720)
    prop = FontProperties(family=FONT, size=size, weight=weight)
    width, _, _ = _RENDERER.get_text_width_height_descent(_plain(text), prop, ismath=False)
    return width / 10


#: Bidi controls the Arabic labels carry: RLM, LRI, RLI, FSI, PDI.
BIDI_CONTROLS = "\u200f\u2066\u2067\u2068\u2069"
_BIDI_RE = re.compile(f"[{BIDI_CONTROLS}]")
# A Latin run: from the start of a word holding a Latin letter ("(IJM)", "2022Q1") over
# everything that is not Arabic script nor the " — " between a label's parts.
_ARABIC = "\u0590-\u08ff\ufb50-\ufeff"
_ARABIC_RE = re.compile(f"[{_ARABIC}]")
_LATIN_RUN = re.compile(rf"(?<!\S)[^\s{_ARABIC}]*[A-Za-z/][^{_ARABIC}—]*")
_KEEP = "\ue000"  # stands for a space inside a Latin run while wrapping
_BREAK = "\ue001"  # marks a Latin run too long for a line: it starts a new one


def _plain(text: str) -> str:
    """``text`` without the bidi controls :func:`_lines` adds."""
    return _BIDI_RE.sub("", text)


def _latin_runs(text: str) -> list[tuple[int, int]]:
    runs = []
    for match in _LATIN_RUN.finditer(text):
        run = match.group(0)
        # an opening bracket ending the run opens the Arabic that follows: "Brightline Watch
        # (الترجمة قيد الإعداد)" — inside the isolate it would be drawn at the wrong end
        core = run.rstrip(f" ,;:-–([{_KEEP}")
        runs.append((match.start(), match.start() + len(core)))
    return runs


def _isolate(line: str) -> str:
    """An Arabic line set right to left (RLM first), each Latin run isolated (LRI … PDI):
    "الأطفال — Courtney's House، 2008" keeps its parts in reading order. A line without
    Arabic letters ("1,470+", a document id) is left as it is, left to right."""
    if not _ARABIC_RE.search(line):
        return line
    return _rtl(line)


def _rtl(line: str) -> str:
    out, last = [], 0
    for start, end in _latin_runs(line):
        out += [line[last:start], "\u2066", line[start:end], "\u2069"]
        last = end
    out.append(line[last:])
    return "\u200f" + "".join(out)


def _lines(
    text: str, lang: str, width: float | None = None, size: float = 10, weight: str = "normal"
) -> list[str]:
    """``text`` wrapped to ``width`` points (measured in the font), as drawn in ``lang``.

    Lines break at spaces only (never at a hyphen: "fr-news-guardian-meta" stays whole).
    In Arabic a Latin run that fits on a line is never broken, and each line is set right
    to left with its Latin runs isolated (:func:`_isolate`).
    """
    if width is not None:
        text = text.replace(" — ", f"{_KEEP}— ")  # a dash never starts a line
        protected = text
        if lang == "ar":
            pieces, last = [], 0
            for start, end in _latin_runs(text):
                run = text[start:end]
                if text_width(run.replace(_KEEP, " "), size, weight) <= width:
                    run = run.replace(" ", _KEEP)
                elif " " in run:
                    run = _BREAK + run
                pieces += [text[last:start], run]
                last = end
            protected = "".join([*pieces, text[last:]])
        words = protected.split(" ")
        lines = [words[0].lstrip(_BREAK)]
        for word in words[1:]:
            candidate = f"{lines[-1]} {word}"
            if not word.startswith(_BREAK) and (
                text_width(candidate.replace(_KEEP, " "), size, weight) <= width
            ):
                lines[-1] = candidate
            else:
                lines.append(word.lstrip(_BREAK))
        lines = [line.replace(_KEEP, " ") for line in lines]
    else:
        lines = text.split("\n")
    return [_rtl(line) for line in lines] if lang == "ar" and _ARABIC_RE.search(text) else lines


def _label(
    text: str, lang: str, width: float | None = None, size: float = 10, weight: str = "normal"
) -> str:
    """:func:`_lines`, joined: the string to draw."""
    return "\n".join(_lines(text, lang, width, size, weight))


def _axis_label(text: str, lang: str, spec: Layout, share: float = 0.8) -> str:
    """An axis label wrapped to ``share`` of the chart's width in the layout (a long French
    or Arabic metric label would run off a phone-width chart)."""
    return _label(text, lang, spec.width_in * 72 * share, spec.label)


def _comma(lang: str) -> str:
    return "، " if lang == "ar" else ", "


def _line_in(size: float, lines: float = 1) -> float:
    """Height of ``lines`` lines of ``size``-pt text, in inches (matplotlib's 1.2 spacing)."""
    return lines * size * 1.2 / 72


def _even_px(height_in: float) -> float:
    """A height in inches that is a whole, even number of CSS px (whole PNG pixels at 1.5x)."""
    return math.ceil(height_in * 50) / 50


def _canvas(
    lang: str,
    layout: Layout,
    body_in: float,
    notes: list[str],
    notes_in_image: bool,
) -> tuple[Figure, FigureBase]:
    """A figure ``body_in`` inches tall for the chart, plus the notes under it if asked.

    Returns the figure and the (sub)figure to draw the chart into.
    """
    if not notes_in_image:
        figure = Figure(figsize=(layout.width_in, _even_px(body_in)), layout="constrained")
        return figure, figure
    rtl = lang == "ar"
    width = layout.width_in * 72 * 0.96
    lines = [line for note in notes for line in _lines(note, lang, width, layout.small)]
    notes_in = _line_in(layout.small, len(lines)) + 0.2
    figure = Figure(figsize=(layout.width_in, _even_px(body_in + notes_in)), layout="constrained")
    top, bottom = figure.subfigures(2, 1, height_ratios=[body_in, notes_in])
    bottom.text(
        0.98 if rtl else 0.02,
        1.0,
        "\n".join(lines),
        ha="right" if rtl else "left",
        va="top",
        fontsize=layout.small,
        color=INK,
        multialignment="right" if rtl else "left",
        transform=bottom.transSubfigure,
    )
    return figure, top


def _title(fig: FigureBase, title: str, lang: str, layout: Layout) -> int:
    """The chart's title, left-aligned (right in Arabic) over the whole width; its lines."""
    rtl = lang == "ar"
    lines = _lines(title, lang, layout.width_in * 72 * 0.96, layout.title, "bold")
    fig.suptitle(
        "\n".join(lines),
        x=0.98 if rtl else 0.02,
        ha="right" if rtl else "left",
        fontsize=layout.title,
        fontweight="bold",
        multialignment="right" if rtl else "left",
    )
    return len(lines)


def _overhead(layout: Layout, title_lines: int, legend_rows: int = 0, xticks_in=None) -> float:
    """Height, in inches, of what is not the plot: title, x axis, legend, margins."""
    xticks = _line_in(layout.text) if xticks_in is None else xticks_in
    legend = _line_in(layout.small, legend_rows * 1.25) + (0.15 if legend_rows else 0)
    return (
        _line_in(layout.title, title_lines) + 0.12 + xticks + _line_in(layout.label) + 0.25 + legend
    )


def _mirror(ax, lang: str) -> None:
    """Right-to-left layout for Arabic: values grow leftwards, categories on the right, the
    lines of a category's label aligned on the right, where they start."""
    if lang == "ar":
        ax.invert_xaxis()
        ax.yaxis.tick_right()
        ax.yaxis.set_label_position("right")
        for tick in ax.yaxis.get_major_ticks():
            tick.label2.set_multialignment("right")


def _style(ax, layout: Layout) -> None:
    ax.tick_params(labelsize=layout.text)
    ax.xaxis.label.set_fontsize(layout.label)
    ax.yaxis.label.set_fontsize(layout.label)


def _legend_width(layout: Layout) -> float:
    """The width, in points, a one-column legend's label may take: the picture's less the
    marker, the legend's padding and the page's edge."""
    return layout.width_in * 72 - 64


def _legend(fig: FigureBase, handles, lang: str, layout: Layout, ncols: int = 1) -> None:
    fig.legend(
        handles=handles,
        loc="outside lower center",
        fontsize=layout.small,
        ncols=ncols,
        frameon=False,
        markerfirst=lang != "ar",
    )


def _ids(values: Iterable) -> str:
    return " ".join(dict.fromkeys(str(v) for v in values))


def _evidence(data: pd.DataFrame) -> list[str]:
    return list(dict.fromkeys(i for cell in data["evidence"] for i in str(cell).split()))


# --------------------------------------------------------------------------- notes


def source_line(
    documents: Iterable[str],
    lang: str,
    sources: pd.DataFrame | None = None,
    origins: pd.DataFrame | None = None,
) -> str:
    """The chart's "Source:" line: its documents, those that relay one origin grouped under it.

    Documents relaying one investigation are one source, not several (``sources.origin``,
    ``origins.csv``; :func:`tspolicy.corroborate.corroborate` counts independent origins):
    "Source: the Guardian investigation (27 April 2023), relayed by ar-news-guardian-meta
    and fr-news-guardian-meta; ar-oped-ijm-philippines". A document alone with its origin,
    or of unknown origin (no ``sources``/``origins`` given), is named by itself.
    """
    documents = sorted(dict.fromkeys(str(d) for d in documents))
    relayed: dict[str, list[str]] = {}
    if sources is not None and origins is not None:
        of = dict(
            zip(sources["document_id"].astype(str), sources["origin"].astype(str), strict=True)
        )
        for document in documents:
            relayed.setdefault(of.get(document, ""), []).append(document)
    by_id = origins.set_index(origins["origin_id"].astype(str)) if origins is not None else None
    parts, done = [], set()
    for document in documents:
        origin = next((o for o, docs in relayed.items() if document in docs), "")
        group = relayed.get(origin, [document])
        if origin and len(group) >= 2 and by_id is not None and origin in by_id.index:
            if origin in done:
                continue
            done.add(origin)
            record = by_id.loc[origin]
            label = written(record.get(f"label_{lang}"), lang)
            published = record.get("published")
            if pd.notna(published):
                label = f"{label} ({fmt.date(published, 'day', lang)})"
            parts.append(t("chart.relayed", lang, origin=label, documents=_and(group, lang)))
        else:
            parts.append(document)
    return t("source", lang, sources=join(parts, lang))


def _and(items: Sequence[str], lang: str) -> str:
    """ "a, b and c" in ``lang``; Arabic repeats "و" before each item after the first, joined
    to an Arabic word ("الوثائق وميتا") and apart from a Latin one ("و NCMEC")."""
    items = list(items)
    if len(items) == 1:
        return items[0]
    if lang == "ar":
        return items[0] + "".join(
            f" و{'' if _ARABIC_RE.match(item) else ' '}{item}" for item in items[1:]
        )
    return f"{_comma(lang).join(items[:-1])} {t('and', lang)} {items[-1]}"


def source_notes(
    rows: pd.DataFrame,
    metrics: pd.DataFrame,
    lang: str,
    checks: pd.DataFrame | None,
    extra: Iterable[str] = (),
    sources: pd.DataFrame | None = None,
    origins: pd.DataFrame | None = None,
) -> list[str]:
    """Source line (:func:`source_line`), primary source, the metrics' caveats and
    non-matching verdicts."""
    primaries = primary_sources(rows, lang)
    notes = [source_line(rows["document_id"], lang, sources, origins)]
    if primaries:
        notes.append(t("primary", lang, primary=join(primaries, lang)))
    for metric in dict.fromkeys(rows["metric"].astype(str)):
        notes.append(t("caveat", lang, caveat=metric_text(metrics, metric, "caveat", lang)))
    notes.extend(extra)
    notes.extend(_verdict_notes(rows, lang, checks))
    return notes


def _verdict_notes(rows: pd.DataFrame, lang: str, checks: pd.DataFrame | None) -> list[str]:
    if checks is None:
        return []
    verdicts = checks.set_index("claim")["verdict"].astype(str)
    notes = []
    for claim in dict.fromkeys(rows["claim"].astype(str)):
        verdict = verdicts.get(claim, "unverified")
        if verdict != "matches":
            group = rows[rows["claim"] == claim].iloc[0]
            subject = subject_name(rows, str(group["subject"]), lang)
            amount = fmt.quantity(
                float(group["value"]), str(group["qualifier"]), str(group["unit"]), lang
            )
            if str(group.get("period_from")) == "primary_source":  # the document dropped it
                amount += fmt.figure_period(group.get("period"), "primary_source", lang)
            notes.append(
                t(
                    "chart.verdict_note",
                    lang,
                    subject=subject,
                    amount=amount,
                    verdict=t(f"verdict.{verdict}", lang),
                )
            )
    return notes


def verdict_of(checks: pd.DataFrame | None, claim: str) -> str:
    """The primary-source verdict of a claim ('unverified' when no check names it)."""
    if checks is None:
        return "unverified"
    match = checks.loc[checks["claim"] == claim, "verdict"]
    return str(match.iloc[0]) if len(match) else "unverified"


# --------------------------------------------------------------------------- platform shares


#: A platform's bar: its share of the row's height.
BAR = 0.7
#: The cases a primary source counted, for the title of a chart of its figures alone (a
#: title is lifted without its notes): the key suffix of its ``chart.shares.title…`` string.
SCOPES = {"Human Trafficking Institute, 2020 Federal Human Trafficking Report": "_hti"}


def platform_shares(
    figures: pd.DataFrame,
    metrics: pd.DataFrame,
    *,
    lang: str = "en",
    year: int | str | None = None,
    highlight: str | None = None,
    checks: pd.DataFrame | None = None,
    sources: pd.DataFrame | None = None,
    origins: pd.DataFrame | None = None,
    layout: str = "wide",
    notes_in_image: bool = False,
) -> Chart:
    """Platforms' shares of child recruitment, and their ranks where only the order is known.

    Parameters
    ----------
    figures, metrics
        The dataset's tables.
    lang
        "en", "fr" or "ar".
    year
        Keep the claims of this period (undated repetitions of a dated claim count as dated).
    highlight
        A platform drawn in the accent colour; the others are grey.
    checks
        ``primary_checks`` table: claims whose verdict is not ``matches`` are noted.
    layout, notes_in_image
        How :attr:`Chart.figure` is drawn (every chart function takes them; see
        :meth:`Chart.draw`).
    """
    check_language(lang)
    rows = selection.shares(figures, year)
    if rows.empty:
        raise ChartDataError(
            f"no platform shares or ranks{f' for {year}' if year else ''} in the data"
        )
    table = []
    for subject, group in rows.groupby("subject", observed=True):
        ranks = group[group["metric"] == RANK]
        shares = group[group["metric"] == SHARE]
        rank = selection.consensus(ranks)["value"] if len(ranks) else np.nan
        share = selection.consensus(shares) if len(shares) else None
        table.append(
            {
                "subject": str(subject),
                "rank": rank,
                "share": share["value"] if share is not None else np.nan,
                "qualifier": share["qualifier"] if share is not None else "",
                "evidence": _ids(group["figure_id"]),
            }
        )
    data = pd.DataFrame(table).sort_values(
        ["rank", "share"], ascending=[True, False], na_position="last"
    )
    data = data.reset_index(drop=True)
    period = str(year) if year is not None else selection.single(rows["claim_period"])
    scope = SCOPES.get(selection.single(rows["primary_source"].astype(str)) or "")
    title = (
        t(f"chart.shares.title{scope or ''}", lang, year=period)
        if period
        else t("chart.shares.title_undated", lang)
    )
    notes = source_notes(rows, metrics, lang, checks, (), sources, origins)
    rtl = lang == "ar"

    def labels(i: int, row) -> str:
        rank_text = fmt.value(row["rank"], "rank", lang) if not np.isnan(row["rank"]) else ""
        if np.isnan(row["share"]):
            return t("chart.shares.rank_only", lang, rank=rank_text)
        share_text = fmt.bound(row["share"], row["qualifier"], "percent", lang)
        return f"{share_text} · {rank_text}" if rank_text else share_text

    def draw(spec: Layout, with_notes: bool) -> Figure:
        names = [
            _label(subject_name(figures, s, lang), lang, spec.width_in * 72 * 0.3, spec.text)
            for s in data["subject"]
        ]
        # the plot's width: what the category names leave (no y-axis label: the names and
        # the "rank" in each bar's label say it; a rotated one ran into the title)
        plot_pt = (
            spec.width_in * 72
            - max(text_width(_plain(n), spec.text) for n in "\n".join(names).split("\n"))
            - 40
        )

        # a share's label on one line (beside its bar, or inside it); "rank 2; share not
        # reported" wrapped to the plot's width
        def fits(text: str, share: float) -> tuple[bool, bool]:
            """Whether ``text`` fits beside a bar of ``share``, and inside it."""
            width = max(text_width(line, spec.text) for line in _plain(text).split("\n"))
            needed = (width + 4) / plot_pt * 100
            return share + 1.5 + needed <= 99, share - 1.5 - needed >= 0

        # a share's label beside its bar, or inside it, on a second line for the rank if one
        # is too long; "rank 2; share not reported" wrapped to the plot's width
        bar_labels, inside = [], []
        for i, row in data.iterrows():
            if np.isnan(row["share"]):
                bar_labels.append(_label(labels(i, row), lang, plot_pt * 0.9, spec.text))
                inside.append(False)
                continue
            one = labels(i, row)
            candidates = [one, one.replace(" · ", "\n")]
            placed = [(text, fits(text, row["share"])) for text in dict.fromkeys(candidates)]
            text, is_inside = next(
                ((text, False) for text, (out, _) in placed if out),
                next(((text, True) for text, (_, inn) in placed if inn), (candidates[-1], True)),
            )
            bar_labels.append(_label(text, lang))
            inside.append(is_inside)
        lines = max(n.count("\n") + 1 for n in [*names, *bar_labels])
        row_in = max((_line_in(spec.text, lines) + 0.14) / BAR, 0.42)  # a bar holds its label
        title_lines = len(_lines(title, lang, spec.width_in * 72 * 0.96, spec.title, "bold"))
        body = _overhead(spec, title_lines) + row_in * len(data)
        with _rc(lang):
            figure, fig = _canvas(lang, spec, body, notes, with_notes)
            ax = fig.add_subplot()
            _style(ax, spec)
            for i, row in data.iterrows():
                colour = PALETTE[0] if highlight in (None, row["subject"]) else NEUTRAL
                if highlight is not None and row["subject"] == highlight:
                    colour = PALETTE[1]
                label = bar_labels[i]
                if not np.isnan(row["share"]):
                    ax.barh(i, row["share"], color=colour, height=BAR)
                    x, colour_text = row["share"] + 1.5, "black"
                    if inside[i]:  # beside the bar it would cross the frame
                        x, colour_text = row["share"] - 1.5, "white"
                else:  # the order is known, the share is not: an empty, dotted outline
                    ax.barh(i, 100, color="none", edgecolor=colour, linestyle=":", height=BAR)
                    x, colour_text = 1.5, INK
                ax.text(
                    x,
                    i,
                    label,
                    va="center",
                    ha="left" if rtl == inside[i] else "right",
                    multialignment="right" if rtl else "left",
                    fontsize=spec.text,
                    color=colour_text,
                )
            ax.set_yticks(range(len(data)), names)
            ax.grid(axis="y", visible=False)  # a line through each label says nothing
            ax.set_ylim(len(data) - 0.5, -0.5)
            ax.set_xlim(0, 100)
            # wrapped to the plot's width: the label is centred under the plot, not the chart
            ax.set_xlabel(
                _label(
                    f"{metric_text(metrics, SHARE, 'label', lang)} (%)",
                    lang,
                    plot_pt * 0.95,
                    spec.label,
                )
            )
            _title(fig, title, lang, spec)
            _mirror(ax, lang)
        return figure

    top = data.iloc[0]
    top_name = subject_name(figures, str(top["subject"]), lang)
    if np.isnan(top["share"]):
        alt = t("chart.shares.alt_rank", lang, title=title, top=top_name)
    else:
        share = fmt.quantity(top["share"], str(top["qualifier"]), "percent", lang)
        alt = t("chart.shares.alt", lang, title=title, top=top_name, share=share)
    return _chart("platform_shares", lang, title, alt, data, notes, draw, layout, notes_in_image)


def _chart(kind, lang, title, alt, data, notes, draw, layout, notes_in_image) -> Chart:
    """The Chart, its ``figure`` drawn in ``layout``; ``draw`` kept to draw the others."""
    spec = _layout(layout)
    figure = draw(spec, bool(notes_in_image))
    chart = Chart(kind, lang, figure, title, alt, data, notes, _evidence(data), draw)
    chart._figures[spec.name, bool(notes_in_image)] = figure
    return chart


# --------------------------------------------------------------------------- enforcement


def enforcement_outcomes(
    figures: pd.DataFrame,
    metrics: pd.DataFrame,
    *,
    lang: str = "en",
    organisation: str | None = None,
    country: str | None = None,
    checks: pd.DataFrame | None = None,
    sources: pd.DataFrame | None = None,
    origins: pd.DataFrame | None = None,
    layout: str = "wide",
    notes_in_image: bool = False,
) -> Chart:
    """Victims rescued, traffickers arrested, people convicted: lower bounds, never rates.

    Parameters
    ----------
    organisation
        Subject of the figures (e.g. "International Justice Mission (IJM)"); default: the
        only one in the data.
    country
        Geography of the figures (e.g. "Philippines"); default: the only one in the data.
    """
    check_language(lang)
    rows = selection.enforcement(figures, organisation, country)
    if rows.empty:
        raise ChartDataError(
            f"no enforcement figures for organisation={organisation!r}, country={country!r}"
        )
    records = []
    for metric in ENFORCEMENT:
        group = rows[rows["metric"] == metric]
        if len(group):
            record = selection.consensus(group)
            record["evidence"] = _ids(group["figure_id"])
            records.append(record)
    data = pd.DataFrame(records).reset_index(drop=True)
    organisation = organisation or selection.single(rows["subject"])
    country = country or selection.single(rows["geography"])
    starts = rows["period_start"].dropna()
    start = str(int(starts.min())) if len(starts) else "?"
    title = t(
        "chart.enforcement.title",
        lang,
        organisation=after_by(organisation, subject_name(figures, organisation, lang), lang),
        country=name("country", country, lang),
        start=start,
    )
    extra = [t("chart.enforcement.note", lang)] if set(data["qualifier"]) & LOWER_BOUNDS else []
    notes = source_notes(rows, metrics, lang, checks, extra, sources, origins)
    vmax = float(data["value"].max())
    rtl = lang == "ar"

    def draw(spec: Layout, with_notes: bool) -> Figure:
        names = [
            _label(
                metric_text(metrics, str(m), "label", lang),
                lang,
                spec.width_in * 72 * 0.34,
                spec.text,
            )
            for m in data["metric"]
        ]
        lines = max(n.count("\n") + 1 for n in names)
        row_in = max(_line_in(spec.text, lines) + 0.25, 0.5)
        title_lines = len(_lines(title, lang, spec.width_in * 72 * 0.96, spec.title, "bold"))
        body = _overhead(spec, title_lines) + row_in * len(data)
        texts = [
            fmt.bound(float(r["value"]), r["qualifier"], r["unit"], lang)
            for _, r in data.iterrows()
        ]
        # room for the labels right of the bars: the plot is about what the tick labels leave
        plot_pt = (
            spec.width_in * 72 * 0.97
            - max(text_width(_plain(n), spec.text) for n in "\n".join(names).split("\n"))
            - 30
        )
        label_frac = max(text_width(x, spec.text, "bold") for x in texts) / plot_pt
        xmax = vmax * 1.16 / max(1 - label_frac - 0.02, 0.4)
        with _rc(lang):
            figure, fig = _canvas(lang, spec, body, notes, with_notes)
            ax = fig.add_subplot()
            _style(ax, spec)
            for i, row in data.iterrows():
                value = float(row["value"])
                ax.barh(i, value, color=PALETTE[0], height=0.55)
                end = value
                if row["qualifier"] in LOWER_BOUNDS:
                    end = value + 0.12 * vmax  # an open end: the true number lies beyond the bar
                    ax.annotate(
                        "",
                        xy=(end, i),
                        xytext=(value, i),
                        arrowprops={
                            "arrowstyle": "-|>",
                            "linestyle": "--",
                            "color": PALETTE[0],
                            "lw": 1.5,
                        },
                    )
                ax.text(
                    end + 0.02 * vmax,
                    i,
                    _label(texts[i], lang),
                    va="center",
                    ha="right" if rtl else "left",
                    fontweight="bold",
                    fontsize=spec.text,
                )
            ax.set_yticks(range(len(data)), names)
            ax.set_ylim(len(data) - 0.5, -0.5)
            ax.set_xlim(0, xmax)
            ax.set_xlabel(_label(t("chart.enforcement.xlabel", lang), lang, plot_pt, spec.label))
            ax.xaxis.set_major_locator(mpl.ticker.MaxNLocator(4 if spec.name == "narrow" else 6))
            ax.xaxis.set_major_formatter(mpl.ticker.FuncFormatter(lambda x, _: fmt.number(x, lang)))
            _title(fig, title, lang, spec)
            _mirror(ax, lang)
        return figure

    top = data.loc[data["value"].astype(float).idxmax()]
    alt = t(
        "chart.enforcement.alt",
        lang,
        title=title,
        metric=metric_text(metrics, str(top["metric"]), "label", lang),
        quantity=fmt.quantity(float(top["value"]), top["qualifier"], top["unit"], lang),
    )
    return _chart(
        "enforcement_outcomes", lang, title, alt, data, notes, draw, layout, notes_in_image
    )


# --------------------------------------------------------------------------- content counts


@dataclass(frozen=True)
class Comparison:
    """A context series reduced to one value per platform, to draw beside the documents'."""

    label: str
    values: dict[str, float]
    caveat: str
    citation: str
    series: str = ""  # the context series' name ("meta_content_actioned", …)


#: Quarters said as months ("2022Q1", "2022Q3" → "January – September 2022").
quarter_span = fmt.quarter_span


def meta_comparison(
    series: ContextSeries,
    lang: str,
    first: str,
    last: str,
    areas: Sequence[str] | None = None,
) -> Comparison:
    """Meta's content actioned per app, summed over quarters ``first``..``last``."""
    return Comparison(
        t("context.meta_content_actioned.label", lang, period=quarter_span(first, last, lang)),
        selection.meta_totals(series, first, last, areas),
        t("context.meta_content_actioned.caveat", lang),
        series.citation(),
        "meta_content_actioned",
    )


def ncmec_comparison(series: ContextSeries, lang: str, year: int) -> Comparison:
    """NCMEC CyberTipline reports per provider in ``year`` (a provider's entries summed)."""
    values = selection.ncmec_reports(series, year)
    if not values:
        raise ChartDataError(f"no NCMEC reports for {year}")
    return Comparison(
        t("context.ncmec_reports_by_platform.label", lang, year=year),
        values,
        t("context.ncmec_reports_by_platform.caveat", lang),
        series.citation(),
        "ncmec_reports_by_platform",
    )


def comparisons(
    rows: pd.DataFrame,
    series: Mapping[str, ContextSeries],
    lang: str,
    ncmec_year: int | None = None,
) -> list[Comparison]:
    """The context a counts chart of ``rows`` shows beside them, from the series given: Meta's
    child-endangerment content actioned over the quarters the rows' periods span, and NCMEC's
    CyberTipline reports of ``ncmec_year`` (default: the last year of those periods)."""
    out = []
    span = selection.window(rows)
    if "meta_content_actioned" in series and span:
        meta = series["meta_content_actioned"]
        out.append(meta_comparison(meta, lang, *span, areas=CHILD_ENDANGERMENT))
    year = ncmec_year if ncmec_year is not None else selection.window_year(rows)
    if "ncmec_reports_by_platform" in series and year is not None:
        out.append(ncmec_comparison(series["ncmec_reports_by_platform"], lang, year))
    return out


#: The context series a counts chart can show (see :func:`comparisons`).
CONTEXT_SERIES = ("meta_content_actioned", "ncmec_reports_by_platform")


def default_context(
    lang: str, data_dir: str | os.PathLike[str] | None = None, ncmec_year: int | None = None
) -> list[Comparison]:
    """The context the counts chart shows by default (:func:`comparisons` of every content
    figure, with both series loaded from ``data_dir``)."""
    ds = load_dataset(data_dir)
    series = {name: load_context(name, data_dir) for name in CONTEXT_SERIES}
    return comparisons(selection.content(ds.figures), series, lang, ncmec_year)


def content_counts(
    figures: pd.DataFrame,
    metrics: pd.DataFrame,
    *,
    lang: str = "en",
    platforms: Sequence[str] | None = None,
    context: Sequence[Comparison] = (),
    scale: str = "auto",
    checks: pd.DataFrame | None = None,
    sources: pd.DataFrame | None = None,
    origins: pd.DataFrame | None = None,
    layout: str = "wide",
    notes_in_image: bool = False,
) -> Chart:
    """Content and report counts per platform as the documents give them, beside context series.

    One row per platform and series; each series has its own colour and marker, and its
    legend label says what it counts and over which period (Meta's nine months are not
    NCMEC's year). On a log axis the values are dots; on a linear one, bars from zero.

    Parameters
    ----------
    platforms
        Platforms to show; default every platform with a content figure.
    context
        :class:`Comparison` series drawn beside the documents' figures (see
        :func:`meta_comparison`, :func:`ncmec_comparison`).
    scale
        "linear", "log", or "auto": log when the largest value is more than 10 times the
        smallest.
    """
    check_language(lang)
    if scale not in {"auto", "linear", "log"}:
        raise ValueError(f"scale '{scale}' is not one of auto, linear, log")
    rows = selection.content(figures, platforms)
    if rows.empty:
        raise ChartDataError(f"no content counts for platforms {platforms}")
    subjects = sorted(rows["subject"].astype(str).unique())
    series_labels = [t("chart.counts.documents", lang), *(c.label for c in context)]
    records = []
    for subject in subjects:
        mentions = rows[rows["subject"] == subject]
        documents = selection.consensus(mentions)
        records.append(
            {
                "subject": subject,
                "series": series_labels[0],
                "value": float(documents["value"]),
                "qualifier": documents["qualifier"],
                "evidence": _ids(mentions["figure_id"]),
            }
        )
        for comparison in context:
            if subject in comparison.values:
                records.append(
                    {
                        "subject": subject,
                        "series": comparison.label,
                        "value": float(comparison.values[subject]),
                        "qualifier": "exact",
                        "evidence": "",  # a context series: no figure of the dataset
                    }
                )
    data = pd.DataFrame(records)
    positive = data["value"][data["value"] > 0]
    log = scale == "log" or (scale == "auto" and positive.max() > 10 * positive.min())
    data = data.assign(log=log)
    who = [c.series for c in context]
    if who and all(f"chart.counts.from.{w}" in strings() for w in who):  # says whose figures
        names = [t(f"chart.counts.from.{w}", lang) for w in ["documents", *who]]
        title = t("chart.counts.title_context", lang, sources=_and(names, lang))
    else:
        title = t("chart.counts.title", lang)
    extra = [t("caveat", lang, caveat=c.caveat) for c in context]
    extra += [
        t("context_source", lang, citation=cite)
        for cite in dict.fromkeys(c.citation for c in context)
    ]
    notes = source_notes(rows, metrics, lang, checks, extra, sources, origins)
    rtl = lang == "ar"
    # one row per mark, platforms apart by a gap
    gap = 0.7
    ys, y = [], -1.0
    for i, row in data.iterrows():
        y += 1 + (gap if i and row["subject"] != data["subject"].iloc[i - 1] else 0)
        ys.append(y)
    centres = [float(np.mean([ys[i] for i in data.index[data["subject"] == s]])) for s in subjects]
    texts = [fmt.bound(r["value"], r["qualifier"], "items", lang) for _, r in data.iterrows()]

    def draw(spec: Layout, with_notes: bool) -> Figure:
        names = [_label(subject_name(figures, s, lang), lang) for s in subjects]
        legend = [_label(s, lang, _legend_width(spec), spec.small) for s in series_labels]
        legend_rows = sum(s.count("\n") + 1 for s in legend)
        title_lines = len(_lines(title, lang, spec.width_in * 72 * 0.96, spec.title, "bold"))
        row_in = _line_in(spec.text) + 0.14
        body = _overhead(spec, title_lines, legend_rows) + row_in * (ys[-1] + 1)
        plot_pt = (
            spec.width_in * 72 * 0.97 - max(text_width(_plain(n), spec.text) for n in names) - 24
        )
        fracs = [text_width(x, spec.text) / plot_pt + 0.02 for x in texts]
        lower = [q in LOWER_BOUNDS for q in data["qualifier"]]
        with _rc(lang):
            figure, fig = _canvas(lang, spec, body, notes, with_notes)
            ax = fig.add_subplot()
            _style(ax, spec)
            handles = []
            for j in range(len(series_labels)):
                colour, marker = PALETTE[j % len(PALETTE)], MARKERS[j % len(MARKERS)]
                if log:
                    handles.append(
                        Line2D([], [], color=colour, marker=marker, ls="", ms=7, label=legend[j])
                    )
                else:
                    handles.append(mpl.patches.Patch(color=colour, label=legend[j]))
            if log:
                xmin = positive.min() / 3
                ends = [
                    v * (2.0 if low else 1.0) for v, low in zip(data["value"], lower, strict=True)
                ]
                # the largest x that leaves every label, right of its dot, inside the plot
                a = math.log10(xmin)
                x_hi = max(
                    (math.log10(e * 1.25) - f * a) / (1 - f)
                    for e, f in zip(ends, fracs, strict=True)
                )
                xmax = 10**x_hi
            else:
                xmin = 0
                pad = data["value"].max() * 0.02
                ends = [
                    v + (data["value"].max() * 0.12 if low else 0)
                    for v, low in zip(data["value"], lower, strict=True)
                ]
                xmax = max((e + pad) / (1 - f) for e, f in zip(ends, fracs, strict=True))
            for i, row in data.iterrows():
                j = series_labels.index(row["series"])
                colour, marker = PALETTE[j % len(PALETTE)], MARKERS[j % len(MARKERS)]
                value, y = row["value"], ys[i]
                if log:  # a dot: on a log axis a bar's length means nothing
                    ax.plot([value], [y], marker=marker, ms=7, color=colour, ls="", zorder=3)
                    start, at = value, ends[i] * 1.25
                else:  # a bar, from zero
                    ax.barh(y, value, height=0.8, color=colour)
                    start, at = value, ends[i] + data["value"].max() * 0.02
                if lower[i]:  # a lower bound: an open end, the true number lies beyond
                    ax.annotate(
                        "",
                        xy=(ends[i], y),
                        xytext=(start, y),
                        arrowprops={
                            "arrowstyle": "-|>",
                            "linestyle": "--",
                            "color": colour,
                            "lw": 1.3,
                            "shrinkA": 4,
                            "shrinkB": 0,
                        },
                    )
                ax.text(
                    at,
                    y,
                    _label(texts[i], lang),
                    va="center",
                    ha="right" if rtl else "left",
                    fontsize=spec.text,
                )
            if log:
                ax.set_xscale("log")
                ax.xaxis.set_minor_formatter(mpl.ticker.NullFormatter())
                if spec.name == "narrow":  # every dot is labelled; decades would overlap
                    ax.xaxis.set_major_formatter(mpl.ticker.NullFormatter())
            ax.set_xlim(xmin, xmax)
            top = data["value"].max() * 1.5  # no tick label in the room kept for the labels
            if not (log and spec.name == "narrow"):
                ax.xaxis.set_major_formatter(
                    mpl.ticker.FuncFormatter(
                        lambda x, _: fmt.count(x, lang) if 1 <= x <= top or not log else ""
                    )
                )
            if not log:
                ax.xaxis.set_major_locator(
                    mpl.ticker.MaxNLocator(3 if spec.name == "narrow" else 5)
                )
            ax.set_yticks(centres, names)
            ax.set_ylim(ys[-1] + 0.6, -0.6)
            xlabel = t("chart.counts.xlabel", lang)
            ax.set_xlabel(
                _label(
                    f"{xlabel} ({t('chart.counts.log', lang)})" if log else xlabel,
                    lang,
                    plot_pt * 0.95,
                    spec.label,
                )
            )
            _legend(fig, handles, lang, spec)
            _title(fig, title, lang, spec)
            _mirror(ax, lang)
        return figure

    documents = data[data["series"] == series_labels[0]]
    top = documents.loc[documents["value"].idxmax()]
    alt = t(
        "chart.counts.alt_context" if context else "chart.counts.alt",
        lang,
        kind=t("chart.counts.dots" if log else "chart.counts.bars", lang),
        title=title,
        subject=subject_name(figures, str(top["subject"]), lang),
        quantity=fmt.quantity(top["value"], str(top["qualifier"]), "items", lang),
    )
    return _chart("content_counts", lang, title, alt, data, notes, draw, layout, notes_in_image)


# --------------------------------------------------------------------------- source coverage


def source_coverage(
    figures: pd.DataFrame,
    metrics: pd.DataFrame,
    sources: pd.DataFrame,
    *,
    lang: str = "en",
    checks: pd.DataFrame | None = None,
    origins: pd.DataFrame | None = None,
    layout: str = "wide",
    notes_in_image: bool = False,
) -> Chart:
    """Which document reports which claim; claims corroborated by several documents first.

    The dot's colour is the claim's primary-source verdict when ``checks`` is given; its
    size, the number of the document's mentions of the claim.
    """
    check_language(lang)
    claims = corroborate(figures)
    claims = claims.assign(multi=claims["n_documents"] >= 2)
    claims = claims.sort_values(
        ["multi", "n_documents", "claim"], ascending=[False, False, True]
    ).reset_index(drop=True)
    documents = list(sources["document_id"].astype(str))
    title = t("chart.coverage.title", lang)
    # mentions per (claim, document), gathered once: linear in the number of figures
    ids = (
        figures.assign(claim=claim_keys(figures), document_id=figures["document_id"].astype(str))
        .groupby(["claim", "document_id"], observed=True)["figure_id"]
        .agg(list)
    )
    records = [
        {
            "claim": claim["claim"],
            "row": i,
            "document_id": doc,
            "mentions": len(ids[claim["claim"], doc]),
            "evidence": _ids(ids[claim["claim"], doc]),
        }
        for i, claim in claims.iterrows()
        for doc in claim["documents"]
    ]
    data = pd.DataFrame(records)
    n_multi = int(claims["multi"].sum())
    groups = 0 < n_multi < len(claims)  # a header row over each group
    notes = [source_line(documents, lang, sources, origins)]
    rtl = lang == "ar"
    claim_texts = []
    for _, claim in claims.iterrows():
        label = metric_text(metrics, claim["metric"], "label", lang)
        subject = subject_name(figures, claim["subject"], lang)
        period = f"{_comma(lang)}{fmt.period(claim['period'], lang)}" if claim["period"] else ""
        claim_texts.append(f"{label} — {subject}{period}")
    colours = [
        VERDICT_COLOURS[verdict_of(checks, c)] if checks is not None else PALETTE[0]
        for c in data["claim"]
    ]

    def draw(spec: Layout, with_notes: bool) -> Figure:
        size = spec.small
        # narrow: each claim's label on lines of its own over the plot's width, its dots on
        # the row under it; wide: the labels beside the rows, as tick labels
        under = spec.name == "narrow"
        width = spec.width_in * 72 - PLOT_MARGIN_PT - 14 if under else spec.width_in * 72 * 0.55
        labels = [_label(text, lang, width, size) for text in claim_texts]
        headers = [
            _label(t(f"chart.coverage.{key}", lang), lang, width, size, "bold")
            for key in ("corroborated", "single")
        ]
        # rows as tall as their labels, in units of one line
        ticks, tick_labels, positions, bold, tops = [], [], [], [], []
        y = 0.0

        def add(text: str, header: bool) -> float:
            nonlocal y
            n = text.count("\n") + 1
            if under:  # the label, then the dots' row under it
                n *= ARABIC_LEADING if rtl else 1
                tops.append(y + 0.2)
                centre = y + n + 0.2 + 0.75
                y += n + 0.2 + 1.5 if not header else n + 0.6
            else:
                centre = y + (n + 0.6) / 2
                y += n + 0.6
            ticks.append(centre)
            tick_labels.append(text)
            bold.append(header)
            return centre

        for i, label in enumerate(labels):
            if groups and i == 0:
                add(headers[0], True)
            if groups and i == n_multi:
                y += 0.4
                add(headers[1], True)
            positions.append(add(label, False))
        doc_width = max(text_width(d, size) for d in documents)
        angle = 90 if under else 40  # upright in the narrow drawing: none runs off its side
        xticks_in = (doc_width * math.sin(math.radians(angle)) + size) / 72
        # the verdicts the legend explains, each wrapped to the chart's width (a long one
        # would run off both edges of the narrow drawing)
        present = (
            [v for v in VERDICT_COLOURS if v in {verdict_of(checks, c) for c in data["claim"]}]
            if checks is not None
            else []
        )
        legend = [
            _label(t(f"verdict_legend.{v}", lang), lang, _legend_width(spec), spec.small)
            for v in present
        ]
        legend_rows = sum(x.count("\n") + 1 for x in legend)
        title_lines = len(_lines(title, lang, spec.width_in * 72 * 0.96, spec.title, "bold"))
        body = _overhead(spec, title_lines, legend_rows, xticks_in) + _line_in(size, y) + 0.1
        if under:  # the documents above the plot too
            body += xticks_in
        with _rc(lang):
            figure, fig = _canvas(lang, spec, body, notes, with_notes)
            ax = fig.add_subplot()
            _style(ax, spec)
            scale = (spec.small / 8) ** 2
            ax.scatter(
                [documents.index(d) for d in data["document_id"]],
                [positions[r] for r in data["row"]],
                s=(30 + 25 * (data["mentions"] - 1)) * scale,
                c=colours,
                zorder=3,
            )
            if under:
                rows = [c for c, header in zip(ticks, bold, strict=True) if not header]
                ax.set_yticks(rows, [""] * len(rows))  # a grid line through each dots' row
                for top, text, header in zip(tops, tick_labels, bold, strict=True):
                    ax.text(
                        0.99 if rtl else 0.01,
                        top,
                        text,
                        va="top",
                        ha="right" if rtl else "left",
                        fontsize=size,
                        fontweight="bold" if header else "normal",
                        multialignment="right" if rtl else "left",
                        transform=ax.get_yaxis_transform(),
                        bbox={"facecolor": "white", "edgecolor": "none", "pad": 1},
                        in_layout=False,
                        zorder=4,
                    )
            else:
                ax.set_yticks(ticks, tick_labels, fontsize=size)
                for tick, header in zip(ax.yaxis.get_major_ticks(), bold, strict=True):
                    if header:
                        tick.label1.set_fontweight("bold")
                        tick.label2.set_fontweight("bold")
                for centre, header in zip(ticks, bold, strict=True):
                    if header:  # no grid line through a header
                        ax.axhspan(centre - 0.5, centre + 0.5, color="white", zorder=2)
            if under:  # a phone shows the top of a tall chart first: the documents there too
                ax.set_xticks(
                    range(len(documents)), documents, rotation=90, ha="center", fontsize=size
                )
                ax.tick_params(axis="x", labeltop=True)
                for tick in ax.xaxis.get_major_ticks():
                    tick.label2.set(rotation=90, ha="center", va="bottom")
            else:
                ax.set_xticks(
                    range(len(documents)),
                    [_label(d, lang) for d in documents],
                    rotation=-angle if rtl else angle,
                    ha="left" if rtl else "right",
                    rotation_mode="anchor",
                    fontsize=size,
                )
            ax.set_ylim(y, 0)
            ax.set_xlim(-0.5, len(documents) - 0.5)
            if present:
                handles = [
                    Line2D([], [], marker="o", ls="", color=VERDICT_COLOURS[v], label=label)
                    for v, label in zip(present, legend, strict=True)
                ]
                _legend(fig, handles, lang, spec)
            ax.set_xlabel(_axis_label(t("chart.coverage.xlabel", lang), lang, spec))
            if not under:  # narrow: each label says it is a claim's
                ax.set_ylabel(_label(t("chart.coverage.ylabel", lang), lang))
            _title(fig, title, lang, spec)
            _mirror(ax, lang)
            if under:  # the rows' ticks have no label
                ax.tick_params(axis="y", left=False, right=False)
        return figure

    alt = t(
        "chart.coverage.alt",
        lang,
        title=title,
        corroborated=fmt.number(n_multi, lang),
        single=fmt.number(len(claims) - n_multi, lang),
    )
    return _chart("source_coverage", lang, title, alt, data, notes, draw, layout, notes_in_image)


# --------------------------------------------------------------------------- timeline


def timeline(
    events: pd.DataFrame,
    *,
    lang: str = "en",
    sources: pd.DataFrame | None = None,
    origins: pd.DataFrame | None = None,
    layout: str = "wide",
    notes_in_image: bool = False,
) -> Chart:
    """The dated events, in order; an inferred date is drawn hollow; a year or month as a span."""
    check_language(lang)
    if events.empty:
        raise ChartDataError("no events in the data")
    data = selection.events(events)
    data = data.assign(evidence=data["event_id"].astype(str))
    title = t("chart.timeline.title", lang)
    notes = [source_line(data["document_id"], lang, sources, origins)]
    start, end = data["date"].min(), data["date"].max()
    span = (end - start) or pd.Timedelta(days=365)
    pad = span * 0.08
    xmin, xmax = start - pad, end + pad
    rtl = lang == "ar"
    texts, stops = [], []
    for _, event in data.iterrows():
        when, precision = event["date"], str(event["date_precision"])
        stops.append(
            when
            + (
                pd.DateOffset(years=1)
                if precision == "year"
                else pd.DateOffset(months=1)
                if precision == "month"
                else pd.Timedelta(0)
            )
        )
        texts.append(f"{fmt.date(when, precision, lang)} — {event_text(event, lang)}")

    def fraction(when) -> float:
        return (when - xmin) / (xmax - xmin)

    def draw(spec: Layout, with_notes: bool) -> Figure:
        size = spec.small
        # the plot spans the width less the layout's pads (the labels are not in the layout)
        plot_pt = spec.width_in * 72 - PLOT_MARGIN_PT
        gap = (xmax - xmin) * 8 / plot_pt  # 8 pt between a dot and its text
        # narrow: each label on lines of its own under its dot, over the plot's width; wide:
        # beside its dot, on the side with more room, wrapped to that room
        under = spec.name == "narrow"
        sides, labels = [], []
        for i, event in data.iterrows():
            room_right = (1 - fraction(stops[i])) * plot_pt - 16
            room_left = fraction(event["date"]) * plot_pt - 16
            right = room_right >= room_left
            sides.append(right)
            room = plot_pt - 12 if under else max(room_right, room_left)
            labels.append(_label(texts[i], lang, room, size))
        if under:  # a row for the dot, then the label's lines
            leading = ARABIC_LEADING if rtl else 1
            heights = [(label.count("\n") + 1) * leading + 1.9 for label in labels]
            positions = list(np.cumsum(heights) - np.array(heights) + 0.8)
        else:
            heights = [label.count("\n") + 1 + 0.7 for label in labels]
            positions = list(np.cumsum(heights) - np.array(heights) / 2)
        total = float(sum(heights))
        legend = [
            _label(t("chart.timeline.stated", lang), lang, _legend_width(spec), size),
            _label(t("chart.timeline.inferred", lang), lang, _legend_width(spec), size),
        ]
        two_columns = (
            sum(max(text_width(line, size) for line in _plain(x).split("\n")) for x in legend) + 80
            < plot_pt
        )
        legend_rows = 1 if two_columns else sum(x.count("\n") + 1 for x in legend)
        title_lines = len(_lines(title, lang, spec.width_in * 72 * 0.96, spec.title, "bold"))
        body = _overhead(spec, title_lines, legend_rows) + _line_in(size, total) + 0.1
        with _rc(lang):
            figure, fig = _canvas(lang, spec, body, notes, with_notes)
            ax = fig.add_subplot()
            _style(ax, spec)
            for i, event in data.iterrows():
                when, y = event["date"], positions[i]
                inferred = bool(event["date_inferred"])
                if stops[i] > when:
                    ax.plot(
                        [when, stops[i]],
                        [y, y],
                        color=PALETTE[0],
                        lw=5,
                        alpha=0.35,
                        solid_capstyle="butt",
                    )
                ax.plot(
                    [when],
                    [y],
                    marker="o",
                    ms=7,
                    color=PALETTE[0],
                    markerfacecolor="white" if inferred else PALETTE[0],
                    zorder=3,
                )
                if under:
                    ax.text(
                        0.98 if rtl else 0.02,
                        y + 0.75,
                        labels[i],
                        va="top",
                        ha="right" if rtl else "left",
                        fontsize=size,
                        multialignment="right" if rtl else "left",
                        transform=ax.get_yaxis_transform(),
                        bbox={"facecolor": "white", "edgecolor": "none", "pad": 1},
                        in_layout=False,
                    )
                    continue
                right = sides[i]
                ax.text(
                    stops[i] + gap if right else when - gap,
                    y,
                    labels[i],
                    va="center",
                    ha="left" if right else "right",
                    fontsize=size,
                    multialignment="right" if rtl else "left",
                    bbox={"facecolor": "white", "edgecolor": "none", "pad": 1},  # over the grid
                    in_layout=False,
                )
            ax.set_ylim(total, 0)
            ax.set_yticks([])
            ax.set_xlim(xmin, xmax)
            ax.xaxis.set_major_locator(mpl.dates.YearLocator(4 if spec.name == "narrow" else 2))
            ax.xaxis.set_major_formatter(mpl.dates.DateFormatter("%Y"))
            if under:  # the years above the plot too: a phone shows its top first
                ax.tick_params(axis="x", labeltop=True)
            ax.set_xlabel(_axis_label(t("chart.timeline.xlabel", lang), lang, spec))
            handles = [
                Line2D([], [], marker="o", ls="", color=PALETTE[0], label=legend[0]),
                Line2D(
                    [],
                    [],
                    marker="o",
                    ls="",
                    color=PALETTE[0],
                    markerfacecolor="white",
                    label=legend[1],
                ),
            ]
            _legend(fig, handles, lang, spec, ncols=2 if two_columns else 1)
            _title(fig, title, lang, spec)
        return figure

    first, last = data.iloc[0], data.iloc[-1]
    alt = t(
        "chart.timeline.alt",
        lang,
        title=title,
        n=fmt.number(len(data), lang),
        first=fmt.date(first["date"], str(first["date_precision"]), lang),
        last=fmt.date(last["date"], str(last["date_precision"]), lang),
    )
    return _chart("timeline", lang, title, alt, data, notes, draw, layout, notes_in_image)


# --------------------------------------------------------------------------- one call


def _shares_of(ds, lang: str, p: Mapping, context: Mapping) -> Chart:
    return platform_shares(
        ds.figures,
        ds.metrics,
        lang=lang,
        year=p.get("year"),
        highlight=p.get("highlight"),
        checks=ds.primary_checks,
        sources=ds.sources,
        origins=ds.origins,
    )


def _enforcement_of(ds, lang: str, p: Mapping, context: Mapping) -> Chart:
    return enforcement_outcomes(
        ds.figures,
        ds.metrics,
        lang=lang,
        organisation=p.get("organisation"),
        country=p.get("country"),
        checks=ds.primary_checks,
        sources=ds.sources,
        origins=ds.origins,
    )


def _counts_of(ds, lang: str, p: Mapping, context: Mapping) -> Chart:
    platforms = p.get("platforms")
    rows = selection.content(ds.figures, platforms)
    return content_counts(
        ds.figures,
        ds.metrics,
        lang=lang,
        platforms=platforms,
        context=comparisons(rows, context, lang, p.get("ncmec_year")) if len(rows) else [],
        scale=p.get("scale", "auto"),
        checks=ds.primary_checks,
        sources=ds.sources,
        origins=ds.origins,
    )


def _coverage_of(ds, lang: str, p: Mapping, context: Mapping) -> Chart:
    return source_coverage(
        ds.figures,
        ds.metrics,
        ds.sources,
        lang=lang,
        checks=ds.primary_checks,
        origins=ds.origins,
    )


def _timeline_of(ds, lang: str, p: Mapping, context: Mapping) -> Chart:
    return timeline(ds.events, lang=lang, sources=ds.sources, origins=ds.origins)


#: Chart kinds, as a report names them (``notebooks/registry.yml``): each draws from the
#: dataset, the report's parameters (those named as its options: ``year``, ``highlight``,
#: ``organisation``, ``country``, ``platforms``, ``scale``, ``ncmec_year``; others are not
#: its business) and the context series the report reads (nothing else).
FOR_REPORT: dict[str, Callable[..., Chart]] = {
    "platform_shares": _shares_of,
    "enforcement_outcomes": _enforcement_of,
    "content_counts": _counts_of,
    "source_coverage": _coverage_of,
    "timeline": _timeline_of,
}
KINDS = tuple(FOR_REPORT)


def for_report(
    kind: str,
    dataset,
    *,
    lang: str = "en",
    parameters: Mapping | None = None,
    context: Mapping[str, ContextSeries] | None = None,
) -> Chart:
    """Draw chart ``kind`` as a report shows it: from ``dataset``, the report's
    ``parameters`` and the ``context`` series it reads ({name: series})."""
    if kind not in FOR_REPORT:
        raise ValueError(f"chart kind '{kind}' is not one of {', '.join(KINDS)}")
    return FOR_REPORT[kind](dataset, lang, dict(parameters or {}), dict(context or {}))


def make(
    kind: str, *, lang: str = "en", data_dir: str | os.PathLike[str] | None = None, **options
) -> Chart:
    """Draw one chart kind from the data with one call: ``make("platform_shares", lang="ar")``.

    Loads the dataset from ``data_dir`` (default ``data/``) and passes the primary-source
    checks and ``options`` on. ``content_counts`` shows, unless ``context`` is given,
    :func:`default_context`: Meta's child-endangerment content actioned over the quarters of
    the documents' figures, and NCMEC's reports of their year.
    """
    if kind not in KINDS:
        raise ValueError(f"chart kind '{kind}' is not one of {', '.join(KINDS)}")
    ds = load_dataset(data_dir)
    options.setdefault("origins", ds.origins)
    if kind == "timeline":
        return timeline(ds.events, lang=lang, sources=ds.sources, **options)
    if kind == "source_coverage":
        return source_coverage(
            ds.figures, ds.metrics, ds.sources, lang=lang, checks=ds.primary_checks, **options
        )
    options.setdefault("sources", ds.sources)
    if kind == "content_counts" and "context" not in options:
        options["context"] = default_context(lang, data_dir)
    function = {
        "platform_shares": platform_shares,
        "enforcement_outcomes": enforcement_outcomes,
        "content_counts": content_counts,
    }[kind]
    return function(ds.figures, ds.metrics, lang=lang, checks=ds.primary_checks, **options)


def gallery(
    directory: str | os.PathLike[str], *, data_dir=None, langs: Sequence[str] = ("en", "fr", "ar")
) -> list[Path]:
    """Write every chart kind in every language and an ``index.html`` showing them.

    Per chart: the SVG and PNG :func:`save` writes (notes in the image) and the two page
    images, ``<stem>_wide.png`` and ``<stem>_narrow.png`` (notes as text, under them).
    """
    from . import output

    directory = Path(directory).resolve()
    output.check_output(directory)  # never over a user's files: a new folder, or a gallery
    owned = output.owned_files(directory) if directory.is_dir() else set()
    written: list[Path] = []
    rows = []
    # Every chart first: bad data is refused before any file is written.
    made = {
        (kind, lang): make(kind, lang=lang, data_dir=data_dir) for kind in KINDS for lang in langs
    }
    for kind in KINDS:
        cells = []
        for lang in langs:
            chart = made[kind, lang]
            svg, png = save(chart, directory)
            written += [svg, png]
            sizes = chart.sizes()
            images = []
            for layout, image in chart.pngs().items():
                path = directory / f"{kind}_{lang}_{layout}.png"
                _write_atomically(path, image)
                written.append(path)
                width, height = sizes[layout]
                images.append(
                    f'<img src="{path.name}" alt="{_html(chart.alt)}" width="{width}" '
                    f'height="{height}">'
                )
            notes = "".join(f"<li>{_html(n)}</li>" for n in chart.notes)
            cells.append(
                f'<td dir="{"rtl" if lang == "ar" else "ltr"}">{" ".join(images)}'
                f'<ul>{notes}</ul><p><a href="{png.name}">{png.name}</a></p></td>'
            )
        rows.append(f"<tr><th>{kind}</th>{''.join(cells)}</tr>")
    index = directory / "index.html"
    index.write_text(
        "<!doctype html><meta charset=utf-8><title>tspolicy chart gallery</title>"
        "<style>td{vertical-align:top}li{font-size:14px}</style>"
        "<table><tr><th></th>"
        + "".join(f"<th>{lang}</th>" for lang in langs)
        + "</tr>"
        + "".join(rows)
        + "</table>\n",
        encoding="utf-8",
    )
    output.write_marker(directory, owned | {p.name for p in [*written, index]})
    return [*written, index]


def _html(text: str) -> str:
    from html import escape

    return escape(text, quote=True)


# --------------------------------------------------------------------------- saving


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


#: A temporary chart file older than this was left by a writer that was killed (a live
#: writer replaces its file within seconds); the next save removes it.
STALE_TEMPORARY_SECONDS = 600


def _write_atomically(target: Path, write: Callable[[str], None] | bytes) -> None:
    """Write ``target`` through a temporary file in its folder, moved into place."""
    directory, stem, ext = target.parent, target.stem, target.suffix.lstrip(".")
    for stale in directory.glob(f".{stem}.*.{ext}"):  # left by a writer killed mid-file
        with suppress(OSError):
            if time.time() - stale.stat().st_mtime > STALE_TEMPORARY_SECONDS:
                stale.unlink()
    handle, tmp = tempfile.mkstemp(dir=directory, prefix=f".{stem}.", suffix=f".{ext}")
    os.close(handle)
    try:
        if isinstance(write, bytes):
            Path(tmp).write_bytes(write)
        else:
            write(tmp)
        os.chmod(tmp, 0o666 & ~_umask())  # mkstemp makes files private; these are not
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def save(
    chart: Chart, directory: str | os.PathLike[str], stem: str | None = None
) -> tuple[Path, Path]:
    """Write the chart as SVG and PNG, with its notes under it, deterministically and atomically.

    A paper has no figure caption, so these files carry the notes in the image
    (:meth:`Chart.with_notes`, wide layout). The same chart gives the same bytes: no creation
    date or software version in the metadata, fixed SVG ids (``svg.hashsalt``), text as
    paths. Each file is written to a temporary name and moved into place, so a reader never
    sees half a file.

    Returns
    -------
    (svg_path, png_path)
    """
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    stem = stem or f"{chart.kind}_{chart.lang}"
    figure = chart.with_notes()
    written = []
    for ext, metadata in (("svg", {"Date": None, "Creator": None}), ("png", {"Software": None})):
        target = directory / f"{stem}.{ext}"

        def write(tmp: str, ext=ext, metadata=metadata) -> None:
            with _rc(chart.lang):
                figure.savefig(tmp, format=ext, metadata=metadata)

        _write_atomically(target, write)
        written.append(target)
    return written[0], written[1]
