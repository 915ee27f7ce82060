import socket

import pytest
from django.core.management import CommandError, call_command

from tsunagu.municipality.models import Municipality


def test_a_taken_port_is_reported_in_japanese_before_anything_is_seeded(db):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(CommandError, match=f"ポート {port} は既に使われています"):
            call_command("demo", profile="kobayashi", port=port)
    assert not Municipality.objects.exists()


def test_an_impossible_port_is_refused(db):
    with pytest.raises(CommandError, match="ポート番号 70000 は使えません"):
        call_command("demo", profile="kobayashi", port=70000)
