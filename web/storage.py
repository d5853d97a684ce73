"""Static files under hashed names in every environment, so that WhiteNoise can let browsers keep
them for a year (`Cache-Control: max-age=315360000, immutable`): a changed file gets a new name."""

from __future__ import annotations

from django.contrib.staticfiles.storage import ManifestStaticFilesStorage


class HashedStaticFilesStorage(ManifestStaticFilesStorage):
    """Django's manifest storage, hashed under DEBUG too (Django links the plain names there, which
    WhiteNoise may only cache for a minute). Needs `collectstatic`, which `manage.py up` and the
    test session run; production adds precompression (CompressedManifestStaticFilesStorage)."""

    def url(self, name: str | None, force: bool = False) -> str:
        # django-stubs types Storage.url with an optional name, HashedFilesMixin.url without.
        return super().url(name, force=True)  # type: ignore[arg-type]
