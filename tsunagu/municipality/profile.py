"""Reading and validating a municipality profile (profiles/NAME.yaml, docs/profiles.md).

``read_profile`` returns the profile's data once every key, value and reference in it has
been checked, or raises ``ProfileInvalid`` carrying *all* problems found, each a Japanese
message naming the file, the key path and the problem, so an author fixes a profile in
one pass. Nothing here touches the database; ``actions.load_profile`` writes.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from tsunagu.lib.wareki import DateParseError, parse_date

from .models import BodyStatus, ConsentRule, Field, MeetingFunction, OperatingForm, StatutoryProject

PARTY_LISTS = ("departments", "organisations", "agencies", "partners")
SUB_ITEMS = ("イ", "ロ", "ハ", "ニ")
SUB_ITEM_PROJECTS = (1, 3)
SCOPES = ("庁内", "庁外")
PROJECTS = tuple(StatutoryProject.values)
SETTINGS_DEFAULTS: dict[str, Any] = {
    "coordinating_agency": None,
    "referral_due_working_days": 5,
    "confidential_sharing_until": "next_session",
    "plan_approval_without_meeting": False,
    "issue_tags_extra": [],
}


class ProfileInvalid(Exception):
    def __init__(self, messages: list[str]):
        super().__init__("\n".join(messages))
        self.messages = messages


def profile_path(name_or_path: str, root: Path) -> Path:
    """``kobayashi`` → ``<root>/profiles/kobayashi.yaml``; anything path-like is used as is."""
    if name_or_path.endswith((".yaml", ".yml")) or "/" in name_or_path:
        return Path(name_or_path)
    return root / "profiles" / f"{name_or_path}.yaml"


def profile_slug(name_or_path: str) -> str:
    """The slug a profile loads as: its file name without ``.yaml`` (the validator makes
    ``slug`` equal it), so commands take a name or a path alike."""
    return (
        Path(name_or_path).stem
        if "/" in name_or_path or name_or_path.endswith((".yaml", ".yml"))
        else name_or_path
    )


def read_profile(path: Path) -> dict[str, Any]:
    """The validated profile data; raises ProfileInvalid with every problem found."""
    filename = path.name
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ProfileInvalid([f"{filename}: ファイルが見つかりません({path})"]) from None
    except UnicodeDecodeError:
        raise ProfileInvalid([f"{filename}: UTF-8 のテキストとして読めません"]) from None
    layout = _layout_problems(text)
    if layout:
        raise ProfileInvalid([f"{filename}: {problem}" for problem in layout])
    try:
        data = yaml.load(text, Loader=_StrictLoader)  # a SafeLoader subclass
    except yaml.MarkedYAMLError as exc:
        raise ProfileInvalid([f"{filename}: {_yaml_message(exc)}"]) from None
    except yaml.YAMLError as exc:
        raise ProfileInvalid([f"{filename}: YAML として読めません: {exc}"]) from None
    checker = _Checker(filename, path.stem)
    checker.check_profile(data)
    if checker.errors:
        raise ProfileInvalid(checker.errors)
    return data


# --- YAML ------------------------------------------------------------------------------


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key written twice in one mapping (PyYAML keeps the last)."""

    def construct_mapping(self, node, deep=False):
        seen: set[Any] = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(
                    None, None, f"duplicate key {key}", key_node.start_mark
                )
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


# A key followed by a full-width colon (「name：福祉課」), and indentation containing U+3000.
_FULL_WIDTH_COLON = re.compile(r"^[ -]*[A-Za-z_][A-Za-z0-9_]*\s*：")
_FULL_WIDTH_INDENT = re.compile(r"^[ \t]*\u3000")


def _layout_problems(text: str) -> list[str]:
    """Full-width characters YAML cannot see as structure, one message per line found."""
    problems = []
    for number, line in enumerate(text.splitlines(), start=1):
        if _FULL_WIDTH_INDENT.match(line):
            problems.append(
                f"{number}行目: 全角スペースでインデントされています(半角スペースにしてください)"
            )
        if _FULL_WIDTH_COLON.match(line):
            problems.append(
                f"{number}行目: キーの後ろが全角のコロン「：」です(半角の「:」にしてください)"
            )
    return problems


