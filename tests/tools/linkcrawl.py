"""Crawl a served static site the way a browser and a search engine would, and report what is broken.

Usage: python tests/tools/linkcrawl.py http://127.0.0.1:8000/beijing-ai/   (exits 1 when it finds problems)

Starting from the base URL, robots.txt and a page that does not exist, it fetches every internal URL it finds in
href, src, srcset, poster, action, <meta http-equiv=refresh>, CSS url() and @import (stylesheets, <style>, style=""),
JSON-LD values (not @context or @id, which name things), Atom feed links, sitemap <loc> and xhtml:link entries and
robots.txt's Sitemap lines. Redirects are not followed: GitHub Pages answers
a directory URL without its trailing slash with a 301, and a site link that relies on that is counted as broken.
"""

from __future__ import annotations

import http.client
import json
import re
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from urllib.parse import quote, unquote, urldefrag, urljoin, urlsplit

from bs4 import BeautifulSoup

URL_ATTRS = ("href", "src", "poster", "action", "data", "formaction", "cite", "background")
# Attributes whose absolute URLs name something without fetching it (XML namespaces, microdata vocabularies).
IDENTIFIER_ATTRS = ("xmlns", "itemtype", "itemprop", "itemid")
# Where a link to another site is a reference for the reader, not something the page loads.
REFERENCES = ("<a href>", "<area href>", "<blockquote cite>", "<q cite>", "<del cite>", "<ins cite>", "JSON-LD")
JSON_LD_NAMES = ("@context", "@id", "@type")  # keys whose values identify things, never fetched
SKIPPED_SCHEMES = ("mailto:", "tel:", "data:", "javascript:", "about:", "blob:")
CSS_URL_RE = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')""")
SCRIPT_URL_RE = re.compile(r"""(?:https?:)?//[A-Za-z0-9.-]+\.[A-Za-z]{2,}[^\s"'`<>)]*""")
SITEMAP_NS = {"sm": "http://www.sitemaps.org/schemas/sitemap/0.9", "xhtml": "http://www.w3.org/1999/xhtml"}
ATOM_NS = {"atom": "http://www.w3.org/2005/Atom"}
MAX_FETCHES = 5000  # a generated site is small; past this the crawler is following a generated loop


@dataclass(frozen=True)
class Link:
    """One URL found in a fetched file."""

    source: str  # the URL of the page or file it was found in
    where: str  # e.g. "<a href>", "<img srcset>", "css url()", "sitemap <loc>"
    url: str  # absolute, fragment included

    def __str__(self) -> str:
        return f"{self.source}: {self.where} -> {self.url}"


@dataclass(frozen=True)
class Response:
    """What the server answered, without following redirects."""

    status: int
    content_type: str
    body: bytes
    location: str = ""


@dataclass
class Report:
    """Everything the crawl found; `problems()` is empty for a good site."""

    fetched: dict[str, int] = field(default_factory=dict)  # URL without fragment -> status
    broken: list[str] = field(default_factory=list)
    missing_anchors: list[str] = field(default_factory=list)
    outside_base: list[str] = field(default_factory=list)
    third_party: list[str] = field(default_factory=list)
    missing_icon: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)  # <a href> to other hosts: allowed, listed for review

    def problems(self) -> list[str]:
        """Return every problem, one line each."""
        return [*self.broken, *self.missing_anchors, *self.outside_base, *self.third_party, *self.missing_icon]


def normalize(url: str) -> str:
    """Return `url` without its fragment and with its path percent-encoded one way, to use as a key."""
    parts = urlsplit(urldefrag(url)[0])
    path = quote(unquote(parts.path), safe="/:@!$&'()*+,;=-._~")
    return parts._replace(path=path or "/").geturl()


def fetch(url: str, timeout: float = 10) -> Response:
    """GET `url` once; redirects are returned, not followed."""
    parts = urlsplit(normalize(url))
    connection = http.client.HTTPConnection(parts.hostname, parts.port or 80, timeout=timeout)
    try:
        connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
        answer = connection.getresponse()
        return Response(answer.status, answer.getheader("Content-Type", ""), answer.read(),
                        answer.getheader("Location", ""))
    finally:
        connection.close()


def parse_srcset(value: str) -> list[str]:
    """Return the URLs of a srcset attribute (the HTML candidate-string rules, simplified)."""
    urls = []
    for candidate in re.split(r",\s+|,(?=\S+\s)", value.strip()):
        token = candidate.strip().split()
        if token:
            urls.append(token[0].rstrip(","))
    return urls


def css_links(source: str, css: str, where: str = "css") -> list[Link]:
    """Return the url() and @import references of a stylesheet, resolved against `source`."""
    links = []
    for match in CSS_URL_RE.finditer(css):
        raw = next(group for group in match.groups() if group is not None)
        kind = "@import" if match.group(0).startswith("@") else "url()"
        if raw.strip():
            links.append(Link(source, f"{where} {kind}", urljoin(source, raw.strip())))
    return links


