import itertools
import threading

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from tsunagu.access import audit
from tsunagu.access.models import AuditChainHead, AuditEvent, AuditLogIsAppendOnly


def _write_events(user, n=5):
    return [audit.log(user, "view", "people.person", person=i, purpose="テスト") for i in range(n)]


def _raw(sql, *params):
    with connection.cursor() as cursor:
        cursor.execute(sql.replace("$t", AuditEvent._meta.db_table), params)


def _verify(capsys):
    try:
        call_command("verify_audit")
    except SystemExit as exit_:
        return exit_.code, capsys.readouterr().err
    return 0, capsys.readouterr().out


def test_each_event_chains_to_the_previous(owner):
    events = _write_events(owner)
    assert events[0].prev_hash == audit.GENESIS
    for before, after in itertools.pairwise(events):
        assert after.prev_hash == before.hash
    assert AuditChainHead.objects.get().hash == events[-1].hash
    assert events[-1].agency_id == next(iter(owner.agency_ids()))


def test_verify_audit_passes_on_an_intact_log(owner, capsys):
    _write_events(owner)
    code, out = _verify(capsys)
    assert code == 0
    assert "改ざん・欠落はありません" in out


def test_verify_audit_detects_an_edited_event(owner, capsys):
    events = _write_events(owner)
    _raw("UPDATE $t SET purpose = %s WHERE id = %s", "書き換え", events[2].pk)
    code, err = _verify(capsys)
    assert code == 1
    assert f"#{events[2].pk}" in err
    assert "内容が記録後に変更されています" in err


def test_verify_audit_detects_a_deleted_event(owner, capsys):
    events = _write_events(owner)
    _raw("DELETE FROM $t WHERE id = %s", events[2].pk)
    code, err = _verify(capsys)
    assert code == 1
    assert f"#{events[3].pk}" in err
    assert f"最後に正しく確認できた記録: #{events[1].pk}" in err


def test_verify_audit_detects_events_removed_from_the_end(owner, capsys):
    events = _write_events(owner)
    _raw("DELETE FROM $t WHERE id >= %s", events[3].pk)
    code, err = _verify(capsys)
    assert code == 1
    assert f"#{events[2].pk}" in err
    assert f"#{events[4].pk} まで" in err


def test_verify_audit_detects_a_rehashed_edit(owner, capsys):
    """Editing an event and recomputing its own hash still breaks the next link."""
    events = _write_events(owner)
    target = AuditEvent.objects.get(pk=events[1].pk)
    target.purpose = "書き換え"
    new_hash = audit._digest(target.prev_hash, audit.event_fields(target))
    _raw("UPDATE $t SET purpose = %s, hash = %s WHERE id = %s", "書き換え", new_hash, target.pk)
    code, err = _verify(capsys)
    assert code == 1
    assert f"#{events[2].pk}" in err


def test_orm_refuses_update_and_delete(owner):
    event = _write_events(owner, 1)[0]
    event.purpose = "変更"
    with pytest.raises(AuditLogIsAppendOnly):
        event.save()
    with pytest.raises(AuditLogIsAppendOnly):
        event.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(purpose="変更")
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).delete()
    assert AuditEvent.objects.get(pk=event.pk).purpose == "テスト"


def test_admin_shows_the_log_read_only(owner, client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", password="x"))
    event = _write_events(owner, 1)[0]
    assert client.get(f"/admin/access/auditevent/{event.pk}/change/").status_code == 200
    assert client.post(f"/admin/access/auditevent/{event.pk}/delete/").status_code == 403
    assert client.get("/admin/access/auditevent/add/").status_code == 403


# Defined only on PostgreSQL: SQLite's in-memory test database is shared-cache, where a
# second writer fails with "table is locked" instead of waiting; real SQLite files serialise
# writers with IMMEDIATE transactions (settings.py), so there is no race to test there.
if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):

    @pytest.mark.django_db(transaction=True)
    def test_concurrent_writers_keep_one_chain():
        """Writers in parallel threads (own connections) must not fork the chain: the
        FOR UPDATE lock on the chain head serialises them under READ COMMITTED."""
        threads, per_thread = 4, 15
        barrier = threading.Barrier(threads)
        errors = []

        def writer(n):
            try:
                barrier.wait()
                for i in range(per_thread):
                    audit.log(None, "view", "people.person", person=n * 100 + i)
            except Exception as exc:  # surfaced by the assertion below
                errors.append(exc)
            finally:
                connection.close()

        workers = [threading.Thread(target=writer, args=(n,)) for n in range(threads)]
        for worker in workers:
            worker.start()
        for worker in workers:
            worker.join()
        assert errors == []
        hashes = list(AuditEvent.objects.order_by("pk").values_list("prev_hash", "hash"))
        assert len(hashes) == threads * per_thread
        assert len({prev for prev, _ in hashes}) == len(hashes), "two events share a predecessor"
        assert audit.verify_chain() == (threads * per_thread, None)


def _rewrite_chain_from(event):
    """What someone with write access to the table could do: change an event and recompute
    every later hash and the head, so that the chain alone verifies again."""
    _raw("UPDATE $t SET purpose = %s WHERE id = %s", "書き換え", event.pk)
    prev = event.prev_hash
    for e in AuditEvent.objects.filter(pk__gte=event.pk).order_by("pk"):
        digest = audit._digest(prev, audit.event_fields(e))
        _raw("UPDATE $t SET prev_hash = %s, hash = %s WHERE id = %s", prev, digest, e.pk)
        prev = digest
    AuditChainHead.objects.filter(pk=1).update(hash=prev)


def _verify_with(capsys, anchors):
    try:
        call_command("verify_audit", anchors=str(anchors))
    except SystemExit as exit_:
        return exit_.code, capsys.readouterr().err
    return 0, capsys.readouterr().out


def test_an_anchor_kept_elsewhere_exposes_a_recomputed_chain(owner, capsys, tmp_path):
    anchors = tmp_path / "anchors.jsonl"
    events = _write_events(owner)
    call_command("anchor_audit", to=str(anchors))
    _write_events(owner, 2)
    call_command("anchor_audit", to=str(anchors))
    assert len(anchors.read_text(encoding="utf-8").splitlines()) == 2
    assert _verify_with(capsys, anchors)[0] == 0

    _rewrite_chain_from(events[1])
    assert _verify(capsys)[0] == 0  # the chain alone no longer shows it
    code, err = _verify_with(capsys, anchors)
    assert code == 1
    assert f"監査ログ #{events[-1].pk} が控え" in err and "書き換えられています" in err


def test_an_unreadable_anchor_file_is_named_with_its_line(owner, tmp_path):
    anchors = tmp_path / "anchors.jsonl"
    _write_events(owner, 1)
    call_command("anchor_audit", to=str(anchors))
    with anchors.open("a", encoding="utf-8") as out:
        out.write("{not json\n")
    with pytest.raises(CommandError, match="2 行目を読めません"):
        call_command("verify_audit", anchors=str(anchors))
    with pytest.raises(CommandError, match="がありません"):
        call_command("verify_audit", anchors=str(tmp_path / "none.jsonl"))
