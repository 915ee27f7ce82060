from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from tsunagu.municipality.actions import load_profile
from tsunagu.municipality.profile import ProfileInvalid, profile_path


class Command(BaseCommand):
    help = "自治体プロファイル (profiles/NAME.yaml) を検証して読み込みます。誤りがあれば何も変更しません。"

    def add_arguments(self, parser):
        parser.add_argument(
            "profile", help="プロファイル名 (例: kobayashi) または YAML ファイルのパス"
        )

    def handle(self, *args, profile, **options):
        path = profile_path(profile, settings.BASE_DIR)
        try:
            summary = load_profile(path=path)
        except ProfileInvalid as exc:
            for message in exc.messages:
                self.stderr.write(message)
            raise CommandError(
                f"プロファイルに {len(exc.messages)} 件の誤りがあるため、何も変更していません。"
            ) from None
        self.stdout.write(summary.message())
