"""The OpenAPI schema is served and documents the procedures API without warnings from its own modules."""

from __future__ import annotations

import io

import pytest
import yaml
from django.core.management import call_command

pytestmark = pytest.mark.django_db

OWN_MODULES = ("procedures/api/views.py", "procedures/api/serializers.py", "procedures/api/urls.py")


def test_schema_endpoint(api):
    response = api.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    paths = schema["paths"]
    for path, methods in {
        "/api/v1/procedures/": {"get"},
        "/api/v1/procedures/{code}/": {"get"},
        "/api/v1/units/": {"get"},
        "/api/v1/dossiers/": {"get", "post"},
        "/api/v1/dossiers/{dossier_id}/": {"get", "patch"},
        "/api/v1/dossiers/{dossier_id}/submit/": {"post"},
        "/api/v1/dossiers/{dossier_id}/actions/": {"post"},
        "/api/v1/track/{code}/": {"get"},
    }.items():
        assert methods <= set(paths[path]), path
    components = schema["components"]["schemas"]
    assert {"DossierDetail", "DossierActionRequest", "ProcedureDetail", "PaginatedDossierListList", "Track"} <= set(
        components
    )
    assert "sessionToken" in schema["components"]["securitySchemes"]
    # The track endpoint is public; the dossier endpoints are not.
    assert paths["/api/v1/track/{code}/"]["get"].get("security") in ([], [{}], None)
    assert any("sessionToken" in s for s in paths["/api/v1/dossiers/"]["get"]["security"])


def test_swagger_ui(api):
    response = api.get("/api/docs/")
    assert response.status_code == 200
    assert b"swagger" in response.content.lower()


def test_schema_generates_and_validates_without_warnings_from_this_api(tmp_path, capsys):
    target = tmp_path / "schema.yml"
    call_command("spectacular", "--validate", "--file", str(target), stdout=io.StringIO())
    output = capsys.readouterr()
    noise = output.out + output.err
    for module in OWN_MODULES:
        assert module not in noise, noise
    assert "AvailableActions" not in noise and "DossierAction" not in noise, noise
    schema = yaml.safe_load(target.read_text())
    action = schema["components"]["schemas"]["DossierActionRequest"]
    assert {"action", "version"} <= set(action["required"])
