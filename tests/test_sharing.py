"""Sharing: Open Graph and Twitter card per language, JSON-LD (the fact sheet as a Dataset), share images."""

from __future__ import annotations

import datetime
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml
from bs4 import BeautifulSoup
from conftest import run_build

from microsite.config import Language
from microsite.sharing import SHARE_IMAGE_SIZE, og_locale, png_size, temporal_coverage

SCHEMA = "https://schema.org"
PAGE_TYPES = {"WebSite", "WebPage", "Article", "CollectionPage", "Dataset"}
ISO_DATE = re.compile(r"\d{4}(-\d\d(-\d\d)?)?$")


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


def meta(page: BeautifulSoup) -> dict[str, list[str]]:
    """Return every Open Graph and Twitter value of a page: property or name -> contents, in order."""
    found: dict[str, list[str]] = {}
    for tag in page.select("head meta[property], head meta[name^='twitter:']"):
        found.setdefault(tag.get("property") or tag["name"], []).append(tag["content"])
    return found


def json_ld(page: BeautifulSoup) -> list[dict[str, Any]]:
    """Parse every JSON-LD block of a page."""
    return [json.loads(script.string) for script in page.select("script[type='application/ld+json']")]


def html_pages(site: Path) -> list[Path]:
    return sorted(site.rglob("*.html"))


def site_yaml(project: Path) -> dict[str, Any]:
    return yaml.safe_load((project / "site.yaml").read_text(encoding="utf-8"))


# -- Open Graph and Twitter -------------------------------------------------------------------------


@pytest.mark.parametrize("lang, other, locale, other_locale", [("en", "zh", "en_US", "zh_CN"),
                                                              ("zh", "en", "zh_CN", "en_US")])
def test_a_page_shares_in_its_own_language(real_site: Path, lang: str, other: str, locale: str,
                                           other_locale: str) -> None:
    config = site_yaml(real_site.parent)
    page = soup(real_site / lang / "plan/ethics/index.html")
    found = meta(page)
    canonical = page.select_one("link[rel=canonical]")["href"]
    image = f"{config['base_url']}static/share-{lang}.png"
    expected = {
        "og:type": ["article"], "og:title": [page.h1.get_text(strip=True)],
        "og:description": [page.select_one("meta[name=description]")["content"]],
        "og:site_name": [config["title"][lang]], "og:url": [canonical], "og:locale": [locale],
        "og:locale:alternate": [other_locale], "og:image": [image], "og:image:type": ["image/png"],
        "og:image:width": ["1200"], "og:image:height": ["630"], "twitter:card": ["summary_large_image"],
        "twitter:title": [page.h1.get_text(strip=True)], "twitter:image": [image],
    }
    assert {key: found.get(key) for key in expected} == expected
    alt = found["og:image:alt"][0]
    assert alt and found["twitter:image:alt"] == [alt]
    assert (lang == "zh") == bool(re.search(r"[\u4e00-\u9fff]", alt + found["og:title"][0]))
    assert found["twitter:description"] == found["og:description"]
    assert datetime.date.fromisoformat(found["article:modified_time"][0])


def test_every_page_has_its_preview_metadata(real_site: Path) -> None:
    problems = []
    for path in html_pages(real_site):
        page = soup(path)
        found = meta(page)
        lang = page.html["lang"]
        missing = [key for key in ("og:title", "og:description", "og:site_name", "og:locale", "og:image",
                                   "twitter:card") if not found.get(key)]
        if missing:
            problems.append(f"{path.relative_to(real_site)}: no {missing}")
        elif not found["og:locale"][0].startswith(lang.split("-")[0]):
            problems.append(f"{path.relative_to(real_site)}: og:locale {found['og:locale']} on lang={lang}")
    assert problems == []


def test_the_root_chooser_names_both_languages(real_site: Path) -> None:
    found = meta(soup(real_site / "index.html"))
    titles = site_yaml(real_site.parent)["title"]
    assert found["og:locale"] == ["en_US"] and found["og:locale:alternate"] == ["zh_CN"]
    assert all(title in found["og:title"][0] for title in titles.values())
    assert found["og:url"] == [site_yaml(real_site.parent)["base_url"]]


def test_share_images_are_1200_by_630_pngs_in_static() -> None:
    root = Path(__file__).resolve().parents[1]
    for lang in ("en", "zh"):
        strings = yaml.safe_load((root / f"content/strings/{lang}.yaml").read_text(encoding="utf-8"))
        assert png_size((root / strings["share_image"]).read_bytes()) == SHARE_IMAGE_SIZE