def is_identifier_attr(name: str) -> bool:
    """Return True for attributes whose URL values are names, never fetched."""
    return name in IDENTIFIER_ATTRS or name.startswith("xmlns:")


def parse_html(html: str) -> BeautifulSoup:
    """Parse a page once for the html_* functions."""
    return BeautifulSoup(html, "html.parser")


def html_links(page_url: str, soup: BeautifulSoup) -> list[Link]:
    """Return every URL a browser could fetch or follow from a page, plus any other absolute URL in an attribute."""
    base = soup.find("base", href=True)
    resolve_from = urljoin(page_url, base["href"]) if base else page_url
    links = []
    for tag in soup.find_all(True):
        for name, value in tag.attrs.items():
            if is_identifier_attr(name):
                continue
            value = " ".join(value) if isinstance(value, list) else str(value)
            where = f"<{tag.name} {name}>"
            if name in URL_ATTRS:
                links.append(Link(page_url, where, urljoin(resolve_from, value.strip())))
            elif name in ("srcset", "imagesrcset"):
                links += [Link(page_url, where, urljoin(resolve_from, url)) for url in parse_srcset(value)]
            elif name == "style":
                links += css_links(resolve_from, value, f"<{tag.name} style>")
            elif name == "content" and (tag.get("http-equiv") or "").lower() == "refresh":
                target = re.search(r"url\s*=\s*['\"]?([^'\"]+)", value, re.IGNORECASE)
                if target:
                    links.append(Link(page_url, "<meta refresh>", urljoin(resolve_from, target.group(1).strip())))
            else:
                links += [Link(page_url, where, urljoin(resolve_from, url))
                          for url in value.split() if re.match(r"(?:https?:)?//", url)]
    for style in soup.find_all("style"):
        links += css_links(resolve_from, style.get_text(), "<style>")
    for script in soup.find_all("script"):
        if (script.get("type") or "").lower() == "application/ld+json":
            links += [Link(page_url, "JSON-LD", urljoin(resolve_from, url)) for url in json_ld_urls(script.get_text())]
            continue
        links += [Link(page_url, "<script> text", urljoin(resolve_from, url))
                  for url in SCRIPT_URL_RE.findall(script.get_text())]
    return links


def json_ld_urls(text: str) -> list[str]:
    """Return the URLs in a JSON-LD block that point at something (not @context, @id or @type)."""
    found: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for key, item in value.items():
                if key not in JSON_LD_NAMES:
                    walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str) and re.match(r"https?://", value):
            found.append(value)

    try:
        walk(json.loads(text))
    except ValueError:
        return []  # whether each block parses is tests/test_sharing.py's business
    return found


def html_ids(soup: BeautifulSoup) -> set[str]:
    """Return every fragment target of a page: id attributes and <a name>."""
    named = soup.find_all("a", attrs={"name": True})
    return {tag["id"] for tag in soup.find_all(id=True)} | {tag["name"] for tag in named}


def html_icons(soup: BeautifulSoup) -> list[str]:
    """Return the href of every <link rel=icon> of a page, as written."""
    links = soup.find_all("link", href=True)
    return [tag["href"] for tag in links if "icon" in [rel.lower() for rel in tag.get("rel", [])]]


def sitemap_links(source: str, xml: str) -> list[Link]:
    """Return the <loc> and xhtml:link alternates of a sitemap."""
    root = ET.fromstring(xml)
    locs = [Link(source, "sitemap <loc>", (loc.text or "").strip()) for loc in root.iterfind(".//sm:loc", SITEMAP_NS)]
    alternates = [Link(source, "sitemap <xhtml:link>", link.get("href", ""))
                  for link in root.iterfind(".//xhtml:link", SITEMAP_NS)]
    return locs + alternates


def atom_links(source: str, xml: str) -> list[Link]:
    """Return the link hrefs of an Atom feed (the feed itself, its site, each entry)."""
    root = ET.fromstring(xml)
    return [Link(source, "atom <link>", urljoin(source, link.get("href", "")))
            for link in root.iterfind(".//atom:link", ATOM_NS)]


def robots_links(source: str, text: str) -> list[Link]:
    """Return the Sitemap lines of robots.txt."""
    return [Link(source, "robots.txt Sitemap", urljoin(source, line.split(":", 1)[1].strip()))
            for line in text.splitlines() if line.lower().startswith("sitemap:")]


def links_in(url: str, response: Response, soup: BeautifulSoup | None) -> list[Link]:
    """Return the links in a fetched file, by its type (`soup` is the parsed page when it is HTML)."""
    text = response.body.decode("utf-8", errors="replace")
    path = urlsplit(url).path
    if soup is not None:
        return html_links(url, soup)
    if response.content_type.startswith("text/css"):
        return css_links(url, text)
    if path.endswith("sitemap.xml") and response.status == 200:
        return sitemap_links(url, text)
    if path.endswith("robots.txt") and response.status == 200:
        return robots_links(url, text)
    if path.endswith(".xml") and response.status == 200 and "http://www.w3.org/2005/Atom" in text[:500]:
        return atom_links(url, text)
    return []


