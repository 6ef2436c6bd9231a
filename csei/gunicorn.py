"""The site's own pages for the requests gunicorn refuses before Django sees them: a
request line past its limit (414), headers past theirs (431), a request it cannot parse
(400). gunicorn writes a bare page of its own and has no setting for it; gunicorn.conf.py
calls use_site_pages() in each worker, once Django is loaded."""

from django.template.loader import render_to_string
from gunicorn import util

PAGES = {414: "414.html"}


def use_site_pages():
    bare = util.write_error

    def write_error(sock, status_int, reason, mesg):
        if not 400 <= status_int < 500:
            return bare(sock, status_int, reason, mesg)
        page = render_to_string(PAGES.get(status_int, "400.html")).encode()
        head = (
            f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\n"
            f"Content-Type: text/html; charset=utf-8\r\nContent-Length: {len(page)}\r\n\r\n"
        )
        util.write_nonblock(sock, head.encode("latin-1") + page)

    util.write_error = write_error
