from django.contrib import admin
from modeltranslation.admin import TabbedDjangoJqueryTranslationAdmin

from ..models import Category, Posting


@admin.register(Category)
class CategoryAdmin(TabbedDjangoJqueryTranslationAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["slug", "name"]

    def save_model(self, request, obj: Category, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change:
            Posting.objects.filter(category=obj).refresh_search_context()
