"""The staff pages of the clusters app, one module a concern; importing them registers them."""

from clusters.admin import (  # noqa: F401
    clusters,
    corrections,
    join_requests,
    organisations,
    taxonomies,
)