_YAML_PROBLEMS = (
    ("duplicate key ", "キー「{rest}」が同じマッピングに2回書かれています"),
    ("mapping values are not allowed", "ここに「キー: 値」は書けません(インデントか「:」を確認)"),
    ("could not find expected ':'", "「:」が見つかりません"),
    ("found character '\\t'", "タブ文字は使えません(空白でインデントしてください)"),
    ("expected <block end>", "インデントが揃っていません"),
    ("found undefined alias", "未定義のエイリアスです"),
    ("found unexpected end of stream", "引用符または括弧が閉じられていません"),
    ("found unknown escape character", "使えないエスケープ文字があります"),
)


def _yaml_message(exc: yaml.MarkedYAMLError) -> str:
    mark = exc.problem_mark or exc.context_mark
    where = f"({mark.line + 1}行目 {mark.column + 1}列目)" if mark else ""
    problem = exc.problem or ""
    for prefix, japanese in _YAML_PROBLEMS:
        if problem.startswith(prefix):
            problem = japanese.format(rest=problem[len(prefix) :])
            break
    return f"YAML の構文エラー{where}: {problem}"


# --- Validation ------------------------------------------------------------------------

Check = Callable[["_Checker", Any, str], None]


@dataclass(frozen=True)
class Key:
    check: Check
    required: bool = False


@dataclass
class _Checker:
    filename: str
    stem: str
    errors: list[str] = field(default_factory=list)
    parties: dict[str, str] = field(default_factory=dict)  # name → list it is declared in
    meetings: set[str] = field(default_factory=set)
    department_parents: dict[str, str] = field(default_factory=dict)
    levels: list[str] = field(default_factory=list)  # widest first
    areas: dict[str, Any] = field(default_factory=dict)  # name → its level as written

    def error(self, path: str, message: str) -> None:
        self.errors.append(
            f"{self.filename}: {path}: {message}" if path else f"{self.filename}: {message}"
        )

    def check_profile(self, data: Any) -> None:
        if not isinstance(data, dict):
            self.error("", "プロファイルの最上位はマッピング(キー: 値)で書いてください")
            return
        self._collect_names(data)
        self._collect_areas(data)
        _mapping(TOP)(self, data, "")
        if not self.errors:
            self._check_instance_names(data.get("meeting_bodies") or [])

    def _check_instance_names(self, bodies: list) -> None:
        """A per-area body's instances are bodies too: their names must be new."""
        taken = set(self.meetings)
        for i, body in enumerate(bodies):
            level = body.get("per_area")
            if level is None:
                continue
            names = body.get("instance_names") or {}
            for area, area_level in self.areas.items():
                if area_level != level:
                    continue
                name = names.get(area) or f"{body['name']}（{area}）"
                if name in taken:
                    self.error(
                        f"meeting_bodies[{i}]",
                        f"圏域「{area}」の会議体名「{name}」が他の会議体と重なっています"
                        "(instance_names で別の名前を付けてください)",
                    )
                taken.add(name)

    def depth(self, level: Any) -> int | None:
        return self.levels.index(level) if level in self.levels else None

    def _collect_areas(self, data: dict) -> None:
        """Declared area levels and areas (names unique across levels, so a name is enough)."""
        levels = data.get("area_levels")
        for entry in levels if isinstance(levels, list) else [levels]:
            name = entry.get("name") if isinstance(entry, dict) else None
            if isinstance(name, str) and name and name not in self.levels:
                self.levels.append(name)
        areas = data.get("areas")
        for i, entry in enumerate(areas if isinstance(areas, list) else [areas]):
            name = entry.get("name") if isinstance(entry, dict) else None
            if not isinstance(name, str) or not name:
                continue
            if name in self.areas:
                self.error(
                    f"areas[{i}].name",
                    f"圏域「{name}」が2回定義されています(圏域名は階層を通して一意にしてください)",
                )
            self.areas[name] = entry.get("level")

    def _collect_names(self, data: dict) -> None:
        """Declared parties and meeting bodies, so references can be checked anywhere."""
        first_seen: dict[str, str] = {}
        for list_key in (*PARTY_LISTS, "meeting_bodies"):
            entries = data.get(list_key)
            for i, entry in enumerate(entries if isinstance(entries, list) else [entries]):
                name = entry.get("name") if isinstance(entry, dict) else None
                if not isinstance(name, str) or not name:
                    continue
                path = f"{list_key}[{i}]"
                if list_key == "meeting_bodies":
                    if name in self.meetings:
                        self.error(f"{path}.name", f"会議体「{name}」が2回定義されています")
                    self.meetings.add(name)
                elif name in first_seen:
                    self.error(
                        f"{path}.name",
                        f"「{name}」は {first_seen[name]} と重複しています"
                        f"(名称は {'・'.join(PARTY_LISTS)} を通して一意にしてください)",
                    )
                else:
                    first_seen[name] = path
                    self.parties[name] = list_key
                    if list_key == "departments" and isinstance(entry.get("parent"), str):
                        self.department_parents[name] = entry["parent"]


