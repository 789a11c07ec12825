from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt

from accounts import views as accounts_views
from postings.api import api
from postings.sitemaps import SITEMAPS, sitemap_index
from postings.switching import set_language

from . import health, metrics

# `/` has no view: LocaleMiddleware redirects it to the visitor's language prefix
# (language cookie, then Accept-Language, then LANGUAGE_CODE).
urlpatterns = [
    path("robots.txt", health.robots_txt, name="robots_txt"),
    path("favicon.ico", health.favicon, name="favicon"),
    path("sitemap.xml", sitemap_index, name="sitemap_index"),
    path(
        "sitemap-<section>.xml",
        sitemap_views.sitemap,
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("metrics", metrics.metrics_view, name="metrics"),
    # Without a CSRF token, so that the pages holding the language switcher can be cached
    # whole: the view only sets a language cookie and redirects within this site, to the same
    # job or search in the chosen language.
    path("i18n/setlang/", csrf_exempt(set_language), name="set_language"),
    # Password reset for panel users, with the admin's own (translated) pages.
    path(
        "admin/password_reset/",
        accounts_views.PasswordResetView.as_view(),
        name="admin_password_reset",
    ),
    path(
        "admin/password_reset/done/",
        accounts_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "admin/reset/<uidb64>/<token>/",
        accounts_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "admin/reset/done/",
        accounts_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
]
urlpatterns += i18n_patterns(
    path("manifest.webmanifest", health.manifest, name="manifest"),
    path("", include("postings.urls")),
    path("", include("alerts.urls")),
    path("panel/", include("accounts.urls")),
)

handler500 = "jobboard.errors.server_error"