def classify(link: Link, base_url: str, report: Report) -> bool:
    """Record a link that leaves the site; return True if it is internal and should be fetched."""
    if link.url.lower().startswith(SKIPPED_SCHEMES):
        return False
    site, target = urlsplit(base_url), urlsplit(link.url)
    if target.hostname != site.hostname:
        if link.where in REFERENCES and target.scheme in ("http", "https"):
            report.external.append(str(link))
        else:
            report.third_party.append(f"{link}: third-party host {target.netloc or link.url} outside <a href>")
        return False
    if (target.scheme, target.netloc) != (site.scheme, site.netloc) or not normalize(link.url).startswith(base_url):
        report.outside_base.append(f"{link}: not under {base_url}")
        return False
    return True


def check_status(url: str, response: Response, expected: int, referrers: list[Link], report: Report) -> None:
    """Record a URL that did not answer with the expected status."""
    if response.status == expected:
        return
    found = "; ".join(sorted({str(link) for link in referrers})) or "(start URL)"
    if response.status in (301, 302, 307, 308):
        report.broken.append(f"{url}: {response.status} to {response.location}: a link relies on a redirect "
                             f"(found at {found})")
    else:
        report.broken.append(f"{url}: {response.status}, expected {expected} (found at {found})")


def check_anchors(links: list[Link], ids: dict[str, set[str]], ok: set[str], report: Report) -> None:
    """Record links whose #fragment is not an id in the target page (raw or percent-decoded, as browsers try)."""
    for link in links:
        fragment, target = urlsplit(link.url).fragment, normalize(link.url)
        if not fragment or target not in ok:  # a broken target is reported once, as broken
            continue
        if target not in ids:
            report.missing_anchors.append(f"{link}: #{unquote(fragment)} points into a file that is not HTML")
        elif fragment not in ids[target] and unquote(fragment) not in ids[target]:
            report.missing_anchors.append(f"{link}: no id '{unquote(fragment)}' in {target}")


def check_icon(url: str, soup: BeautifulSoup, base_url: str, report: Report) -> None:
    """Record a page without a <link rel=icon> under the base path (browsers would ask for /favicon.ico)."""
    icons = [urljoin(url, href) for href in html_icons(soup)]
    if not icons:
        report.missing_icon.append(f"{url}: no <link rel=icon>, so browsers ask for /favicon.ico at the host root")
    for icon in icons:
        if not normalize(icon).startswith(base_url):
            report.missing_icon.append(f"{url}: icon {icon} is not under {base_url}")


def crawl(base_url: str, expected: dict[str, int] | None = None) -> Report:
    """Crawl the site served at `base_url` from its root, robots.txt and any `expected` URLs (URL -> status)."""
    expected = {normalize(url): status for url, status in (expected or {}).items()}
    report = Report()
    queue = [normalize(base_url), normalize(base_url + "robots.txt"), *expected]
    responses: dict[str, Response] = {}
    links: list[Link] = []
    ids: dict[str, set[str]] = {}
    while queue and len(responses) < MAX_FETCHES:
        url = queue.pop(0)
        if url in responses:
            continue
        response = responses[url] = fetch(url)
        soup = None
        if response.content_type.startswith("text/html"):
            soup = parse_html(response.body.decode("utf-8", errors="replace"))
            ids[url] = html_ids(soup)
            check_icon(url, soup, base_url, report)
        for link in links_in(url, response, soup):
            if classify(link, base_url, report):
                links.append(link)
                queue.append(normalize(link.url))
    report.fetched = {url: response.status for url, response in responses.items()}
    referrers: dict[str, list[Link]] = {}
    for link in links:
        referrers.setdefault(normalize(link.url), []).append(link)
    for url, response in responses.items():
        check_status(url, response, expected.get(url, 200), referrers.get(url, []), report)
    ok = {url for url, response in responses.items() if response.status == expected.get(url, 200)}
    check_anchors(links, ids, ok, report)
    return report


def main(argv: list[str]) -> int:
    """Crawl the base URL given on the command line; print the problems and the external links."""
    if len(argv) != 1:
        print("usage: python tests/tools/linkcrawl.py BASE_URL", file=sys.stderr)
        return 2
    base_url = argv[0] if argv[0].endswith("/") else argv[0] + "/"
    report = crawl(base_url, {base_url + "no/such/deep/page/": 404})
    for line in report.external:
        print(f"external: {line}")
    for line in report.problems():
        print(line)
    print(f"{len(report.fetched)} URLs fetched, {len(report.problems())} problems")
    return 1 if report.problems() else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
