"""gunicorn's settings for the site: `gunicorn csei.wsgi` reads this file from the folder it
is started in, the project's."""


def post_worker_init(worker):
    # The requests gunicorn refuses itself get the site's pages (csei/gunicorn.py).
    from csei.gunicorn import use_site_pages

    use_site_pages()
