from django.urls import path

from . import views

app_name = "postings"

urlpatterns = [
    path("", views.home, name="home"),
    path("jobs/", views.posting_list, name="list"),
    path("jobs/<int:pk>/<slug:slug>/", views.posting_detail, name="detail"),
    path("companies/<slug:slug>/", views.company_detail, name="company"),
]