def _join(path: str, key: str) -> str:
    return f"{path}.{key}" if path else key


def _mapping(spec: dict[str, Key], extra: Callable[[_Checker, dict, str], None] | None = None):
    def check(c: _Checker, value: Any, path: str) -> None:
        if not isinstance(value, dict):
            c.error(path, "マッピング(キー: 値)で書いてください")
            return
        before = len(c.errors)
        for key in value:
            if key not in spec:
                c.error(
                    _join(path, str(key)),
                    f"「{key}」は使えない項目です(使える項目: {', '.join(spec)})",
                )
        for key, rule in spec.items():
            is_list = getattr(rule.check, "is_list", False)
            if key not in value:
                if rule.required:
                    c.error(path, f"必須の項目 {key} がありません")
            elif value[key] is None or value[key] == "":
                if rule.required:
                    hint = f"(該当がなければ {key}: [] と書いてください)" if is_list else ""
                    c.error(_join(path, key), f"必須の項目 {key} が空です{hint}")
            else:
                if is_list and not isinstance(value[key], list):
                    value[key] = _Single([value[key]])
                rule.check(c, value[key], _join(path, key))
        if extra and len(c.errors) == before:  # cross-key checks only on sound values
            extra(c, value, path)

    return check


class _Single(list):
    """A single value written where a list is expected, taken as a list of one; messages
    name it by its key alone."""


def _list_of(item: Check) -> Check:
    """A list of ``item``; ``_mapping`` turns a single value into a ``_Single``."""

    def check(c: _Checker, value: Any, path: str) -> None:
        for i, element in enumerate(value):
            item(c, element, path if isinstance(value, _Single) else f"{path}[{i}]")

    check.is_list = True  # type: ignore[attr-defined]
    return check


def _text(c: _Checker, value: Any, path: str) -> None:
    if not isinstance(value, str):
        c.error(path, f"「{value}」は文字列で書いてください(数字なら引用符で囲む)")


def _integer(c: _Checker, value: Any, path: str) -> bool:
    if isinstance(value, bool) or not isinstance(value, int):
        c.error(path, f"「{value}」は整数で書いてください")
        return False
    return True


def _count(c: _Checker, value: Any, path: str) -> None:
    if _integer(c, value, path) and value < 0:
        c.error(path, f"「{value}」は0以上の整数で書いてください")


def _positive(c: _Checker, value: Any, path: str) -> None:
    if _integer(c, value, path) and value < 1:
        c.error(path, f"「{value}」は1以上の整数で書いてください")


