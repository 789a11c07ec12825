from django.contrib import admin
from modeltranslation.admin import TabbedDjangoJqueryTranslationAdmin

from ..models import Category


@admin.register(Category)
class CategoryAdmin(TabbedDjangoJqueryTranslationAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["slug", "name"]
