import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "vitrina.settings")
application = get_wsgi_application()

# Short links are redirected before Django's request cycle (strategy/fastpath.py).
from vitrina.strategy.fastpath import with_short_links  # noqa: E402  (needs the apps loaded)

application = with_short_links(application)