ERAS = {"R": 2018, "令和": 2018, "H": 1988, "平成": 1988}
_ERA_YEAR = re.compile(r"(R|令和|H|平成)(\d+|元)(年度?)?")


def fiscal_year(value: Any) -> int | None:
    """A fiscal year as 西暦: 2024, "2024", "R6", "令和6年度", "令和元年度"; else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).strip().upper()
        era = _ERA_YEAR.fullmatch(text)
        text = re.sub(r"年度?$", "", text)
        if era:
            number = 1 if era.group(2) == "元" else int(era.group(2))
            value = ERAS[era.group(1)] + number
        elif text.isdigit():
            value = int(text)
    if isinstance(value, int) and 1990 <= value <= 2100:
        return value
    return None


def _year(c: _Checker, value: Any, path: str) -> None:
    if fiscal_year(value) is None:
        c.error(
            path,
            f"「{value}」は年度として読めません(西暦 2024 か 令和6・R6 のように書いてください。"
            "令和6年度 = 2024)",
        )


def as_date(value: Any) -> datetime.date | None:
    """A date written as YAML reads it (2025-03-31) or as text in 西暦/和暦 (令和7年3月31日)."""
    if isinstance(value, datetime.date) or value is None:
        return value
    try:
        return parse_date(str(value))
    except DateParseError:
        return None


def _date(c: _Checker, value: Any, path: str) -> None:
    if as_date(value) is None:
        c.error(
            path,
            f"「{value}」は日付として読めません(2025-03-31 や 令和7年3月31日 のように書いてください)",
        )


def _number(c: _Checker, value: Any, path: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
        c.error(path, f"「{value}」は0以上の数で書いてください(単位は unit に)")


def _sites(c: _Checker, value: Any, path: str) -> None:
    """拠点数: a number, or a list of sites each naming its area."""
    if isinstance(value, list):
        _list_of(_mapping(SITE))(c, value, path)
    elif isinstance(value, str):
        c.error(
            path,
            f"「{value}」は数ではありません。拠点数を計画の表記のまま書くときは "
            "sites_note に書いてください",
        )
    else:
        _count(c, value, path)


def _level_ref(c: _Checker, value: Any, path: str) -> None:
    if not isinstance(value, str):
        _text(c, value, path)
    elif value not in c.levels:
        c.error(path, f"「{value}」は area_levels に定義されていません")


def _area_ref(c: _Checker, value: Any, path: str) -> None:
    if not isinstance(value, str):
        _text(c, value, path)
    elif value not in c.areas:
        c.error(path, f"「{value}」は areas に定義されていません")


def _area_parent(c: _Checker, value: dict, path: str) -> None:
    """An area's parent sits one level above it; the widest level has no parent."""
    depth = c.depth(value["level"])
    parent = value.get("parent")
    if parent is None or depth is None:
        return
    if depth == 0:
        c.error(
            _join(path, "parent"), f"最上位の階層「{value['level']}」の圏域に parent は書けません"
        )
    elif c.depth(c.areas.get(parent)) != depth - 1:
        c.error(
            _join(path, "parent"),
            f"上位の圏域「{parent}」は1つ上の階層「{c.levels[depth - 1]}」の圏域にしてください",
        )


def _instance_names(c: _Checker, value: Any, path: str) -> None:
    if not isinstance(value, dict):
        c.error(path, "マッピング(圏域名: 会議体名)で書いてください")
        return
    for area, name in value.items():
        _area_ref(c, area, _join(path, str(area)))
        _text(c, name, _join(path, str(area)))


def _per_area_fits(c: _Checker, value: dict, path: str) -> None:
    level = value.get("per_area")
    if level is not None and value.get("areas"):
        c.error(_join(path, "areas"), "per_area と areas は一緒に書けません(どちらか一方)")
    for area in value.get("instance_names") or {}:
        if level is None:
            c.error(_join(path, "instance_names"), "instance_names は per_area と一緒に書きます")
            return
        if c.areas.get(area) != level:
            c.error(
                _join(path, f"instance_names.{area}"),
                f"圏域「{area}」は階層「{level}」の圏域ではありません",
            )
    if value.get("concluded_on") and value.get("status") != "concluded":
        c.error(_join(path, "concluded_on"), "concluded_on は status: concluded のときに書きます")


