"""django.contrib.admin, with `admin.site` the site in groundswell.core.admin_site.

Its own module: an app config is imported while the app registry is loading, before the
admin itself (and the page cache it uses) may be.
"""

from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    default_site = "groundswell.core.admin_site.AdminSite"
