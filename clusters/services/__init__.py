"""Every write to the directory's clusters, in one place.

Each service is a plain function: one transaction, its e-mails sent once it is committed,
the reason its history records, and a word to the page cache that the directory changed
(core.page_cache.directory_changed), which also covers what it writes in bulk and no
signal reports. The public forms, the manage link, the admin's forms and actions, the
spreadsheet import and the management commands all write through them; models keep their
fields, querysets and derived columns, forms their validation.
"""