def _boolean(c: _Checker, value: Any, path: str) -> None:
    if not isinstance(value, bool):
        c.error(path, f"「{value}」は true か false で書いてください")


def _choice(options: tuple, label: str) -> Check:
    def check(c: _Checker, value: Any, path: str) -> None:
        if not any(type(value) is type(o) and value == o for o in options):
            listed = "・".join(str(o) for o in options)
            c.error(path, f"「{value}」は{label}として使えません({listed}のいずれか)")

    return check


def _both(first: Check, second: Check) -> Check:
    def check(c: _Checker, value: Any, path: str) -> None:
        before = len(c.errors)
        first(c, value, path)
        if len(c.errors) == before:
            second(c, value, path)

    check.is_list = getattr(first, "is_list", False)  # type: ignore[attr-defined]
    return check


def _ref(*lists: str) -> Check:
    """A reference to a party declared in one of ``lists``."""

    def check(c: _Checker, value: Any, path: str) -> None:
        if not isinstance(value, str):
            _text(c, value, path)
            return
        declared_in = c.parties.get(value)
        if declared_in is None:
            c.error(path, f"「{value}」は {'・'.join(lists)} に定義されていません")
        elif declared_in not in lists:
            c.error(
                path,
                f"「{value}」は {declared_in} に定義されています"
                f"({'・'.join(lists)} の名称を指定してください)",
            )

    return check


def _meeting_ref(c: _Checker, value: Any, path: str) -> None:
    if not isinstance(value, str):
        _text(c, value, path)
    elif value not in c.meetings:
        c.error(path, f"「{value}」は meeting_bodies に定義されていません")


def _slug(c: _Checker, value: Any, path: str) -> None:
    if not isinstance(value, str) or not re.fullmatch(r"[a-z0-9_-]+", value):
        c.error(path, f"「{value}」は半角英小文字・数字・-・_ で書いてください")
    elif value != c.stem:
        c.error(path, f"「{value}」はファイル名({c.stem})と一致させてください")


def _programme_agency(c: _Checker, value: Any, path: str) -> None:
    if isinstance(value, dict):
        _mapping(AGENCY_OVERRIDE)(c, value, path)
    else:
        ANY_PARTY(c, value, path)


def _pillar(c: _Checker, value: Any, path: str) -> None:
    _mapping(PILLAR)(c, value, path)


def _sub_item_fits_project(c: _Checker, value: dict, path: str) -> None:
    if value.get("sub_item") and value.get("project") not in SUB_ITEM_PROJECTS:
        c.error(
            _join(path, "sub_item"),
            f"号内の区分「{sub_item_label(value['sub_item'])}」は1号・3号にだけ書けます"
            f"(この事業は{value.get('project')}号)",
        )


def _sub_items_distinct(c: _Checker, value: Any, path: str) -> None:
    if isinstance(value, list):
        if not value:
            c.error(path, "号内の区分のリストが空です")
        elif len(set(map(str, value))) != len(value):
            c.error(path, "号内の区分が重複しています")


def _department_parent(c: _Checker, value: dict, path: str) -> None:
    """A department's parent is another department, and parents never loop back."""
    seen = {value.get("name")}
    parent = value.get("parent")
    while parent is not None:
        if parent in seen:
            c.error(_join(path, "parent"), f"上位の部署「{parent}」をたどると循環しています")
            return
        seen.add(parent)
        parent = c.department_parents.get(parent)


def sub_item_label(value: Any) -> str:
    """``イ`` or a list ``[イ, ロ, ハ]`` as the structure CSV writes it: ``イ・ロ・ハ``."""
    if not value:
        return ""
    return "・".join(map(str, value)) if isinstance(value, list) else str(value)


