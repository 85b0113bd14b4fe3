"""The dashboard in headless Chromium (Selenium): the dyad page's chart, table and evidence
against the API's numbers, filters kept in the URL, a screenshot, and article text that
carries script payloads shown as text, never run."""

from __future__ import annotations

import socket
import subprocess
import threading
import time
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from selenium import webdriver
from selenium.common.exceptions import NoAlertPresentException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from parley.web import create_app

from .conftest import ROOT, XSS_ARTICLE


def _chromium() -> tuple[str, str]:
    """The paths of chromium and chromedriver (installed by scripts/chromium.sh when missing, as root)."""
    done = subprocess.run(["bash", str(ROOT / "scripts" / "chromium.sh")], capture_output=True, text=True, check=False)
    if done.returncode:
        pytest.fail(f"scripts/chromium.sh failed: {done.stderr.strip()}", pytrace=False)
    browser, driver = done.stdout.split()
    return browser, driver


@pytest.fixture(scope="module")
def server(web_db) -> Iterator[str]:
    """The app served by uvicorn on a free loopback port, in a thread."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    app_server = uvicorn.Server(uvicorn.Config(create_app(web_db), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=app_server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not app_server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    app_server.should_exit = True
    thread.join(10)


@pytest.fixture(scope="module")
def browser() -> Iterator[webdriver.Chrome]:
    binary, driver_path = _chromium()
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--disable-gpu",
        "--window-size=1280,1800",
    ):
        options.add_argument(arg)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    yield driver
    driver.quit()


def _open(browser, url: str) -> None:
    browser.get(url)
    WebDriverWait(browser, 20).until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-loaded"))
    assert browser.find_element(By.TAG_NAME, "body").get_attribute("data-loaded") == "ok", browser.find_element(
        By.ID, "status"
    ).text


def _text(browser, element_id: str) -> str:
    return browser.find_element(By.ID, element_id).text


def _rows(browser) -> list:
    return browser.find_elements(By.CSS_SELECTOR, "#events tbody tr")


def test_dyad_page_shows_the_api_numbers(browser, server, tmp_path):
    series = httpx.get(f"{server}/api/dyads/USA/RUS/series", params={"by": "week"}).json()["series"]
    _open(browser, f"{server}/?a=USA&b=RUS")
    bars = browser.find_elements(By.CSS_SELECTOR, "#chart svg rect.bar")
    assert bars and browser.find_elements(By.CSS_SELECTOR, "#chart svg polyline.goldstein")
    assert int(_text(browser, "total-events")) == sum(r["events"] or 0 for r in series) > 0
    for q in ("quad1", "quad2", "quad3", "quad4"):
        assert int(_text(browser, f"total-{q}")) == sum(r[q] or 0 for r in series)
        assert sum(int(b.get_attribute("data-count")) for b in bars if q in b.get_attribute("class")) == sum(
            r[q] or 0 for r in series
        )
    assert _text(browser, "total-goldstein") == f"{sum(r['goldstein_sum'] or 0 for r in series):.1f}"
    # chart, header and table count the same events
    assert browser.find_element(By.ID, "events-count").get_attribute("data-total") == _text(browser, "total-events")
    page = httpx.get(
        f"{server}/api/events",
        params={"dyad": "USA-RUS", "limit": 100, "status": "factual", "negated": "no", "coverage": "true"},
    ).json()
    rows = _rows(browser)
    assert len(rows) == min(page["total"], 100) > 0
    assert [r.get_attribute("data-event") for r in rows] == [e["event_key"] for e in page["events"]]
    located = {(e["place_lat"], e["place_lon"]) for e in page["events"] if e["place_lat"] is not None}
    assert len(browser.find_elements(By.CSS_SELECTOR, "#map circle.point")) == len(located)

    rows[0].click()
    event = page["events"][0]
    evidence = browser.find_element(By.ID, "evidence")
    assert evidence.is_displayed()
    triggers = evidence.find_elements(By.CSS_SELECTOR, "mark.trigger")
    assert [t.text for t in triggers] == [m["trigger"]["text"] for m in event["mentions"]]
    actors = {p["text"] for m in event["mentions"] for p in m["actors"]}
    marked = {a.text for a in evidence.find_elements(By.CSS_SELECTOR, "mark.actor")}
    assert marked and marked <= actors
    _check_evidence_panel(browser, server, event)

    shot = tmp_path / "dyad.png"
    assert browser.save_screenshot(str(shot))
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 10_000


def _check_evidence_panel(browser, server, event: dict) -> None:
    """The evidence panel names the CAMEO code and PLOVER type, gives each mention's title, its
    source URL as a link and its document's stored text, the evidence sentence marked in it."""
    evidence = browser.find_element(By.ID, "evidence")
    assert evidence.find_element(By.CSS_SELECTOR, ".cameo-description").text == event["cameo_name"]
    described = httpx.get(f"{server}/api/types").json()["descriptions"][event["event_type"]]
    assert evidence.find_element(By.CSS_SELECTOR, ".type-description").text == described
    mention = event["mentions"][0]
    box = evidence.find_element(By.CSS_SELECTOR, f'.mention[data-mention="{mention["mention_id"]}"]')
    assert box.find_element(By.CSS_SELECTOR, ".title").text == (mention["title"] or mention["doc_id"])
    links = box.find_elements(By.CSS_SELECTOR, ".links a[target=_blank]")
    if (mention["url"] or "").startswith(("http://", "https://")):
        assert [a.get_attribute("href") for a in links] == [mention["url"]]
    else:  # no URL, or one that is no web address (javascript:...): shown as text, never a link
        assert not links and (mention["url"] or "no URL") in box.find_element(By.CSS_SELECTOR, ".links").text
    document = httpx.get(box.find_element(By.CSS_SELECTOR, "a.document-link").get_attribute("href")).json()
    assert document["doc_key"] == mention["doc_key"] and mention["sentence"] in document["text"]
    box.find_element(By.CSS_SELECTOR, "button.show-text").click()
    stored = WebDriverWait(browser, 20).until(lambda d: box.find_elements(By.CSS_SELECTOR, "pre.stored-text"))
    assert stored[0].text.strip() == document["text"].strip()
    assert stored[0].find_element(By.CSS_SELECTOR, "mark.evidence-sentence").text == mention["sentence"].strip()


