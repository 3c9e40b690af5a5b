from django.contrib import admin

from datasets.models import Dataset, DatasetColumn, DatasetVersion, PinnedPanel


class ColumnInline(admin.TabularInline):
    model = DatasetColumn
    extra = 0


@admin.register(Dataset)
class DatasetAdmin(admin.ModelAdmin):
    list_display = ("title", "sector", "agency", "status", "frequency", "is_demo")
    list_filter = ("sector", "status", "agency")
    search_fields = ("title", "slug")
    inlines = [ColumnInline]


@admin.register(DatasetVersion)
class DatasetVersionAdmin(admin.ModelAdmin):
    list_display = ("dataset", "number", "row_count", "published_at")
    readonly_fields = ("dataset", "number", "rows", "row_count", "source_name", "published_by", "published_at")


admin.site.register(PinnedPanel)
