"""`make demo`: migrate, load the profile, seed the demo data and serve it, in one command.

The browser test of the demo (tests/e2e/test_demo_server.py) starts this same command, so
what a newcomer sees is what is tested: static files come from WhiteNoise with DEBUG off.
"""

import errno
import socket

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError


def port_taken(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            return exc.errno in (errno.EADDRINUSE, errno.EACCES)
    return False


class Command(BaseCommand):
    help = "デモ環境を準備して起動します (マイグレーション、プロファイル読み込み、デモデータ投入、起動)。"

    def add_arguments(self, parser):
        parser.add_argument("--profile", default="kobayashi", help="自治体プロファイル名")
        parser.add_argument("--port", type=int, default=8000, help="待ち受けるポート番号")
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--scale", default="small")

    def handle(self, *args, profile, port, host, scale, **options):
        if not 0 < port < 65536:
            raise CommandError(f"ポート番号 {port} は使えません (1〜65535 を指定してください)。")
        if port_taken(host, port):
            raise CommandError(
                f"ポート {port} は既に使われています。別のポートを指定してください"
                f" (例: make demo PORT={port + 80})。"
            )
        call_command("migrate", interactive=False, verbosity=0)
        call_command("load_profile", profile)
        call_command("seed_demo", profile=profile, scale=scale)
        self.stdout.write(f"\n  tsunagu: http://{host}:{port}/  (Ctrl+C で終了)\n")
        call_command("runserver", f"{host}:{port}", use_reloader=False)