def test_filters_survive_a_reload(browser, server):
    _open(browser, f"{server}/?a=USA&b=RUS")
    Select(browser.find_element(By.ID, "f-by")).select_by_value("month")
    Select(browser.find_element(By.ID, "f-type")).select_by_value("CONSULT")
    browser.find_element(By.ID, "f-go").click()
    WebDriverWait(browser, 20).until(lambda d: "type=CONSULT" in d.current_url)
    WebDriverWait(browser, 20).until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-loaded"))
    browser.refresh()
    WebDriverWait(browser, 20).until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-loaded") == "ok")
    assert "by=month" in browser.current_url and "type=CONSULT" in browser.current_url
    assert Select(browser.find_element(By.ID, "f-by")).first_selected_option.get_attribute("value") == "month"
    assert Select(browser.find_element(By.ID, "f-type")).first_selected_option.get_attribute("value") == "CONSULT"
    expected = httpx.get(
        f"{server}/api/events", params={"dyad": "USA-RUS", "type": "CONSULT", "status": "factual", "negated": "no"}
    ).json()
    assert len(_rows(browser)) == expected["total"] > 0
    assert {r.find_elements(By.TAG_NAME, "td")[1].text for r in _rows(browser)} == {"CONSULT"}
    assert _text(browser, "total-events") == str(expected["total"])  # the chart obeys the type filter too
    bars = browser.find_elements(By.CSS_SELECTOR, "#chart svg rect.bar")
    assert sum(int(b.get_attribute("data-count")) for b in bars) == expected["total"]


