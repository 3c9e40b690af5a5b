"""Dossier forms: one schema, three uses (API validation, the citizen's form, the officer's view).

A procedure version stores its form as a list of field definitions (see API.md)::

    {"key", "label", "label_en"?, "help"?, "help_en"?, "type", "required"?, "options"?: [{"value", "label",
     "label_en"?}], "min"?, "max"?, "pattern"?, "visible_if"?: {"field", "equals"}, "fields"?: [...]}

This module is pure Python: no ORM, no Django settings, no translation machinery. Every message exists in
Vietnamese and English (``Message``) and carries a stable machine-readable ``code``.

Public API
----------
``FIELD_TYPES``
    frozenset of the type names.
``clean_data(fields, data) -> dict``
    the data as it should be stored: hidden fields removed, values normalised (numeric strings to numbers, strings
    stripped, phone separators removed, "on"/"true" to True, address codes zero-padded). Unknown keys and values of
    the wrong type are kept so that validation reports them. ``data`` must be a dict (else ``TypeError``).
``collect_errors(fields, data, *, partial=False, today=None) -> list[FieldError]``
    every problem, with path, code and both languages.
``validate_data(fields, data, *, partial=False, lang="vi", today=None) -> dict[str, list[str]]``
    ``{path: [message, ...]}``, empty when valid; validates the cleaned view of ``data``.
``validate_definition(fields, *, lang="vi") -> list[str]``
    the problems that prevent publishing a template; empty when publishable.
``display_rows(fields, data, lang="vi") -> list[dict]``
    ``[{"key", "label", "type", "value_display", "level"}]`` for officers (level-1 rows of a group also carry
    ``"item"``, the 1-based item number).
``is_visible(field, values) -> bool``
    whether a field's ``visible_if`` condition holds for the (cleaned) sibling values.

Semantics worth knowing
-----------------------
* ``visible_if`` hides a field unless the referenced field's (cleaned) value equals ``equals``; for a multiselect
  reference the field is also visible when ``equals`` is one of the chosen values. A field whose reference is itself
  hidden is hidden. Hidden fields are never required and their values are dropped by ``clean_data`` (so a value given
  for a hidden field is ignored, not an error).
* "Required" means present and non-empty (``None``, a blank string, an empty list for multiselect/group, an address
  with no parts are empty); a required checkbox must be ``True``. ``partial=True`` (draft saving) skips required
  checks, minimum item counts and address completeness; types and every other rule are still checked.
* A non-required value that is empty is not type-checked.
* ``pattern`` applies to the string types (text, textarea, email, phone, national_id) and must match the whole value;
  it is compiled with ``re.ASCII`` so that ``\\d`` and ``\\w`` mean what they mean in JavaScript.
* ``date`` bounds may be ISO dates or ``"today"`` (the date in Asia/Ho_Chi_Minh, UTC+7, no DST).
* Strings may not contain NUL characters (PostgreSQL cannot store them); text is capped at 1000 characters and
  textarea at 20000 unless ``max`` says otherwise.
"""

from procedures.formschema.clean import clean_data
from procedures.formschema.core import FieldError, Message, is_visible
from procedures.formschema.definition import validate_definition
from procedures.formschema.display import display_rows
from procedures.formschema.validate import collect_errors, validate_data
from procedures.vocabulary import FIELD_TYPES

__all__ = [
    "FIELD_TYPES",
    "FieldError",
    "Message",
    "clean_data",
    "collect_errors",
    "display_rows",
    "is_visible",
    "validate_data",
    "validate_definition",
]
