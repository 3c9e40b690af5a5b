"""Demo data: the accounts of API.md, the agencies and the demo catalogue. Safe to run again (idempotent)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction

from procedures.demo.seed import seed_demo


class Command(BaseCommand):
    help = "Tạo dữ liệu trình diễn (tài khoản, cơ quan, danh mục thủ tục). Chạy lại nhiều lần vẫn an toàn."

    def add_arguments(self, parser):
        parser.add_argument(
            "--history",
            type=int,
            default=None,
            help="Number of past dossiers to generate for the dashboards (default: enough to make charts meaningful).",
        )

    def handle(self, *args, **options):
        with transaction.atomic():
            summary = seed_demo(history=options["history"])
        for line in summary:
            self.stdout.write(line)
        self.stdout.write(self.style.SUCCESS("Demo data ready. Password for every demo account: demo-Portal-2026"))
