import os

from django.core.wsgi import get_wsgi_application

# A WSGI server (gunicorn) is how tsunagu runs in production, so this entry point defaults to
# the production settings: a deployment that forgets TSUNAGU_ENV still gets HTTPS-only
# cookies, HSTS, required 2FA and a required SECRET_KEY (docs/decisions/0013). The demo and
# the tests load the settings through manage.py / pytest, where the default stays "demo";
# a non-production WSGI run (the benchmarks) says TSUNAGU_ENV=bench explicitly.
os.environ.setdefault("TSUNAGU_ENV", "production")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tsunagu.settings")
application = get_wsgi_application()
