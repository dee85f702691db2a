"""HTML for the page: badges, the triage card with highlighted evidence, the case-file panel, the
checklist progress, the recommendation and the playbook passages. Pure functions of plain data;
every piece of text that came from a user or a model is escaped."""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from coach.domain.casefile import CHECKLIST_QUESTIONS
from coach.domain.signals import label as signal_label
from coach.domain.signals import table as signal_table
from coach.domain.verdict import LABELS

DECISION_LABELS = {
    "escalate": "Escalate",
    "handle": "Handle it yourself",
    "review": "Read it yourself",
}
RECOMMENDATION_LABELS = LABELS


CASE_FIELDS = (
    ("customer", "Customer"),
    ("contact", "Contact"),
    ("problem", "Problem"),
    ("customer_wants", "Customer wants"),
    ("business_impact", "Business impact"),
    ("tried", "Tried so far"),
    ("ask", "Ask for leadership"),
    ("proposed_next_steps", "Proposed next steps"),
    ("signals", "Signals"),
)
CHECKLIST_SHORT = {
    "tried_yourself": "Tried to resolve it yourself",
    "root_cause_understood": "Root cause understood",
    "communicated_transparently": "Communicated transparently",
    "clear_ask": "Clear ask for leadership",
    "right_time": "Right time (not too early or late)",
    "manager_briefed": "Manager briefed",
}
# Facts that settle a checklist item when it has no explicit answer (see CaseFile).
_FACT_FOR = {"tried_yourself": "tried", "root_cause_understood": "problem", "clear_ask": "ask"}
MAX_EMAIL_CHARS = 20_000


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


def badge(text: str, tone: str) -> str:
    return f'<span class="coach-badge tone-{esc(tone)}">{esc(text)}</span>'


def _section(title: str, body: str, extra_class: str = "") -> str:
    cls = f"coach-section {extra_class}".strip()
    return f'<div class="{cls}"><h4>{esc(title)}</h4>{body}</div>'


def _list(items: Iterable[str], ordered: bool = False) -> str:
    tag = "ol" if ordered else "ul"
    rows = "".join(f"<li>{esc(i)}</li>" for i in items)
    return f"<{tag}>{rows}</{tag}>" if rows else '<p class="muted">None.</p>'


def notice(message: str | None, tone: str = "warn") -> str:
    """A one-line notice bar (fallback to the offline engine, bad input); empty when no message."""
    if not message:
        return ""
    return f'<div class="coach-notice tone-{esc(tone)}" role="status">{esc(message)}</div>'


# --- the mode banner ---------------------------------------------------------------------------


def mode_banner(description: str, engine: str) -> str:
    tone = "low" if engine == "offline" else "info"
    label = "Mode: offline" if engine == "offline" else "Mode: model"
    return (
        '<div class="coach-mode">'
        f"{badge(label, tone)} <span>{esc(description)}</span>"
        '<details class="coach-switch"><summary>How to switch (for whoever runs the coach)</summary>'
        "<ul><li>Use a model: set <code>OPENAI_API_KEY</code> (or <code>OPENAI_BASE_URL</code> for "
        "a local OpenAI-compatible server) and <code>COACH_MODEL</code>, then restart "
        "<code>python app.py</code>.</li>"
        "<li>Force the offline engine: <code>COACH_ENGINE=offline</code>. It needs no network and "
        "answers from the playbook.</li></ul></details></div>"
    )


# --- triage ------------------------------------------------------------------------------------


def _spans(text: str, quotes: Iterable[tuple[str, str]]) -> list[tuple[int, int, str]]:
    """Non-overlapping (start, end, signal) spans of each quote's first occurrence in `text`."""
    from coach.triage.evidence import locate

    found: list[tuple[int, int, str]] = []
    for quote, kind in quotes:
        span = locate(quote, text)
        if span is None:
            continue
        start = text.find(span)
        found.append((start, start + len(span), kind))
    found.sort()
    kept: list[tuple[int, int, str]] = []
    for start, end, kind in found:
        if kept and start < kept[-1][1]:
            continue
        kept.append((start, end, kind))
    return kept


