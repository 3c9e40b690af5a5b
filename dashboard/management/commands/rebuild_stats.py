"""Recompute the statistics tables from every dossier's workflow events."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from dashboard.services import stats_rebuild


class Command(BaseCommand):
    help = (
        "Tính lại toàn bộ bảng thống kê (DossierStat, DailyStat) từ lịch sử xử lý hồ sơ. Chạy sau khi nạp dữ liệu "
        "hàng loạt, khi đổi lịch làm việc hoặc ngưỡng 'sắp đến hạn', hoặc khi trang điều hành báo cần tính lại."
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=2000, help="Dossiers read per batch (default 2000).")

    def handle(self, *args, **options):
        started = time.monotonic()
        verbosity = options["verbosity"]

        def progress(done: int) -> None:
            if verbosity >= 2 and done % 100_000 == 0:
                self.stdout.write(f"  {done:,} dossiers folded ({time.monotonic() - started:.0f} s)")

        result = stats_rebuild(batch_size=options["batch_size"], progress=progress)
        self.stdout.write(
            self.style.SUCCESS(
                f"Rebuilt statistics: {result['dossiers']:,} dossiers, {result['daily_rows']:,} daily rows "
                f"in {time.monotonic() - started:.1f} s."
            )
        )
