"""HSDS 3 export validated by the official schema, re-imported with no difference."""

import io
import json
import zipfile

import pytest
from django.urls import reverse

from tsunagu.access.models import AuditEvent
from tsunagu.resources import hsds
from tsunagu.resources.hsds_import import import_document
from tsunagu.resources.models import Organization, Resource


@pytest.fixture
def exported(client, coordinator, salon, internal_cafe, community_programme):
    client.force_login(coordinator)
    response = client.get(reverse("resources:export_hsds_json"))
    assert response.status_code == 200
    return response.content


def test_export_validates_against_the_official_schema(exported):
    document = json.loads(exported)
    assert hsds.schema_errors(document) == []
    assert [s["name"] for s in document["service"]] == ["ひまわりサロン"]
    for table in (
        "organization",
        "location",
        "schedule",
        "service_at_location",
        "service_area",
        "contact",
    ):
        assert document[table], table
    byday = {s.get("byday") for s in document["schedule"]}
    assert {"MO", "1TH,3TH"} <= byday


def test_export_leaves_out_internal_resources_and_personal_fields(exported):
    text = exported.decode()
    for secret in ["内部検討中カフェ", "会場の鍵は区長宅で管理", "社協 担当花子", "内緒 秘子"]:
        assert secret not in text
    assert "世話役 公子" in text  # a coordinator who agreed to be named


def test_schema_check_names_table_row_and_field(exported):
    document = json.loads(exported)
    document["service"][0]["status"] = "open-ish"
    errors = hsds.schema_errors(document)
    assert errors and errors[0].startswith("service 1件目「status」")


def test_export_import_round_trip_has_no_difference(exported, coordinator, town):
    Resource.objects.all().delete()
    Organization.objects.all().delete()
    dry = import_document(
        user=coordinator, municipality=town.municipality, data=exported, apply=False
    )
    assert not dry.errors and dry.count("新規登録") == 2
    assert not Resource.objects.exists()  # a dry run writes nothing
    done = import_document(
        user=coordinator, municipality=town.municipality, data=exported, apply=True
    )
    assert done.applied
    again = hsds.to_json(hsds.export_tables(town.municipality))
    assert json.loads(again) == json.loads(exported)
    unchanged = import_document(
        user=coordinator, municipality=town.municipality, data=again, apply=False
    )
    assert unchanged.count("変更なし") == 2
    assert AuditEvent.objects.filter(action="import").exists()


def test_import_reports_changes_by_field(exported, coordinator, town):
    document = json.loads(exported)
    document["service"][0]["fees_description"] = "無料"
    data = json.dumps(document).encode()
    report = import_document(
        user=coordinator, municipality=town.municipality, data=data, apply=False
    )
    assert any(line.action == "更新" and "参加費" in line.detail for line in report.lines)


def test_import_with_an_error_applies_nothing(client, exported, coordinator, town):
    document = json.loads(exported)
    document["service"][0]["name"] = "新しい名前"
    document["service"][0]["organization_id"] = "00000000-0000-4000-8000-000000000000"
    upload = io.BytesIO(json.dumps(document).encode())
    upload.name = "hsds.json"
    response = client.post(reverse("resources:import"), {"file": upload, "apply": "on"})
    body = response.content.decode()
    assert "取り込めません" in body and "organization_id" in body and "運営団体" in body
    assert not Resource.objects.filter(name="新しい名前").exists()


@pytest.mark.parametrize("data", [b"\x00\xff", b"{not json", b"[]", b'{"service": "x"}'])
def test_unreadable_files_get_a_japanese_message(client, coordinator, community_programme, data):
    client.force_login(coordinator)
    upload = io.BytesIO(data)
    upload.name = "x.json"
    response = client.post(reverse("resources:import"), {"file": upload})
    assert response.status_code == 200
    assert "取り込めません" in response.content.decode()


def test_csv_zip_has_hsds_files_with_formula_cells_escaped(client, coordinator, salon, town):
    salon.fee = "=1+1"
    salon.save()
    client.force_login(coordinator)
    response = client.get(reverse("resources:export_hsds_csv"))
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert "services.csv" in archive.namelist() and "schedules.csv" in archive.namelist()
    services = archive.read("services.csv").decode("utf-8-sig")
    assert "'=1+1" in services and "ひまわりサロン" in services