def highlight(text: str, quotes: Iterable[tuple[str, str]], history: Iterable[str] = ()) -> str:
    """The email as HTML with each (quote, signal) marked; quotes only in history are dimmer."""
    text = text[:MAX_EMAIL_CHARS]
    marks = [(q, k) for q, k in quotes] + [(q, "history") for q in history]
    out: list[str] = []
    pos = 0
    for start, end, kind in _spans(text, marks):
        out.append(esc(text[pos:start]))
        title = "quoted history (context only)" if kind == "history" else signal_label(kind)
        out.append(
            f'<mark class="sig sig-{esc(kind)}" title="{esc(title)}">{esc(text[start:end])}'
            f"<sup>{esc(title)}</sup></mark>"
        )
        pos = end
    out.append(esc(text[pos:]))
    return "".join(out)


def triage_card(result: Mapping[str, Any], email_text: str) -> str:
    """The triage result as one card: verdict badges, next steps, evidence in the email, wants."""
    decision = str(result["decision"])
    urgency = str(result["urgency"])
    head = (
        '<div class="coach-card-head">'
        + badge(
            DECISION_LABELS.get(decision, decision),
            {"escalate": "danger", "review": "medium"}.get(decision, "ok"),
        )
        + badge(f"Urgency: {urgency}", urgency)
        + (
            f'<span class="coach-scenario">{esc(result["scenario"])}</span>'
            if result.get("scenario")
            else ""
        )
        + "</div>"
    )
    parts = [head]
    if result.get("review_reason"):
        parts.append(notice(f"Read it yourself: {result['review_reason']}", "warn"))
    if result.get("language_note"):
        parts.append(notice(result["language_note"], "info"))
    # What to do comes right after the verdict (first on a phone's screen), then the evidence.
    parts.append(_section("Next steps", _list(result.get("next_steps") or [], ordered=True)))
    signals = list(result.get("signals") or [])
    if signals:
        rows = "".join(
            f'<li><span class="sig-dot sig-{esc(s["type"])}"></span>'
            f"<b>{esc(signal_label(s['type']))}</b>: "
            f"<q>{esc(s['evidence'])}</q></li>"
            for s in signals
        )
        parts.append(
            _section("Signals and their evidence", f'<ul class="coach-signals">{rows}</ul>')
        )
    else:
        parts.append(_section("Signals", '<p class="muted">No escalation signal found.</p>'))
    history = [s["evidence"] for s in result.get("history_signals") or []]
    marked = highlight(email_text, [(s["evidence"], s["type"]) for s in signals], history)
    parts.append(_section("The email, with the evidence highlighted",
                          f'<div class="coach-email">{marked}</div>'))  # fmt: skip
    parts.append(
        _section("The customer wants", f"<p>{esc(result.get('customer_wants') or '—')}</p>")
    )
    reasons = [
        f"{r['section']}: {r['rule']}" + (f" ({signal_label(r['signal'])})"
                                           if r.get("signal") else "")
        for r in result.get("reasons") or []
    ]  # fmt: skip
    parts.append(_details("Why (playbook rules applied)", _list(reasons)))
    if result.get("checklist_questions"):
        parts.append(_details("Answer before escalating", _list(result["checklist_questions"])))
    if result.get("notes"):
        parts.append(_details("Notes", _list(result["notes"])))
    return f'<div class="coach-card">{"".join(parts)}</div>'


def _details(summary: str, body: str, open_: bool = False) -> str:
    attr = " open" if open_ else ""
    return f'<details class="coach-details"{attr}><summary>{esc(summary)}</summary>{body}</details>'


# --- the coach's side panel --------------------------------------------------------------------