def _period_in_order(c: _Checker, value: dict, path: str) -> None:
    start, end = fiscal_year(value.get("from")), fiscal_year(value.get("to"))
    if start and end and start > end:
        c.error(path, f"開始年度 {value['from']} が終了年度 {value['to']} より後です")


def _no_parent_cycle(c: _Checker, value: dict, path: str) -> None:
    if value.get("parent") == value.get("name"):
        c.error(_join(path, "parent"), "会議体が自分自身を parent にしています")


def _both_checks(*checks: Callable[[_Checker, dict, str], None]):
    def check(c: _Checker, value: dict, path: str) -> None:
        for each in checks:
            each(c, value, path)

    return check


def _sharing_until(c: _Checker, value: Any, path: str) -> None:
    if value != "next_session":
        if isinstance(value, int) and not isinstance(value, bool):
            _positive(c, value, path)
        else:
            c.error(path, f"「{value}」は next_session か日数(整数)で書いてください")


ANY_PARTY = _ref(*PARTY_LISTS)
DEPARTMENT = _ref("departments")
FORMS = _list_of(_choice(tuple(OperatingForm.values), "運営形態"))

PARTY_BASE = {
    "name": Key(_text, required=True),
    "formal_name": Key(_text),
    "description": Key(_text),
}
AREAS = _list_of(_area_ref)
SITE = {"name": Key(_text), "area": Key(_area_ref)}
STAFF = {
    "role": Key(_text, required=True),
    "count": Key(_count),
    "level": Key(_level_ref),
    "note": Key(_text),
}
BASELINE = {
    "label": Key(_text, required=True),
    "value": Key(_number, required=True),
    "unit": Key(_text),
    "year": Key(_year, required=True),
    "note": Key(_text),
}
AREA_LEVEL = {"name": Key(_text, required=True), "count": Key(_positive), "note": Key(_text)}
AREA = {
    "name": Key(_text, required=True),
    "level": Key(_level_ref, required=True),
    "parent": Key(_area_ref),
    "towns": Key(_list_of(_text)),
    "note": Key(_text),
}
PILLAR = {
    "name": Key(_text, required=True),
    "kind": Key(_text),
    "description": Key(_text),
    "projects": Key(_list_of(_choice(PROJECTS, "法定事業"))),
    "children": Key(_list_of(_pillar)),
}
DEPARTMENT_ENTRY = {
    **PARTY_BASE,
    "parent": Key(DEPARTMENT),
    "staff": Key(_list_of(_mapping(STAFF))),
}
AGENCY_OVERRIDE = {
    "name": Key(ANY_PARTY, required=True),
    "content": Key(_text),
    "departments": Key(_list_of(DEPARTMENT)),
    "areas": Key(AREAS),
    "sites": Key(_count),
    "sites_note": Key(_text),
    "operating_form": Key(FORMS),
    "form_note": Key(_text),
    "operator": Key(ANY_PARTY),
    "operator_note": Key(_text),
    "service_area": Key(_text),
}
PERIOD = {"from": Key(_year, required=True), "to": Key(_year), "note": Key(_text)}
STAGE = {
    "name": Key(_text, required=True),
    "from": Key(_year),
    "to": Key(_year),
    "description": Key(_text),
}
PLAN = {
    "title": Key(_text),
    "generation": Key(_positive),
    "draft": Key(_boolean),
    "parent_plan": Key(_text),
    "local_name": Key(_text),
    "pillars": Key(_list_of(_pillar)),
    "period": Key(_mapping(PERIOD, _period_in_order)),
    "stages": Key(_list_of(_mapping(STAGE, _period_in_order))),
}
MUNICIPALITY = {
    "name": Key(_text, required=True),
    "prefecture": Key(_text),
    "plan": Key(_mapping(PLAN)),
}
AGENCY = {
    **PARTY_BASE,
    "department": Key(DEPARTMENT),
    "operating_form": Key(FORMS),
    "operator": Key(ANY_PARTY),
    "sites": Key(_sites),
    "sites_note": Key(_text),
    "service_area": Key(_text),
    "areas": Key(AREAS),
    "staff": Key(_list_of(_mapping(STAFF))),
    "baselines": Key(_list_of(_mapping(BASELINE))),
}
ORGANISATION = {**PARTY_BASE, "staff": Key(_list_of(_mapping(STAFF)))}
PARTNER = {**PARTY_BASE, "scope": Key(_choice(SCOPES, "範囲"))}
PROGRAMME = {
    "project": Key(_choice(PROJECTS, "法定事業"), required=True),
    "sub_item": Key(_both(_list_of(_choice(SUB_ITEMS, "号内の区分")), _sub_items_distinct)),
    "field": Key(_choice(tuple(Field.values), "分野")),
    "name": Key(_text, required=True),
    "variant": Key(_text),
    "target": Key(_text),
    "content": Key(_text),
    "sites": Key(_sites),
    "sites_note": Key(_text),
    "operating_form": Key(FORMS),
    "form_note": Key(_text),
    "operator": Key(ANY_PARTY),
    "operator_note": Key(_text),
    "departments": Key(_list_of(DEPARTMENT)),
    "service_area": Key(_text),
    "areas": Key(AREAS),
    "start": Key(_year),
    "transition_years": Key(_list_of(_year)),
    "staff": Key(_list_of(_mapping(STAFF))),
    "baselines": Key(_list_of(_mapping(BASELINE))),
    "agencies": Key(_list_of(_programme_agency)),
}
MEETING_BODY = {
    "name": Key(_text, required=True),
    "functions": Key(_list_of(_choice(tuple(MeetingFunction.values), "会議体の機能")), True),
    "consent": Key(_choice(tuple(ConsentRule.values), "本人同意の扱い"), required=True),
    "frequency": Key(_text),
    "convener": Key(_list_of(_ref("departments", "organisations", "agencies"))),
    "operating_form": Key(FORMS),
    "form_note": Key(_text),
    "department": Key(DEPARTMENT),
    "members": Key(_list_of(ANY_PARTY)),
    "members_note": Key(_text),
    "other_members": Key(_list_of(_text)),
    "purpose": Key(_text),
    "parent": Key(_meeting_ref),
    "areas": Key(AREAS),
    "per_area": Key(_level_ref),
    "instance_names": Key(_instance_names),
    "status": Key(_choice(tuple(BodyStatus.values), "会議体の状態")),
    "concluded_on": Key(_date),
    "conclusion": Key(_text),
    "chair": Key(ANY_PARTY),
    "chair_note": Key(_text),
    "member_count": Key(_count),
}
SETTINGS = {
    "coordinating_agency": Key(ANY_PARTY),
    "referral_due_working_days": Key(_positive),
    "confidential_sharing_until": Key(_sharing_until),
    "plan_approval_without_meeting": Key(_boolean),
    "issue_tags_extra": Key(_list_of(_text)),
}
TOP = {
    "slug": Key(_slug, required=True),
    "municipality": Key(_mapping(MUNICIPALITY), required=True),
    "area_levels": Key(_list_of(_mapping(AREA_LEVEL))),
    "areas": Key(_list_of(_mapping(AREA, _area_parent))),
    "departments": Key(_list_of(_mapping(DEPARTMENT_ENTRY, _department_parent)), required=True),
    "organisations": Key(_list_of(_mapping(ORGANISATION))),
    "agencies": Key(_list_of(_mapping(AGENCY)), required=True),
    "partners": Key(_list_of(_mapping(PARTNER))),
    "programmes": Key(_list_of(_mapping(PROGRAMME, _sub_item_fits_project)), required=True),
    "meeting_bodies": Key(
        _list_of(_mapping(MEETING_BODY, _both_checks(_no_parent_cycle, _per_area_fits))),
        required=True,
    ),
    "settings": Key(_mapping(SETTINGS)),
}