def test_names_gaps_filters_and_downloads(browser, server):
    """Countries by name in the URL, names beside codes in the table, a quarter period, gaps
    shaded, more filters kept in the URL, and downloads of exactly the events shown."""
    _open(browser, f"{server}/?a=United%20States&b=Russia&by=month&quad=1,2&text=istanbul")
    assert "United States – Russia (USA–RUS)" in _text(browser, "dyad-name")
    rows = _rows(browser)
    assert rows and all("United States" in r.text and "Russia" in r.text for r in rows)
    assert any("Meet at a 'third' location" in r.text for r in rows) and all("Turkey" in r.text for r in rows)
    total = browser.find_element(By.ID, "events-count").get_attribute("data-total")
    assert total == _text(browser, "total-events") and int(total) > 0
    gaps = browser.find_elements(By.CSS_SELECTOR, "#chart svg rect.gap")
    series = httpx.get(
        f"{server}/api/dyads/USA/RUS/series", params={"by": "month", "quad": "1,2", "text": "istanbul"}
    ).json()["series"]
    assert len(gaps) == sum(r["events"] is None for r in series) > 0  # months without documents
    csv_link = browser.find_element(By.ID, "download-csv").get_attribute("href")
    assert "quad=1%2C2" in csv_link and "text=istanbul" in csv_link and "dyad=United+States-Russia" in csv_link
    lines = httpx.get(csv_link).text.strip().splitlines()
    assert len(lines) - 1 == int(total)
    parquet = httpx.get(browser.find_element(By.ID, "download-parquet").get_attribute("href"))
    assert parquet.status_code == 200 and parquet.content[:4] == b"PAR1"
    assert httpx.get(browser.find_element(By.ID, "download-series-csv").get_attribute("href")).status_code == 200

    Select(browser.find_element(By.ID, "f-by")).select_by_value("quarter")
    browser.find_element(By.ID, "more-filters").click()
    Select(browser.find_element(By.ID, "f-status")).select_by_value("any")
    browser.find_element(By.ID, "f-go").click()
    WebDriverWait(browser, 20).until(lambda d: "by=quarter" in d.current_url and "status=any" in d.current_url)
    WebDriverWait(browser, 20).until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-loaded") == "ok")
    assert browser.find_element(By.ID, "events-count").get_attribute("data-total") == _text(browser, "total-events")

    _open_error = f"{server}/?a=USA&b=Rusia"
    browser.get(_open_error)
    WebDriverWait(browser, 20).until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-loaded"))
    assert "did you mean Russia (RUS)?" in _text(browser, "status")


def test_hostile_article_text_never_runs(browser, server):
    page = httpx.get(f"{server}/api/events", params={"dyad": "RUS-UKR", "limit": 1000}).json()
    hostile = [e for e in page["events"] if any(m["doc_id"] == XSS_ARTICLE["id"] for m in e["mentions"])]
    assert hostile, "the hostile article yielded no RUS-UKR event"
    _open(browser, f"{server}/?a=RUS&b=UKR")
    row = browser.find_element(By.CSS_SELECTOR, f'#events tr[data-event="{hostile[0]["event_key"]}"]')
    row.click()
    evidence = browser.find_element(By.ID, "evidence-body")
    assert "<script>window.__pwned=1</script>" in evidence.text
    assert 'onerror="window.__pwned=2"' in evidence.text
    assert XSS_ARTICLE["title"] in evidence.text
    assert not evidence.find_elements(By.CSS_SELECTOR, "script, img, a[href^='javascript']")
    event = hostile[0]
    _check_evidence_panel(
        browser, server, {**event, "mentions": [m for m in event["mentions"] if m["doc_id"] == XSS_ARTICLE["id"]]}
    )
    stored = WebDriverWait(browser, 20).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, "#evidence-body pre.stored-text")
    )
    assert "<script>window.__pwned=1</script>" in stored[0].text
    assert not evidence.find_elements(By.CSS_SELECTOR, "script, img, iframe, a[href^='javascript']")
    assert browser.execute_script("return typeof window.__pwned") == "undefined"
    with pytest.raises(NoAlertPresentException):
        browser.switch_to.alert.text  # noqa: B018


