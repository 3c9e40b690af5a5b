"""OpenAPI post-processing: every /api/v1/ operation documents the error answers the API contract promises (API.md
"Errors"), in the one shape portal.api_errors writes, so generated clients know them without each view listing them."""

from __future__ import annotations

ERRORS = {
    "400": "Bad input: `detail` says what to change, field errors under the field's name.",
    "401": "Not signed in.",
    "403": "Not allowed (`code` says why, e.g. `mfa_required`).",
    "404": "Not found, or not yours.",
    "409": "Conflict: stale `version`, or the action is not available in the current state.",
    "413": "Request or file too large.",
    "429": "Too many requests; try again later.",
}
ERROR_SCHEMA = {
    "type": "object",
    "properties": {
        "detail": {"type": "string"},
        "code": {"type": "string"},
        "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
    },
    "additionalProperties": True,
}


def document_errors(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in result.get("paths", {}).items():
        if not path.startswith("/api/v1/"):
            continue
        for method, operation in operations.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for status, description in ERRORS.items():
                responses.setdefault(status, {"description": description, "content": reference})
    return result
