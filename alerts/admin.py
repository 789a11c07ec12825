from django.contrib import admin

from .models import Alert, Subscriber


class ReadOnly(admin.ModelAdmin):
    """Moderators look and delete (a complaint, an abuse); the address's owner edits through
    the manage link."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class AlertInline(admin.TabularInline):
    model = Alert
    fields = readonly_fields = (
        "language",
        "query",
        "frequency",
        "paused",
        "confirmed_at",
        "last_sent_at",
    )
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Subscriber)
class SubscriberAdmin(ReadOnly):
    list_display = ["email", "confirmed_at", "bounced_at", "created_at"]
    list_filter = [
        ("confirmed_at", admin.EmptyFieldListFilter),
        ("bounced_at", admin.EmptyFieldListFilter),
    ]
    search_fields = ["email"]
    inlines = [AlertInline]


@admin.register(Alert)
class AlertAdmin(ReadOnly):
    list_display = ["subscriber", "language", "query", "frequency", "paused", "last_sent_at"]
    list_filter = ["frequency", "language", "paused"]
    list_select_related = ["subscriber"]
    search_fields = ["subscriber__email", "query"]
    show_full_result_count = False
