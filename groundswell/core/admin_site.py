"""The Django admin, with the anonymous page cache kept in step with what staff change there."""

import functools

from django.contrib import admin

from groundswell.core.pagecache import page_cache_bump


class AdminSite(admin.AdminSite):
    """Every change made in the admin (a contribution's text or status, a project, a member's
    name, a bulk delete) makes every cached page stale.

    The services bump the page cache after their writes; the admin saves models directly, so
    without this a contribution removed or rewritten here stayed on the pages anonymous
    visitors are served, for up to an hour. Changes through the admin are few, so each POST
    clears the whole site's cache: a missed scope would be worse than a refill.
    """

    def admin_view(self, view, cacheable=False):
        inner = super().admin_view(view, cacheable)

        @functools.wraps(inner)
        def changed_pages(request, *args, **kwargs):
            response = inner(request, *args, **kwargs)
            if request.method == "POST":
                page_cache_bump(scope="site")
            return response

        return changed_pages
