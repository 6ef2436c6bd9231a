"""Read pages and use them as a browser would: parse them, follow links, send their forms."""

from dataclasses import dataclass
from urllib.parse import parse_qs, urljoin, urlsplit

from bs4 import BeautifulSoup


@dataclass
class Page:
    url: str
    response: object
    soup: BeautifulSoup

    @property
    def text(self):
        return self.soup.get_text(" ", strip=True)

    @property
    def context(self):
        return self.response.context


def get_page(client, url, status=200, **headers):
    response = client.get(url, **headers)
    assert response.status_code == status, f"{url} answered {response.status_code}"
    return Page(url, response, BeautifulSoup(response.content, "html.parser"))


def follow(client, page, link, status=200):
    """Open a link of `page` (a parsed <a>) as a browser would resolve its href."""
    return get_page(client, urljoin(page.url, link["href"]), status=status)


def query_of(url):
    """The query string of `url`, parsed: {name: [values]}."""
    return parse_qs(urlsplit(url).query, keep_blank_values=True)


def form_fields(form):
    """What a browser would send for `form` as it stands: {name: [values]}."""
    data = {}
    for element in form.find_all(["input", "select", "textarea"]):
        name = element.get("name")
        if not name or element.has_attr("disabled"):
            continue
        kind = element.get("type", "text").lower()
        if element.name == "select":
            chosen = element.find_all("option", selected=True)
            if not chosen and not element.has_attr("multiple"):
                chosen = element.find_all("option")[:1]
            values = [option.get("value", option.get_text()) for option in chosen]
        elif element.name == "textarea":
            # HTML ignores a newline straight after <textarea>, and Django writes one.
            values = [element.get_text().removeprefix("\n")]
        elif kind in ("checkbox", "radio"):
            values = [element.get("value", "on")] if element.has_attr("checked") else []
        elif kind in ("submit", "button", "image", "reset", "file"):
            values = []
        else:
            values = [element.get("value", "")]
        data.setdefault(name, []).extend(values)
    return data


def submit(client, page, form, changes=None, status=None):
    """Send `form` of `page` with `changes` ({name: value or [values]}) applied."""
    data = form_fields(form)
    for name, value in (changes or {}).items():
        data[name] = value if isinstance(value, list) else [value]
    action = urljoin(page.url, form.get("action") or page.url)
    if form.get("method", "get").lower() == "post":
        response = client.post(action, data)
    else:
        response = client.get(action, data)
    if status is not None:
        assert response.status_code == status, f"{action} answered {response.status_code}"
    return Page(action, response, BeautifulSoup(response.content, "html.parser"))