@pytest.mark.parametrize("value, message", [
    ("static/none.png", "share_image 'static/none.png' is not a file in static/"),
    ("site.yaml", "share_image 'site.yaml' is not a file in static/"),
    ("static/favicon.svg", "share_image 'static/favicon.svg' must be a 1200×630 PNG (not a PNG)"),
    ("static/small.png", "share_image 'static/small.png' must be a 1200×630 PNG (600×315)"),
])
def test_a_bad_share_image_is_an_error_with_its_line(make_project, value: str, message: str) -> None:
    root = Path(__file__).resolve().parents[1]
    strings = (root / "content/strings/en.yaml").read_text(encoding="utf-8")
    line = strings.splitlines().index("share_image: static/share-en.png") + 1
    png = (root / "static/share-en.png").read_bytes()
    small = png[:16] + (600).to_bytes(4, "big") + (315).to_bytes(4, "big") + png[24:]
    project = make_project({"content/strings/en.yaml": strings.replace("static/share-en.png", value),
                            "static/small.png": small})  # type: ignore[dict-item]
    result = run_build(project)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.splitlines()[0] == f"content/strings/en.yaml:{line}: {message}"


def test_og_locale_adds_the_likely_territory() -> None:
    def lang(locale: str) -> Language:
        return Language("x", "x", "x", locale)

    assert [og_locale(lang(code)) for code in ("en", "zh_Hans_CN", "pt_BR", "de", "ja")] == \
        ["en_US", "zh_CN", "pt_BR", "de_DE", "ja_JP"]


# -- JSON-LD ----------------------------------------------------------------------------------------


def check_page_ld(block: dict[str, Any], page: BeautifulSoup) -> list[str]:
    """Return what is wrong with a page's main JSON-LD block, against what the page itself says."""
    problems = []
    canonical = page.select_one("link[rel=canonical]")["href"]
    if block.get("@context") != SCHEMA or block.get("@type") not in PAGE_TYPES:
        problems.append(f"@context/@type {block.get('@context')} {block.get('@type')}")
    if block.get("url") != canonical:
        problems.append(f"url {block.get('url')} is not the canonical {canonical}")
    if block.get("inLanguage") != page.html["lang"]:
        problems.append(f"inLanguage {block.get('inLanguage')}")
    if not block.get("name") or not block.get("description"):
        problems.append("no name or description")
    if block["@type"] != "WebSite" and not ISO_DATE.match(block.get("dateModified", "")):
        problems.append(f"dateModified {block.get('dateModified')!r}")
    alternates = {link["hreflang"]: link["href"] for link in page.select("link[rel=alternate][hreflang]")}
    others = {href for lang, href in alternates.items() if lang not in ("x-default", page.html["lang"])}
    if page.html["lang"] == "en":
        linked = {item["@id"] for item in block.get("workTranslation", [])}
    else:
        linked = {block.get("translationOfWork", {}).get("@id")}
    if others and linked != others:
        problems.append(f"translation link {linked}, expected {others}")
    return problems


def test_every_json_ld_block_parses_and_describes_its_page(real_site: Path) -> None:
    problems, types = [], []
    for path in html_pages(real_site):
        page = soup(path)
        blocks = json_ld(page)  # every block parses
        noindex = page.select_one("meta[name=robots][content*=noindex]") is not None
        if noindex or path == real_site / "index.html":
            if blocks:
                problems.append(f"{path.relative_to(real_site)}: JSON-LD on a page search engines skip")
            continue
        if not blocks:
            problems.append(f"{path.relative_to(real_site)}: no JSON-LD")
            continue
        types.append(blocks[0]["@type"])
        problems += [f"{path.relative_to(real_site)}: {p}" for p in check_page_ld(blocks[0], page)]
    assert problems == []
    assert types.count("WebSite") == 2 and "Article" in types


def test_home_pages_describe_the_website_and_its_search(real_site: Path) -> None:
    for lang in ("en", "zh"):
        (website,) = json_ld(soup(real_site / lang / "index.html"))
        assert website["@type"] == "WebSite"
        template = website["potentialAction"]["target"]["urlTemplate"]
        assert template.endswith(f"/{lang}/search/?q={{query}}")
        assert website["potentialAction"]["query-input"] == "required name=query"
        assert (real_site / lang / "search/index.html").is_file()


def test_a_script_end_tag_in_a_title_cannot_escape_the_json_ld(make_project) -> None:
    title = 'Team </script><script>alert("x")</script> & co'
    project = make_project({"content/en/about/team.md": f"---\ntitle: '{title}'\nweight: 5\n---\nThe team.\n"})
    result = run_build(project)
    assert result.returncode == 0, result.stderr
    page = soup(project / "site/en/about/team/index.html")
    scripts = page.select("script")
    assert [s.get("type") for s in scripts if "alert" in (s.string or "")] == ["application/ld+json"]
    assert len(scripts) == 2  # the JSON-LD block and site.js: the title opened no script of its own
    assert json_ld(page)[0]["name"] == title


