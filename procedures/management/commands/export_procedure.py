"""Print a procedure template as JSON: `manage.py export_procedure <code> [--version N] > file.json`."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand, CommandError

from procedures.models import Procedure
from procedures.services.catalogue import procedure_export


class Command(BaseCommand):
    help = "Xuất mẫu thủ tục ra JSON (mặc định phiên bản hiện hành)."

    def create_parser(self, prog_name, subcommand, **kwargs):
        # Our --version is the procedure version; it replaces Django's own --version (the framework's).
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser):
        parser.add_argument("code", help="Mã thủ tục, ví dụ 1.001193")
        parser.add_argument(
            "--version", type=int, default=None, dest="number", help="Số phiên bản (mặc định: hiện hành)"
        )

    def handle(self, *args, code, number, **options):
        procedure = Procedure.objects.select_related("field", "current_version").filter(code=code).first()
        if procedure is None:
            raise CommandError(f"Không có thủ tục {code}.")
        version = None
        if number is not None:
            version = procedure.versions.filter(number=number).first()
            if version is None:
                raise CommandError(f"Thủ tục {code} không có phiên bản {number}.")
        elif procedure.current_version is None:
            version = procedure.versions.order_by("-number").first()
        if version is None and procedure.current_version is None:
            raise CommandError(f"Thủ tục {code} chưa có phiên bản nào.")
        self.stdout.write(json.dumps(procedure_export(procedure, version), ensure_ascii=False, indent=2))
