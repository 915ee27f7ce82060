"""Append the audit chain's current end to the anchor file (one JSON object per line)."""

from django.conf import settings
from django.core.management.base import BaseCommand

from tsunagu.access.audit import write_anchor


class Command(BaseCommand):
    help = (
        "監査ログの末尾(記録番号とハッシュ)を控えのファイルに追記します。"
        "控えはデータベースの管理者が書き換えられない場所に置き、verify_audit --anchors で照合します。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--to", default=str(settings.AUDIT_ANCHOR_FILE), help="控えのファイル")

    def handle(self, *args, **options):
        line = write_anchor(options["to"])
        self.stdout.write(f"監査ログの控えを {options['to']} に追記しました: {line}")
