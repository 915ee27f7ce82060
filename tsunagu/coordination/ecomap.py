"""エコマップ drawn on the server as SVG (no script, no external resource: prints and LGWAN).

Genogram conventions for the household: □ male, ○ female, ◇ other/unknown; the focus
person (本人) has a double outline; household members stand in a dashed household frame
joined by a relation line, each labelled with name, 続柄 and age. Agencies and resources sit
on a circle around the household; each tie's line shows its kind: thick = strong, plain =
normal, dashed = weak, zigzag = stressful. Team agencies without a recorded tie are drawn
with a normal tie to the household.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from xml.sax.saxutils import escape

from django.utils import timezone

from .models import Case, Tie

WIDTH, HEIGHT = 900, 640
CX, CY = WIDTH / 2, 290
SYMBOL = 44
RADIUS = 240
# A white outline behind labels keeps them readable where a tie line passes under them.
HALO = 'paint-order="stroke" stroke="#fff" stroke-width="4"'

LINE_STYLE: dict[str, str] = {
    Tie.Kind.STRONG: 'stroke-width="4"',
    Tie.Kind.NORMAL: 'stroke-width="1.5"',
    Tie.Kind.WEAK: 'stroke-width="1.5" stroke-dasharray="6 5"',
    Tie.Kind.STRESSFUL: 'stroke-width="1.5"',
}


@dataclass
class Node:
    x: float
    y: float


def _age(person) -> str:
    if not person.birth_date:
        return ""
    today = timezone.localdate()
    b = person.birth_date
    return str(today.year - b.year - ((today.month, today.day) < (b.month, b.day)))


def _symbol(person, x: float, y: float, focus: bool) -> str:
    h = SYMBOL / 2
    if person.sex == "male":
        shape = f'<rect x="{x - h}" y="{y - h}" width="{SYMBOL}" height="{SYMBOL}"'
        inner = f'<rect x="{x - h + 4}" y="{y - h + 4}" width="{SYMBOL - 8}" height="{SYMBOL - 8}"'
    elif person.sex == "female":
        shape = f'<circle cx="{x}" cy="{y}" r="{h}"'
        inner = f'<circle cx="{x}" cy="{y}" r="{h - 4}"'
    else:
        pts = f"{x},{y - h} {x + h},{y} {x},{y + h} {x - h},{y}"
        shape = f'<polygon points="{pts}"'
        inner = f'<polygon points="{x},{y - h + 6} {x + h - 6},{y} {x},{y + h - 6} {x - h + 6},{y}"'
    out = [f'{shape} fill="#fff" stroke="#1a1a1a" stroke-width="2"/>']
    if focus:
        out.append(f'{inner} fill="none" stroke="#1a1a1a" stroke-width="1.5"/>')
    out.append(
        f'<text x="{x}" y="{y + 5}" text-anchor="middle" font-size="14">{_age(person)}</text>'
    )
    return "".join(out)


def _zigzag(a: Node, b: Node) -> str:
    length = math.hypot(b.x - a.x, b.y - a.y) or 1
    ux, uy = (b.x - a.x) / length, (b.y - a.y) / length
    px, py = -uy, ux
    steps = max(int(length // 12), 2)
    points = []
    for i in range(steps + 1):
        t = i / steps
        off = 0 if i in (0, steps) else (5 if i % 2 else -5)
        points.append(
            f"{a.x + ux * length * t + px * off:.1f},{a.y + uy * length * t + py * off:.1f}"
        )
    return (
        f'<polyline points="{" ".join(points)}" fill="none" stroke="#ce0000" stroke-width="1.5"/>'
    )


def _line(a: Node, b: Node, kind: str) -> str:
    if kind == Tie.Kind.STRESSFUL:
        return _zigzag(a, b)
    return (
        f'<line x1="{a.x:.1f}" y1="{a.y:.1f}" x2="{b.x:.1f}" y2="{b.y:.1f}" '
        f'stroke="#0017c1" {LINE_STYLE[kind]}/>'
    )


def _members(case: Case):
    if case.household is None:
        return [(case.focus_person, "本人")]
    rows = [(m.person, m.relation) for m in case.household.current_memberships()]
    if not any(p.pk == case.focus_person_id for p, _ in rows):
        rows.insert(0, (case.focus_person, "本人"))
    return rows


def _outer_ties(case: Case) -> list[tuple[str, str, int | None]]:
    """(label, kind, person id) for every recorded tie and every team agency without one."""
    ties = [(t.label, t.kind, t.person_id) for t in case.ties.all()]
    named = {label for label, _, _ in ties}
    for member in case.team():
        if member.agency.name not in named:
            ties.append((member.agency.short_name or member.agency.name, Tie.Kind.NORMAL, None))
    return ties


def _resource(at: Node, label: str) -> str:
    """An agency or resource: an ellipse with its name on up to two lines (full name as title)."""
    lines = (
        [label[:10], label[10:20] + ("…" if len(label) > 20 else "")]
        if len(label) > 10
        else [label]
    )
    top = at.y + 5 - 8 * (len(lines) - 1)
    text = "".join(
        f'<tspan x="{at.x:.1f}" y="{top + 16 * i:.1f}">{escape(line)}</tspan>'
        for i, line in enumerate(lines)
    )
    return (
        f"<g><title>{escape(label)}</title>"
        f'<ellipse cx="{at.x:.1f}" cy="{at.y:.1f}" rx="84" ry="28" fill="#f2f2f2" stroke="#414141"/>'
        f'<text text-anchor="middle" font-size="13">{text}</text></g>'
    )


def _legend(y: float) -> str:
    items = [
        ("□ 男性 ○ 女性 ◇ その他・不明 二重線 本人", None),
        ("強いつながり", Tie.Kind.STRONG),
        ("普通", Tie.Kind.NORMAL),
        ("弱い", Tie.Kind.WEAK),
        ("ストレス・対立", Tie.Kind.STRESSFUL),
    ]
    out, x = [], 20.0
    for label, kind in items:
        if kind is not None:
            out.append(_line(Node(x, y - 5), Node(x + 40, y - 5), kind))
            x += 46
        out.append(f'<text x="{x}" y="{y}" font-size="13">{escape(label)}</text>')
        x += 14 * len(label) + 24
    return "".join(out)


def render_svg(case: Case) -> str:
    members = _members(case)
    gap = 130
    start = CX - gap * (len(members) - 1) / 2
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'width="100%" role="img" aria-labelledby="ecomap-title" '
        f'font-family="Noto Sans CJK JP, Noto Sans JP, sans-serif">',
        f'<title id="ecomap-title">エコマップ: {escape(case.title)}</title>',
    ]
    frame_w = gap * len(members) + 20
    parts.append(
        f'<rect x="{CX - frame_w / 2}" y="{CY - 60}" width="{frame_w}" height="150" rx="24" '
        f'fill="none" stroke="#414141" stroke-dasharray="8 6"/>'
    )
    if len(members) > 1:
        parts.append(
            f'<line x1="{start}" y1="{CY}" x2="{start + gap * (len(members) - 1)}" y2="{CY}" '
            f'stroke="#1a1a1a" stroke-width="2"/>'
        )
    ties = _outer_ties(case)
    member_ids = [p.pk for p, _ in members]
    for i, (label, kind, person_id) in enumerate(ties):
        angle = -math.pi / 2 + 2 * math.pi * i / max(len(ties), 1)
        outer = Node(CX + RADIUS * 1.45 * math.cos(angle), CY + RADIUS * math.sin(angle))
        if person_id in member_ids:
            inner = Node(start + gap * member_ids.index(person_id), CY)
        else:
            inner = Node(CX, CY - 60 if outer.y < CY else CY + 90)
        parts.append(_line(inner, outer, kind))
        parts.append(_resource(outer, label))
    for i, (person, relation) in enumerate(members):
        x = start + gap * i
        parts.append(_symbol(person, x, CY, person.pk == case.focus_person_id))
        parts.append(
            f'<text x="{x}" y="{CY + 44}" text-anchor="middle" font-size="13" {HALO}>'
            f"{escape(person.full_name)}</text>"
            f'<text x="{x}" y="{CY + 62}" text-anchor="middle" font-size="12" fill="#414141" '
            f"{HALO}>{escape(relation)}</text>"
        )
    parts.append(_legend(HEIGHT - 16))
    parts.append("</svg>")
    return "".join(parts)
