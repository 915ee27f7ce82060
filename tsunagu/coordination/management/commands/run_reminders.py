import datetime

from django.core.management.base import BaseCommand

from tsunagu.coordination import reminders


class Command(BaseCommand):
    help = "期日の近いモニタリングと役割分担のお知らせを作成します。毎日実行します(cron)。"

    def add_arguments(self, parser):
        parser.add_argument("--today", type=datetime.date.fromisoformat, default=None)

    def handle(self, *args, today=None, **options):
        count = reminders.find_due(today=today)
        self.stdout.write(f"作成したお知らせ: {count}件")
