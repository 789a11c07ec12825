import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jobboard.settings")

application = get_wsgi_application()

# Once the apps are ready: what a worker would otherwise load during its first requests.
from postings import language, search  # noqa: E402

language.warm_up()
search.warm_up()
