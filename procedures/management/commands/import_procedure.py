"""Import a procedure template: `manage.py import_procedure file.json --agency <identity code> [--draft]`.

Without --draft the template is validated and published (refused with every problem listed); with --draft it lands
in the procedure's draft for an admin to review in the editor. Importing the same template again changes nothing.
"""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand, CommandError

from procedures.errors import InvalidInput
from procedures.models import Agency
from procedures.services.catalogue import procedure_import


class Command(BaseCommand):
    help = "Nhập mẫu thủ tục từ tệp JSON (do export_procedure tạo ra)."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Tệp JSON, hoặc - để đọc từ stdin")
        parser.add_argument("--agency", required=True, help="Mã định danh cơ quan thực hiện, ví dụ 000.00.12.H26")
        parser.add_argument("--draft", action="store_true", help="Chỉ tạo bản nháp, không công bố")

    def handle(self, *args, file, agency, draft, **options):
        target = Agency.objects.filter(identity_code=agency).first()
        if target is None:
            raise CommandError(f"Không có cơ quan {agency}.")
        try:
            if file == "-":
                template = json.load(sys.stdin)
            else:
                with open(file, encoding="utf-8") as handle:
                    template = json.load(handle)
        except (OSError, ValueError) as exc:
            raise CommandError(f"Không đọc được {file}: {exc}") from exc
        if not isinstance(template, dict) or not template.get("code") or not isinstance(template.get("version"), dict):
            raise CommandError("Tệp không phải mẫu thủ tục (cần “code” và “version”).")
        try:
            procedure = procedure_import(template=template, agency=target, publish=not draft)
        except InvalidInput as exc:
            problems = [str(p) for items in (exc.errors or {}).values() for p in items]
            raise CommandError("\n".join([str(exc.message), *problems])) from exc
        except (KeyError, TypeError, ValueError) as exc:
            raise CommandError(f"Mẫu thiếu hoặc sai trường: {exc}") from exc
        version = procedure.versions.order_by("-number").first()
        self.stdout.write(
            self.style.SUCCESS(f"{procedure.code}: phiên bản {version.number} ({version.get_status_display()}).")
        )