# -- The fact sheet as a Dataset (Google's Dataset guidance) -----------------------------------------

ISO_PERIOD = r"\d{4}(-\d\d(-\d\d)?)?"
COVERAGE = re.compile(rf"{ISO_PERIOD}(/{ISO_PERIOD}|/\.\.)?$")


def dataset_problems(data: dict[str, Any], served: dict[str, bytes]) -> list[str]:
    """Return what a schema.org Dataset lacks by Google's required and recommended properties.

    `served` maps the URLs the site serves to their bytes, to check that every download exists.
    """
    problems = []
    if data.get("@context") != SCHEMA or data.get("@type") != "Dataset":
        problems.append("not a schema.org Dataset")
    if not isinstance(data.get("name"), str) or not data["name"].strip():
        problems.append("required: name")
    description = data.get("description")
    if not isinstance(description, str) or not 50 <= len(description) <= 5000:
        problems.append("required: description of 50 to 5,000 characters")
    downloads = data.get("distribution")
    if not isinstance(downloads, list) or not downloads:
        problems.append("recommended: distribution")
    for item in downloads or []:
        url = item.get("contentUrl", "")
        if item.get("@type") != "DataDownload" or not item.get("encodingFormat") or url not in served:
            problems.append(f"distribution {item}: a DataDownload with encodingFormat and a served contentUrl")
    if not COVERAGE.match(str(data.get("temporalCoverage", ""))):
        problems.append(f"recommended: temporalCoverage in ISO 8601, got {data.get('temporalCoverage')!r}")
    creator = data.get("creator")
    if not isinstance(creator, dict) or creator.get("@type") not in ("Person", "Organization") \
            or not creator.get("name"):
        problems.append("recommended: creator, a Person or Organization with a name")
    if not isinstance(data.get("isAccessibleForFree"), bool):
        problems.append("recommended: isAccessibleForFree")
    measured = data.get("variableMeasured")
    if not isinstance(measured, list) or not measured or not all(isinstance(v, str) and v for v in measured):
        problems.append("recommended: variableMeasured")
    if not str(data.get("url", "")).startswith("http"):
        problems.append("recommended: url")
    return problems


@pytest.fixture(scope="module")
def datasets(real_site: Path) -> dict[str, tuple[dict[str, Any], dict[str, bytes]]]:
    config = site_yaml(real_site.parent)
    served = {config["base_url"] + p.relative_to(real_site).as_posix(): p.read_bytes()
              for p in real_site.rglob("*") if p.is_file()}
    found = {}
    for lang in ("en", "zh"):
        blocks = json_ld(soup(real_site / lang / "key-figures/index.html"))
        found[lang] = (next(b for b in blocks if b["@type"] == "Dataset"), served)
    return found


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_fact_sheet_is_a_dataset_with_its_downloads(datasets, real_site: Path, lang: str) -> None:
    data, served = datasets[lang]
    assert dataset_problems(data, served) == []
    formats = {item["encodingFormat"]: item["contentUrl"] for item in data["distribution"]}
    assert formats.keys() == {"application/json", "text/csv"}
    assert formats["application/json"].endswith("/data/facts.json") and formats["text/csv"].endswith("/data/facts.csv")
    facts = yaml.safe_load((real_site.parent / "content/facts.yaml").read_text(encoding="utf-8"))["facts"]
    assert data["variableMeasured"] == [fact["label"][lang] for fact in facts.values()]
    assert data["inLanguage"] == ("en" if lang == "en" else "zh-CN")
    periods = sorted(str(fact["as_of"]["date"] if isinstance(fact["as_of"], dict) else fact["as_of"])
                     for fact in facts.values())  # an assumed date is {date: 2022, assumed: true}
    assert data["temporalCoverage"] == temporal_coverage(periods)


def test_the_dataset_check_catches_what_google_requires(datasets) -> None:
    data, served = datasets["en"]
    broken = dict(data, description="Too short.", temporalCoverage="October 2022", creator={"name": "x"})
    broken["distribution"] = [dict(data["distribution"][0], contentUrl=data["url"] + "missing.json")]
    del broken["name"], broken["variableMeasured"]
    problems = dataset_problems(broken, served)
    assert [p.split(":")[0] for p in problems] == ["required", "required", "distribution {'@type'", "recommended",
                                                   "recommended", "recommended"], problems


def test_temporal_coverage_spans_the_earliest_start_to_the_latest_end() -> None:
    assert temporal_coverage(["2022", "2022-10"]) == "2022"
    assert temporal_coverage(["2021-05", "2022-10-31", "2022"]) == "2021-05/2022"
    assert temporal_coverage(["2022-10"]) == "2022-10"
    assert temporal_coverage([]) == ""
