from django.urls import path

from . import views

app_name = "alerts"

urlpatterns = [
    path("alerts/new/", views.new, name="new"),
    path("alerts/sent/", views.sent, name="sent"),
    path("alerts/confirm/<str:token>/", views.confirm, name="confirm"),
    path("alerts/manage/<str:token>/", views.manage, name="manage"),
    path("alerts/manage/<str:token>/<int:pk>/", views.update, name="update"),
    path("alerts/manage/<str:token>/<int:pk>/delete/", views.delete, name="delete"),
    path("alerts/manage/<str:token>/resume/", views.resume, name="resume"),
    path("alerts/manage/<str:token>/unsubscribe/", views.unsubscribe_all, name="unsubscribe_all"),
    path("alerts/manage/<str:token>/export/", views.export, name="export"),
    path("alerts/manage/<str:token>/erase/", views.erase, name="erase"),
    path("alerts/unsubscribe/<str:token>/", views.one_click, name="unsubscribe"),
]
