"""Recompute the audit log's hash chain and report the first altered or missing event."""

from django.core.management.base import BaseCommand

from tsunagu.access.audit import verify_chain


class Command(BaseCommand):
    help = "監査ログのハッシュチェーンを検証し、最初に改ざん・欠落した記録を報告します。"

    def handle(self, *args, **options):
        count, problem = verify_chain()
        if problem:
            self.stderr.write(f"監査ログの検証に失敗しました: {problem}")
            raise SystemExit(1)
        self.stdout.write(f"監査ログ {count} 件を検証しました。改ざん・欠落はありません。")
