"""Migration 0005 (profile format v3) keeps a database loaded with v2 profiles: rows and ids
stay, each delivery row gets its programme's 所管課, and the v3 profile then reloads in
place."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("municipality", "0004_areas")]
AFTER = [("municipality", "0005_profile_format_v3")]


@pytest.fixture
def back_to_latest():
    """Whatever happens, leave the schema at the latest migrations for the tests after."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_v2_rows_survive_the_v3_migration(back_to_latest):
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    old = executor.loader.project_state(BEFORE).apps
    municipality = old.get_model("municipality", "Municipality").objects.create(
        slug="minato", name="みなと町"
    )
    agency_model = old.get_model("municipality", "Agency")
    department = agency_model.objects.create(
        municipality=municipality, kind="department", name="福祉課"
    )
    second = agency_model.objects.create(
        municipality=municipality, kind="department", name="子育て支援課"
    )
    centre = agency_model.objects.create(
        municipality=municipality, kind="agency", name="みなと町地域包括支援センター"
    )
    programme = old.get_model("municipality", "Programme").objects.create(
        municipality=municipality, project=1, name="利用者支援事業"
    )
    link = old.get_model("municipality", "ProgrammeDepartment")
    link.objects.create(programme=programme, department=department, order=0)
    link.objects.create(programme=programme, department=second, order=1)
    delivery = old.get_model("municipality", "Delivery").objects.create(
        programme=programme, agency=centre, service_area="町全域"
    )
    body = old.get_model("municipality", "MeetingBody").objects.create(
        municipality=municipality, name="支援会議", functions=["confidential"], consent_rule="n/a"
    )

    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    new = executor.loader.project_state(AFTER).apps
    row = new.get_model("municipality", "Delivery").objects.get(pk=delivery.pk)
    assert (row.department_names, row.service_area) == ("福祉課・子育て支援課", "町全域")
    kept = new.get_model("municipality", "MeetingBody").objects.get(pk=body.pk)
    assert (kept.name, kept.status, kept.declaration_id) == ("支援会議", "standing", None)
    assert (
        new.get_model("municipality", "Agency")
        .objects.filter(municipality_id=municipality.pk)
        .count()
        == 3
    )