def recommendation_card(
    code: str | None,
    headline: str,
    reasons: Sequence[Mapping[str, Any]],
    first_steps: Sequence[str],
    warnings: Sequence[Mapping[str, str]] = (),
) -> str:
    """The verdict (coach status and brief badge alike): badge, headline, first steps, the rules
    behind it, and the checklist warnings."""
    tone = {"escalate_now": "danger", "not_yet": "medium", "do_not_escalate": "ok"}.get(
        code or "", "neutral"
    )
    body = [f'<div class="coach-rec-head">{badge(RECOMMENDATION_LABELS.get(code, str(code)), tone)}'
            f'<span class="coach-rec-headline">{esc(headline)}</span></div>']  # fmt: skip
    if first_steps:
        body.append(_section("Do this first", _list(first_steps, ordered=True)))
    if reasons:
        items = [f"{r['rule']} ({r['section']})" for r in reasons]
        body.append(_details("Why: the playbook rules", _list(items)))
    if warnings:
        rows = "".join(
            f"<li><b>{esc(w['code'].replace('_', ' '))}</b>: {esc(w['message'])} "
            f'<span class="muted">({esc(w["section"])})</span></li>'
            for w in warnings
        )
        body.append(_section("Checklist and gotchas", f'<ul class="coach-warnings">{rows}</ul>'))
    return f'<div class="coach-card coach-rec">{"".join(body)}</div>'


def checklist_progress(case: Mapping[str, Any], open_items: Sequence[str]) -> str:
    checklist = case.get("checklist") or {}
    done = [i for i in CHECKLIST_QUESTIONS if i not in open_items]
    pct = round(100 * len(done) / len(CHECKLIST_QUESTIONS))
    rows = []
    for item, question in CHECKLIST_QUESTIONS.items():
        value = checklist.get(item)
        if value is True or (value is None and item not in open_items):
            state, mark = "yes", "✓"
            hint = (
                "yes" if value is True else f"from what you said ({_FACT_FOR.get(item, 'facts')})"
            )
        elif value is False:
            state, mark, hint = "no", "✗", "not yet"
        else:
            state, mark, hint = "open", "○", "open"
        rows.append(
            f'<li class="check-{state}" title="{esc(question)}"><span class="check-mark">{mark}</span>'
            f'{esc(CHECKLIST_SHORT[item])} <span class="muted">· {esc(hint)}</span></li>'
        )
    return (
        '<div class="coach-card">'
        f'<div class="coach-progress-label"><b>Pre-escalation checklist</b>'
        f"<span>{len(done)} of {len(CHECKLIST_QUESTIONS)} settled</span></div>"
        f'<div class="coach-progress"><div style="width:{pct}%"></div></div>'
        f'<ul class="coach-checklist">{"".join(rows)}</ul></div>'
    )


def case_panel(case: Mapping[str, Any]) -> str:
    rows = []
    for name, label in CASE_FIELDS:
        value = case.get(name)
        if isinstance(value, list):
            known = signal_table()
            shown = [known[v].label if v in known else str(v) for v in value]
            cell = _list(shown) if shown else '<span class="muted">—</span>'
        else:
            cell = esc(value) if value else '<span class="muted">—</span>'
        rows.append(f"<dt>{esc(label)}</dt><dd>{cell}</dd>")
    return f'<div class="coach-card"><h4>Case file</h4><dl class="coach-case">{"".join(rows)}</dl></div>'


def passages(items: Sequence[Mapping[str, str]]) -> str:
    """Playbook passages the coach used, each expandable to its text."""
    if not items:
        return '<div class="coach-card"><h4>Playbook passages used</h4><p class="muted">None yet.</p></div>'
    blocks = "".join(
        _details(f"{p['section']}", f'<div class="coach-passage">{_md_lite(p.get("text", ""))}</div>'
                 f'<p class="muted">{esc(p["source"])}</p>')
        for p in items
    )  # fmt: skip
    return f'<div class="coach-card"><h4>Playbook passages used</h4>{blocks}</div>'


_BOLD = re.compile(r"\*\*(.+?)\*\*")


def _md_lite(text: str) -> str:
    """Playbook markdown as simple HTML: escaped, bold kept, line breaks kept."""
    return _BOLD.sub(r"<b>\1</b>", esc(text)).replace("\n", "<br>")


# --- drafts ------------------------------------------------------------------------------------


