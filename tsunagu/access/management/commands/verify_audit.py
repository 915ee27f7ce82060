"""Recompute the audit log's hash chain and report the first altered or missing event;
with --anchors, also check the log against the anchors written by anchor_audit."""

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tsunagu.access.audit import check_anchors, verify_chain


class Command(BaseCommand):
    help = "監査ログのハッシュチェーンを検証し、最初に改ざん・欠落した記録を報告します。"

    def add_arguments(self, parser):
        parser.add_argument("--anchors", help="anchor_audit が書いた控えのファイル")

    def handle(self, *args, **options):
        count, problem = verify_chain()
        if not problem and options["anchors"]:
            problem = check_anchors(_read_anchors(Path(options["anchors"])))
        if problem:
            self.stderr.write(f"監査ログの検証に失敗しました: {problem}")
            raise SystemExit(1)
        self.stdout.write(f"監査ログ {count} 件を検証しました。改ざん・欠落はありません。")


def _read_anchors(path: Path) -> list[dict]:
    if not path.exists():
        raise CommandError(f"控えのファイル {path} がありません。")
    anchors = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            kept = json.loads(line)
            anchors.append({k: kept[k] for k in ("at", "last_event_id", "hash")})
        except (ValueError, KeyError, TypeError):
            raise CommandError(f"控えのファイル {path} の {number} 行目を読めません。") from None
    return anchors
