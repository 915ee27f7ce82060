import datetime
import unicodedata

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction

from tsunagu.accounts.models import ROLE_DESCRIPTIONS, Role
from tsunagu.demo import builder, cases, casework, outreach, participation
from tsunagu.demo.meetings import MeetingDemo
from tsunagu.demo.resources import create_resources
from tsunagu.municipality.models import Agency, Municipality
from tsunagu.municipality.profile import profile_slug
from tsunagu.people.models import Person


class Command(BaseCommand):
    help = "デモデータ(利用者・世帯・本人…)を投入します。同じ --seed なら同じデータになります。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--profile",
            required=True,
            help="読み込み済みの自治体プロファイル名 (例: kobayashi) または YAML ファイルのパス",
        )
        parser.add_argument("--scale", choices=sorted(builder.SCALES), default="small")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--today", help="基準日 (YYYY-MM-DD)。既定は実行日")

    def handle(self, *args, profile, scale, seed, today, **options):
        municipality = Municipality.objects.filter(slug=profile_slug(profile)).first()
        if municipality is None:
            raise CommandError(
                f"自治体プロファイル「{profile}」が読み込まれていません。先に "
                f"python manage.py load_profile {profile} を実行してください。"
            )
        missing = missing_for_demo(municipality)
        if missing:
            raise CommandError(
                f"プロファイル「{municipality.slug}」ではデモデータを作れません:\n"
                + "\n".join(f"  ・{line}" for line in missing)
            )
        base_day = datetime.date.fromisoformat(today) if today else datetime.date.today()
        with transaction.atomic():
            logins = builder.create_users(municipality)
            if Person.objects.filter(municipality=municipality).exists():
                self.stdout.write("本人・世帯のデモデータは既にあるため、利用者のみ確認しました。")
            else:
                count = builder.create_population(
                    municipality, scale=scale, seed=seed, today=base_day
                )
                self.stdout.write(f"本人 {count} 件を登録しました。")
                made = casework.create_casework(
                    municipality, scale=scale, seed=seed, today=base_day
                )
                self.stdout.write(
                    f"相談受付 {made['consultations']} 件、"
                    f"つなぐシート {made.get('referrals', 0)} 件を登録しました。"
                )
                self._seed_cases(municipality, scale=scale, seed=seed, today=base_day)
                made = create_resources(municipality, scale=scale, seed=seed, today=base_day)
                self.stdout.write(
                    f"社会資源 {made['resources']} 件(開催記録 {made['records']} 件)、"
                    f"不足資源 {made['gaps']} 件を登録しました。"
                )
                self.stdout.write(
                    participation.seed(municipality, scale=scale, seed=seed, today=base_day)
                )
                made = outreach.create_outreach(municipality, seed=seed, today=base_day)
                self.stdout.write(f"アウトリーチの記録 {made} 件を登録しました。")
        # Fresh bulk-loaded tables have no planner statistics until autovacuum gets to them;
        # without them PostgreSQL picks nested loops that are quadratic in the table size.
        # VACUUM also sets the visibility map, so counts (ページ送りの件数) are index-only:
        # 相談受付一覧 counting 215,000 rows took 184 ms before and 12 ms after.
        # (VACUUM cannot run inside a transaction, e.g. when called from a test.)
        vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if vacuum else "ANALYZE")
        self._print_logins(municipality, logins)

    def _seed_cases(self, municipality, *, scale, seed, today):
        case_builder = cases.make_builder(municipality, seed=seed, today=today)
        if case_builder is None:
            self.stdout.write(coordination_gap(municipality))
            return
        meetings = MeetingDemo(case_builder)
        if not meetings.wire() and municipality.setting("plan_approval_without_meeting", False):
            case_builder.approve = cases.recorded_approval
        made = cases.create_cases(case_builder, scale=scale)
        meetings.hold_planned_sessions()
        meetings.plan_coming_sessions()
        self.stdout.write(
            f"多機関協働の事例 {made['cases']} 件、会議 {meetings.sessions} 回"
            f"(決定 {meetings.decisions} 件)を登録しました。"
        )

    def _print_logins(self, municipality, logins):
        write = self.stdout.write
        write(f"\nデモ利用者 (パスワードはすべて {builder.DEMO_PASSWORD})")
        first = first_visit(municipality, logins)
        if first:
            write("\nはじめての方は、まずこの利用者で試してください:")
            for why, login in first:
                write(f"  {pad(login.username, 28)}{why}")
        write("\n役割の説明:")
        for role in dict.fromkeys(login.role for login in logins):
            write(f"  {pad(Role(role).label, 26)}{ROLE_DESCRIPTIONS[role]}")
        write("\n機関ごとの利用者:")
        groups: dict[Agency, list[builder.DemoLogin]] = {}
        for login in logins:
            groups.setdefault(login.agency, []).append(login)
        for agency, group in groups.items():
            write(f"■ {agency.name}（{agency.get_kind_display()}）")
            for login in group:
                write(f"  {pad(login.username, 28)}{Role(login.role).label}")


def first_visit(municipality, logins) -> list[tuple[str, builder.DemoLogin]]:
    """The three users a first visit should try: a counter's 相談員, the coordinating
    agency's コーディネーター (CSW), and a member of the 主管課."""
    coordinating = municipality.coordinating_agency_id
    lead = builder.lead_department(municipality)
    picks = [
        (
            "相談窓口の相談員: 相談を受け付け、他機関へつなぐ",
            lambda x: x.agency.kind == Agency.Kind.AGENCY and x.role == Role.COUNSELLOR,
        ),
        (
            "多機関協働のコーディネーター (CSW): 複合的な課題の事例を調整する",
            lambda x: x.agency.pk == coordinating and x.role == Role.COORDINATOR,
        ),
        (
            "主管課の統計担当: 今年度の実績と目標、実施体制を見る(個人の記録は見ない)",
            lambda x: lead is not None and x.agency == lead and x.role == Role.STATISTICS,
        ),
    ]
    found = []
    for why, test in picks:
        login = next((x for x in logins if test(x)), None)
        if login is not None:
            found.append((why, login))
    return found


def missing_for_demo(municipality: Municipality) -> list[str]:
    """What the profile lacks for any demo data, in Japanese (empty when nothing is)."""
    if municipality.agencies.filter(in_profile=True, kind=Agency.Kind.AGENCY).exists():
        return []
    return ["支援関係機関がありません(プロファイルの agencies に相談を受ける機関を書いてください)"]


def coordination_gap(municipality: Municipality) -> str:
    """Why no 多機関協働 cases can be made, in Japanese."""
    name = municipality.setting("coordinating_agency")
    if not name:
        return (
            "多機関協働の事例は作成しません(多機関協働の依頼先がありません。プロファイルの "
            "settings に coordinating_agency を書いてください)。"
        )
    if not municipality.agencies.filter(in_profile=True, name=name).exists():
        return (
            f"多機関協働の事例は作成しません(coordinating_agency の機関「{name}」が"
            "プロファイルにありません)。"
        )
    return (
        "多機関協働の事例は作成しません(運用設定 coordinating_agency の機関に"
        "コーディネーターがいません)。"
    )


def pad(text: str, width: int) -> str:
    """Left-justify to a terminal width, counting full-width characters as two columns."""
    used = sum(2 if unicodedata.east_asian_width(ch) in "FW" else 1 for ch in text)
    return text + " " * max(1, width - used)
