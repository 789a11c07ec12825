from django.urls import path
from django.views.generic import TemplateView

from . import views
from .caching import cached_page
from .feeds import AtomPostingFeed, PostingFeed

app_name = "postings"

urlpatterns = [
    path("", views.home, name="home"),
    path("jobs/", views.posting_list, name="list"),
    path("jobs/feed/", cached_page(PostingFeed()), name="feed"),
    path("jobs/feed/atom/", cached_page(AtomPostingFeed()), name="feed_atom"),
    path("jobs/<int:pk>/apply/", views.apply, name="apply"),
    path("jobs/<int:pk>/image.png", views.posting_image, name="image"),
    path("jobs/<int:pk>/<slug:slug>/", views.posting_detail, name="detail"),
    path("companies/<slug:slug>/", views.company_detail, name="company"),
    # Kept in the visitor's browser (localStorage) and read from the API: the page is a shell.
    path("saved/", TemplateView.as_view(template_name="postings/saved.html"), name="saved"),
]
