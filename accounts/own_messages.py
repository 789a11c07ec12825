"""Success messages in the panel's own words, for every admin of the panel."""

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.http import HttpRequest

if TYPE_CHECKING:  # django-stubs' helper, a development dependency
    from django_stubs_ext import StrOrPromise


class OwnMessages:
    """Success messages written for each model ("La oferta «…» se ha guardado."): Django's
    generic "The {name} “{obj}” was added" puts the wrong article before a feminine noun in
    Spanish, French or German. `saved_message` and `deleted_message` take %(name)s."""

    saved_message: "StrOrPromise"
    deleted_message: "StrOrPromise"

    def message_name(self, obj: Any) -> str:
        return str(obj)

    def response_add(self, request: HttpRequest, obj: Any, post_url_continue=None):
        with _saying(request, self.saved_message % {"name": self.message_name(obj)}):
            return super().response_add(request, obj, post_url_continue)  # type: ignore[misc]

    def response_change(self, request: HttpRequest, obj: Any):
        with _saying(request, self.saved_message % {"name": self.message_name(obj)}):
            return super().response_change(request, obj)  # type: ignore[misc]

    def response_delete(self, request: HttpRequest, obj_display: str, obj_id: int):
        with _saying(request, self.deleted_message % {"name": obj_display}):
            return super().response_delete(request, obj_display, obj_id)  # type: ignore[misc]

    def message_user(self, request: HttpRequest, message, level=messages.INFO, *args, **kwargs):
        own = getattr(request, "_own_success_message", None)
        if own is not None and level == messages.SUCCESS:
            message = own
        super().message_user(request, message, level, *args, **kwargs)  # type: ignore[misc]


@contextmanager
def _saying(request: HttpRequest, message: str) -> Iterator[None]:
    request._own_success_message = message  # type: ignore[attr-defined]
    try:
        yield
    finally:
        del request._own_success_message  # type: ignore[attr-defined]
