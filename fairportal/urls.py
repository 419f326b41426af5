from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemap_views
from django.urls import include, path, re_path
from django.views.decorators.cache import cache_page
from django.views.generic import TemplateView

from accounts.views import rate_limited_login
from awards.sitemaps import WinnersSitemap
from fairportal import protected_media, views
from fairportal.page_cache import cached_public_page
from presentations.sitemaps import ProgrammeSitemap
from projects.sitemaps import SITEMAPS as PROJECT_SITEMAPS
from voting.sitemaps import ResultsSitemap

# projects knows nothing of awards, voting or presentations: their sections join here, where the
# URLs are wired.
SITEMAPS = {
    **PROJECT_SITEMAPS,
    "winners": WinnersSitemap,
    "results": ResultsSitemap,
    "programmes": ProgrammeSitemap,
}

# Language-neutral URLs: machines ask for these without a language prefix.
urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path(
        "robots.txt",
        TemplateView.as_view(template_name="robots.txt", content_type="text/plain; charset=utf-8"),
        name="robots_txt",
    ),
    path("favicon.ico", views.favicon, name="favicon"),
    # Cached for an hour: crawlers ask often, and a section lists thousands of addresses.
    path("sitemap.xml", cache_page(3600)(sitemap_views.index), {"sitemaps": SITEMAPS}, name="sitemap_index"),
    path(
        "sitemap-<section>.xml",
        cache_page(3600)(sitemap_views.sitemap),
        {"sitemaps": SITEMAPS},
        name="django.contrib.sitemaps.views.sitemap",
    ),
]

# Pages for people live under /kk/, /ru/ and /en/.
urlpatterns += i18n_patterns(
    path("", cached_public_page(views.HomeView.as_view()), name="home"),
    path("about/", cached_public_page(views.AboutView.as_view()), name="about"),
    path("account/", include("accounts.urls")),
    path("ngo/", include("projects.urls")),
    path("ngo/", include("jury.ngo_urls")),
    path("jury/", include("jury.urls")),
    path("", include("jury.public_urls")),
    path("", include("projects.public_urls")),
    path("", include("voting.urls")),
    path("", include("awards.urls")),
    path("", include("presentations.urls")),
    path("", include("reports.urls")),
    # The admin's own log-in page gets the same limits as the portal's (it guards the most
    # powerful accounts); this pattern comes first, so it answers for admin/login/.
    path("admin/login/", rate_limited_login(admin.site.login), name="admin_login_limited"),
    path("admin/", admin.site.urls),
    prefix_default_language=True,
)

# Uploads: every request is checked against who may see the file (fairportal/protected_media.py);
# nginx only sends the file when told to by X-Accel-Redirect, never serves MEDIA_ROOT itself.
urlpatterns += [
    re_path(rf"^{settings.MEDIA_URL.lstrip('/')}(?P<path>.*)$", protected_media.serve, name="media"),
]
