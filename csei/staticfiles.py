from django.contrib.staticfiles.apps import StaticFilesConfig


class StaticFiles(StaticFilesConfig):
    # The minified marker-cluster script names a source map its package does not ship,
    # which the manifest storage refuses; the site serves the unminified build instead.
    ignore_patterns = [*StaticFilesConfig.ignore_patterns, "leaflet.markercluster.js"]
