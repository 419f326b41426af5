"""Uploads on S3-compatible storage (`DJANGO_MEDIA_STORAGE=s3`), still behind protected_media.

django-storages' S3Storage.url() is a presigned link straight to the bucket. Templates render
`image.url` on pages that anyone may cache or share, and a link to the bucket would skip the
permission check of fairportal/protected_media.py. So `url()` keeps naming our own /media/ path,
as FileSystemStorage does, and only protected_media, after checking who asks, calls
`presigned_url()`.
"""

from urllib.parse import urljoin

from django.conf import settings
from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage


class ProtectedS3Storage(S3Storage):
    def url(self, name, parameters=None, expire=None, http_method=None):
        return urljoin(settings.MEDIA_URL, filepath_to_uri(name))

    def presigned_url(self, name: str, *, parameters: dict, expire: int) -> str:
        """A GET link to the private object, valid for `expire` seconds; computed locally."""
        return super().url(name, parameters=parameters, expire=expire)
