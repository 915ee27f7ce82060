import csv

from django.core.management.base import BaseCommand, CommandError

from tsunagu.lib.exports import safe_row
from tsunagu.municipality.models import ConsentRule, MeetingFunction, Municipality, StatutoryProject
from tsunagu.municipality.profile import profile_slug
from tsunagu.municipality.selectors import (
    STRUCTURE_HEADER,
    area_rows,
    meeting_bodies,
    structure_rows,
)


class Command(BaseCommand):
    help = "読み込み済みの自治体プロファイルの実施体制(実施事業 × 機関)を出力します。"

    def add_arguments(self, parser):
        parser.add_argument(
            "profile", help="プロファイル名 (例: kobayashi) または YAML ファイルのパス"
        )
        parser.add_argument("--format", choices=["csv", "text"], default="text")

    def handle(self, *args, profile, format, **options):
        municipality = Municipality.objects.filter(slug=profile_slug(profile)).first()
        if municipality is None:
            raise CommandError(
                f"自治体プロファイル「{profile}」が読み込まれていません。先に "
                f"python manage.py load_profile {profile} を実行してください。"
            )
        if format == "csv":
            writer = csv.writer(self.stdout, lineterminator="\n")
            writer.writerow(STRUCTURE_HEADER)
            writer.writerows(safe_row(row) for row in structure_rows(municipality))
        else:
            self._text(municipality, structure_rows(municipality, variants=True))

    def _text(self, municipality, rows):
        self.stdout.write(f"{municipality.name} 実施体制")
        for project in StatutoryProject:
            project_rows = [r for r in rows if r[0].startswith(f"{project.value}号")]
            self.stdout.write(f"\n■ {project.label}")
            if not project_rows:
                self.stdout.write("  (なし)")
            for row in project_rows:
                self.stdout.write("  " + _text_row(row))
        self.stdout.write("\n■ 会議体")
        for body in meeting_bodies(municipality):
            functions = "・".join(MeetingFunction(f).label for f in body.functions)
            consent = ConsentRule(body.consent_rule).label
            extra = f" / {body.frequency}" if body.frequency else ""
            self.stdout.write(f"  {body.name}: {functions} / {consent}{extra}")
            for instance in body.instances.all():
                self.stdout.write(f"    - {instance.name}")
        self._areas(municipality)

    def _areas(self, municipality):
        self.stdout.write("\n■ 圏域")
        for level in municipality.area_levels.all():
            stated = f"(計画上 {level.stated_count})" if level.stated_count else ""
            named = level.areas.filter(in_profile=True).count()
            self.stdout.write(f"  階層 {level.name}{stated}: 名前のある圏域 {named}")
        for row in area_rows(municipality):
            served = "、".join(
                [a.name for a in row.agencies] + row.programmes + [b.name for b in row.bodies]
            )
            indent = "  " * (row.depth + 1)
            self.stdout.write(f"{indent}{row.area.name} [{row.area.level.name}]: {served or '-'}")


def _text_row(row: tuple[str, ...]) -> str:
    label, field, programme, agency = row[:4]
    head = " ".join(v for v in (label, f"[{field}]" if field else "", programme) if v)
    details = "、".join(
        f"{h}: {v}" for h, v in zip(STRUCTURE_HEADER[4:], row[4:], strict=True) if v
    )
    return f"{head} — {agency or '(機関の記載なし)'}" + (f"({details})" if details else "")