def test_overview_page_shows_the_corpus(browser, server):
    """The landing page: the map shaded by the panel's events per country, the busiest dyads
    from the network, alerts and the recent events, with links to dyad pages and downloads."""
    counted = {"status": "factual", "negated": "no", "coverage": "true"}
    _open(browser, f"{server}/")
    assert browser.find_element(By.CSS_SELECTOR, "nav a[aria-current=page]").text == "Overview"
    panel = httpx.get(f"{server}/api/panel", params={**counted, "by": "month"}).json()["panel"]
    events_by_country: dict[str, int] = {}
    for row in panel:
        events_by_country[row["country"]] = events_by_country.get(row["country"], 0) + (row["events"] or 0)
    shaded = browser.find_elements(By.CSS_SELECTOR, "#world path.shaded")
    assert shaded
    for path in shaded:
        assert int(path.get_attribute("data-events")) == events_by_country[path.get_attribute("data-country")]
    assert {p.get_attribute("data-country") for p in shaded} >= {"USA", "RUS"}
    view_box = "return document.querySelector('#world svg').getAttribute('viewBox')"
    assert browser.execute_script(view_box) == "0 0 360 180"
    browser.find_element(By.ID, "zoom-in").click()
    assert browser.execute_script(view_box) == "90.00 45.00 180.00 90.00"  # half the width, about the centre

    edges = httpx.get(f"{server}/api/network", params=counted).json()["edges"]
    rows = browser.find_elements(By.CSS_SELECTOR, "#dyads tbody tr[data-dyad]")
    assert rows
    a, b = rows[0].get_attribute("data-dyad").split("-")
    undirected: dict[frozenset, int] = {}
    for e in edges:
        if e["actor"] != e["recipient"]:
            pair = frozenset((e["actor"], e["recipient"]))
            undirected[pair] = undirected.get(pair, 0) + e["events"]
    assert int(rows[0].find_elements(By.TAG_NAME, "td")[1].text) == undirected[frozenset((a, b))]
    assert undirected[frozenset((a, b))] == max(undirected.values())
    alerts = httpx.get(f"{server}/api/alerts", params={**counted, "by": "week"}).json()["alerts"]
    assert len(browser.find_elements(By.CSS_SELECTOR, "#alerts tbody tr[data-dyad]")) == min(15, len(alerts))

    recent = httpx.get(f"{server}/api/events", params={**counted, "sort": "date:desc", "limit": 25}).json()
    assert [r.get_attribute("data-event") for r in browser.find_elements(By.CSS_SELECTOR, "#recent tbody tr")] == [
        e["event_key"] for e in recent["events"]
    ]
    csv_lines = httpx.get(browser.find_element(By.ID, "download-csv").get_attribute("href")).text.strip().splitlines()
    assert (
        len(csv_lines) - 1
        == recent["total"]
        == int(browser.find_element(By.ID, "recent-count").get_attribute("data-total"))
    )
    assert httpx.get(browser.find_element(By.ID, "download-parquet").get_attribute("href")).content[:4] == b"PAR1"
    panel_csv = httpx.get(browser.find_element(By.ID, "download-panel-csv").get_attribute("href"))
    assert panel_csv.status_code == 200 and len(panel_csv.text.strip().splitlines()) == len(panel) + 1

    by_count = {p.get_attribute("data-country"): p.get_attribute("fill") for p in shaded}
    Select(browser.find_element(By.ID, "f-measure")).select_by_value("goldstein")
    WebDriverWait(browser, 20).until(lambda d: "measure=goldstein" in d.current_url)
    WebDriverWait(browser, 20).until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-loaded") == "ok")
    by_mean = {
        p.get_attribute("data-country"): p.get_attribute("fill")
        for p in browser.find_elements(By.CSS_SELECTOR, "#world path.shaded")
    }
    assert set(by_mean) == set(by_count) and by_mean != by_count  # every country has a mean; the colours differ

    rows = browser.find_elements(By.CSS_SELECTOR, "#dyads tbody tr[data-dyad]")
    rows[0].find_element(By.CSS_SELECTOR, "a.dyad-link").click()
    WebDriverWait(browser, 20).until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-loaded") == "ok")
    assert "/dyad?" in browser.current_url and f"({a}–{b})" in _text(browser, "dyad-name")


