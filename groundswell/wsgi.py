import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "groundswell.settings")
application = get_wsgi_application()
# Import the URLconf, and the views and analysis libraries (scikit-learn, SciPy) behind it, as
# the worker starts rather than on its first request: otherwise the first visitor to each
# worker after every restart waits seconds for the imports.
import_module(settings.ROOT_URLCONF)
