from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from modeltranslation.admin import TabbedDjangoJqueryTranslationAdmin

from accounts.own_messages import OwnMessages

from ..models import Category


@admin.register(Category)
class CategoryAdmin(OwnMessages, TabbedDjangoJqueryTranslationAdmin):
    saved_message = _("The category “%(name)s” was saved.")
    deleted_message = _("The category “%(name)s” was deleted.")
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["slug", "name"]