def test_country_page_shows_partners_series_and_agenda(browser, server):
    """A country by name: its series from the panel, its partners ranked from the network,
    links to its dyads, its recent events and downloads of exactly those events."""
    counted = {"status": "factual", "negated": "no", "coverage": "true"}
    _open(browser, f"{server}/country?c=Russia")
    assert "Russia (RUS)" in _text(browser, "country-name")
    panel = httpx.get(f"{server}/api/panel", params={**counted, "by": "month", "party": "RUS"}).json()["panel"]
    own = [r for r in panel if r["country"] == "RUS"]
    total = sum(r["events"] or 0 for r in own)
    assert total > 0 and browser.find_element(By.ID, "country-total").get_attribute("data-total") == str(total)
    bars = browser.find_elements(By.CSS_SELECTOR, "#chart svg rect.bar")
    assert sum(int(b.get_attribute("data-count")) for b in bars) == total

    edges = httpx.get(f"{server}/api/network", params={**counted, "party": "RUS"}).json()["edges"]
    partners: dict[str, int] = {}
    for e in edges:
        if "RUS" in (e["actor"], e["recipient"]) and e["actor"] != e["recipient"]:
            other = e["recipient"] if e["actor"] == "RUS" else e["actor"]
            partners[other] = partners.get(other, 0) + e["events"]
    rows = browser.find_elements(By.CSS_SELECTOR, "#partners tbody tr[data-partner]")
    shown = {r.get_attribute("data-partner"): int(r.find_elements(By.TAG_NAME, "td")[1].text) for r in rows}
    assert shown == partners and "USA" in shown
    counts = list(shown.values())
    assert counts == sorted(counts, reverse=True)
    issues = httpx.get(f"{server}/api/agenda/RUS/USA").json()["issues"]
    agenda = _text(browser, "agenda")
    assert issues and all(i["issue"] in agenda for i in issues)

    recent = httpx.get(
        f"{server}/api/events", params={**counted, "party": "RUS", "sort": "date:desc", "limit": 25}
    ).json()
    assert [r.get_attribute("data-event") for r in browser.find_elements(By.CSS_SELECTOR, "#recent tbody tr")] == [
        e["event_key"] for e in recent["events"]
    ]
    lines = httpx.get(browser.find_element(By.ID, "download-csv").get_attribute("href")).text.strip().splitlines()
    assert len(lines) - 1 == recent["total"]
    assert httpx.get(browser.find_element(By.ID, "download-parquet").get_attribute("href")).content[:4] == b"PAR1"

    codes = {r.get_attribute("data-actor") for r in browser.find_elements(By.CSS_SELECTOR, "#actors tr[data-actor]")}
    assert {"RUSGOV", "RUSMIL"} <= codes and all(c.startswith("RUS") and c != "RUS" for c in codes)

    usa = browser.find_element(By.CSS_SELECTOR, '#partners tr[data-partner="USA"] a.dyad-link')
    usa.click()
    WebDriverWait(browser, 20).until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-loaded") == "ok")
    assert "(RUS–USA)" in _text(browser, "dyad-name")

    # an actor code's page: its events, counted in its country's row of the panel, and its partners
    _open(browser, f"{server}/country?c=USAGOV")
    assert browser.find_element(By.ID, "country-name").get_attribute("data-kind") == "actor"
    assert "USAGOV" in _text(browser, "country-name") and "USA" in _text(browser, "country-name")
    own = httpx.get(f"{server}/api/events", params={**counted, "party": "USAGOV", "limit": 1}).json()["total"]
    assert own > 0 and browser.find_element(By.ID, "country-total").get_attribute("data-total") == str(own)
    assert browser.find_element(By.ID, "recent-count").get_attribute("data-total") == str(own)
    assert browser.find_elements(By.CSS_SELECTOR, "#partners tr[data-partner]")

    browser.get(f"{server}/country?c=Rusia")
    WebDriverWait(browser, 20).until(lambda d: d.find_element(By.TAG_NAME, "body").get_attribute("data-loaded"))
    assert "did you mean Russia (RUS)?" in _text(browser, "status")