def held_back(items: Sequence[Mapping[str, str]]) -> str:
    """Lines of the case a draft did not repeat, shown with the finding and a rewrite."""
    if not items:
        return ""
    rows = "".join(
        f"<li>{badge(h['code'].replace('_', ' '), 'medium')} <q>{esc(h['line'])}</q><br>"
        f'Suggested: {esc(h["rewrite"])} <span class="muted">({esc(h["message"])})</span></li>'
        for h in items
    )
    return (
        '<p class="coach-held">Held back from this draft, for you to decide: keep, reword or '
        f'leave out.</p><ul class="coach-findings">{rows}</ul>'
    )


def findings(
    items: Sequence[Mapping[str, str]],
    notice_text: str | None = None,
    held: Sequence[Mapping[str, str]] = (),
) -> str:
    extra = notice(notice_text) + held_back(held)
    if not items:
        return (
            extra
            + '<p class="coach-clean">✓ Guardrails: no blame, over-promise or missing ask found.</p>'
        )
    rows = "".join(
        f"<li>{badge(f['code'].replace('_', ' '), 'danger')} <q>{esc(f['quote'])}</q><br>"
        f'{esc(f["message"])} <span class="muted">({esc(f["gotcha"])})</span></li>'
        for f in items
    )
    return extra + f'<ul class="coach-findings">{rows}</ul>'


# --- evals chart ---------------------------------------------------------------------------------

CHART_COLORS = ("#3b5bdb", "#e8590c", "#2f9e44", "#ae3ec9", "#c2255c", "#1098ad")


def metric_chart(runs: Sequence[str], series: Mapping[str, Sequence[float | None]]) -> str:
    """An inline SVG line chart of scores (0 to 1) over runs, with a point on every run so a
    single run is visible too. `series` maps a metric's label to one value (or None) per run."""
    if not runs or not series:
        return ('<div class="coach-card coach-empty">No eval history yet. Each run of the evals '
                "adds a point here.</div>")  # fmt: skip
    width, height, left, right, top, bottom = 860, 250, 44, 16, 14, 40
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(i: int) -> float:
        return left + (plot_w / 2 if len(runs) == 1 else plot_w * i / (len(runs) - 1))

    def y(v: float) -> float:
        return top + plot_h * (1 - max(0.0, min(1.0, v)))

    parts = [f'<svg viewBox="0 0 {width} {height}" class="coach-chart" role="img" '
             f'aria-label="Eval metrics over time">']  # fmt: skip
    for tick in (0, 0.25, 0.5, 0.75, 1):
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
                     f'class="grid"/><text x="{left - 6}" y="{y(tick) + 4:.1f}" '
                     f'text-anchor="end">{tick:g}</text>')  # fmt: skip
    step = max(1, len(runs) // 8)
    for i, label in enumerate(runs):
        if i % step == 0 or i == len(runs) - 1:
            parts.append(
                f'<text x="{x(i):.1f}" y="{height - 12}" text-anchor="middle">{esc(label)}</text>'
            )
    legend = []
    for n, (name, values) in enumerate(series.items()):
        color = CHART_COLORS[n % len(CHART_COLORS)]
        points = [(x(i), y(v), v) for i, v in enumerate(values) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py, _ in points)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2.2"/>'
            )
        for (px, py, v), run in zip(
            points, [r for r, v in zip(runs, values, strict=True) if v is not None], strict=True
        ):
            parts.append(f'<circle cx="{px:.1f}" cy="{py:.1f}" r="4.5" fill="{color}">'
                         f"<title>{esc(name)}: {v:.3f} ({esc(run)})</title></circle>")  # fmt: skip
        last = next((v for v in reversed(values) if v is not None), None)
        shown = "—" if last is None else f"{last:.3f}"
        legend.append(f'<span><i style="background:{color}"></i>{esc(name)} <b>{shown}</b></span>')
    parts.append("</svg>")
    return (f'<div class="coach-card"><h4>Metrics over time</h4>{"".join(parts)}'
            f'<div class="coach-legend">{"".join(legend)}</div></div>')  # fmt: skip
