#!/usr/bin/env python3
"""The real-browser test of the web workspace (issue #14), run by
tests/browser.rs against a real `rushes serve` over a library holding one
12 s 29.97 DF clip (start 01:00:00;00) whose transcript has the cue
PHRASE at 3.0-5.6 s, a cue `<script>alert(1)</script>`, and a clip named
`<img src=x onerror=alert(1)>.mp4`.

    workspace.py URL OUTDIR

Drives Debian's headless chromium through /usr/bin/chromedriver (selenium)
the way an editor would:
  1. types the phrase into the search box and sees the hit;
  2. clicks it: the video lands within one frame of the hit's in-point and
     the on-screen source timecode reads the hit's tc_in;
  3. lets it play two seconds of media time and presses O;
  4. adds the select to a bin;
  5. downloads the bin's EDL in the page (so the server's cookie is used)
     and reads it back with pycmx: one event, source in = the hit's tc_in,
     source out = the out mark.
Then checks that markup in a cue and a clip name stays text and that the
page logged no error. Saves OUTDIR/search.png and OUTDIR/player.png (and
OUTDIR/failure.png when a step fails). Exits 1 with the reason on any
failure.
"""

import io
import json
import os
import sys
import time

import pycmx
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException, WebDriverException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

PHRASE = "heron lifts over the weir"
SCRIPT_CUE = "<script>alert(1)</script>"
IMG_CLIP = "<img src=x onerror=alert(1)>.mp4"
BIN = "browser test"
# The sound recorder's BWF (25 fps, start 14:31:05:00 from its iXML/bext),
# with a cue at 0.2-0.8 s: an audio-only clip.
AUDIO_PHRASE = "kingfisher on the far bank"
AUDIO_FRAME_S = 1 / 25
# The test clip's rate: 30000/1001, so one frame is 1001/30000 s.
FRAME_S = 1001 / 30000
# A cue with its harakat, searched without them.
ARABIC_CUE = "وَصَلَتِ المِيَاهُ إِلَى البَاب"
ARABIC_QUERY = "المياه"
ARABIC_WORD = "المِيَاهُ"
# Seconds any one step may take (a loaded 2-core CI machine is slow).
STEP_TIMEOUT_S = 30


class Failed(Exception):
    pass


def log(msg):
    print(f"workspace.py: {msg}", flush=True)


def wait_for(what, probe, timeout=STEP_TIMEOUT_S):
    """Polls `probe` until it returns something truthy; fails after `timeout`.
    An element the page redrew while the probe read it (search as you type
    replaces the hit list) is not an answer yet: the probe is asked again."""
    end = time.monotonic() + timeout
    last = None
    while time.monotonic() < end:
        try:
            last = probe()
        except StaleElementReferenceException as e:
            last = f"an element redrawn while read ({e.msg})"
        else:
            if last:
                return last
        time.sleep(0.05)
    raise Failed(f"timed out after {timeout} s waiting for {what} (last: {last!r})")


def check(cond, msg):
    if not cond:
        raise Failed(msg)


def browser():
    opts = webdriver.ChromeOptions()
    opts.binary_location = "/usr/bin/chromium"
    for arg in [
        "--headless=new",
        "--no-sandbox",  # CI runs as root
        "--disable-dev-shm-usage",
        "--window-size=1400,900",
        "--mute-audio",
        # The test clicks like a person, but play() runs after two fetches;
        # this keeps a slow machine from losing the click's activation.
        "--autoplay-policy=no-user-gesture-required",
        "--disable-extensions",
        "--no-first-run",
    ]:
        opts.add_argument(arg)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path="/usr/bin/chromedriver"), options=opts)
    driver.set_window_size(1400, 900)
    driver.set_script_timeout(STEP_TIMEOUT_S)
    return driver


def fetch_text(driver, url):
    """GET `url` from inside the page (same origin, with its cookie)."""
    got = driver.execute_async_script(
        """
        const [url, done] = arguments;
        fetch(url, {credentials: "same-origin"})
          .then(async (r) => done({status: r.status, headers: Object.fromEntries(r.headers), text: await r.text()}))
          .catch((e) => done({status: 0, text: String(e)}));
        """,
        url,
    )
    check(got["status"] == 200, f"GET {url}: status {got['status']}: {got['text'][:300]}")
    return got


def js(driver, script, *args):
    return driver.execute_script(script, *args)


def run(driver, url, outdir):
    driver.get(url)
    q = wait_for("the search box #q", lambda: driver.find_elements(By.ID, "q"))[0]
    # Record every seek as the page finishes it: the position and the
    # timecode on screen at that moment (the page's own `seeked` handler,
    # registered at start-up, runs first and updates #tc).
    js(
        driver,
        """
        window.__seeks = [];
        const v = document.getElementById("player");
        v.addEventListener("seeked", () => {
          const tc = document.getElementById("tc");
          window.__seeks.push({t: v.currentTime, tc: tc.textContent, frame: tc.dataset.frame});
        });
        """,
    )

    # 1. Type the phrase; the hit appears.
    q.click()
    q.send_keys(PHRASE)
    wait_for("a .hit row", lambda: driver.find_elements(By.CSS_SELECTOR, "#hits .hit"))
    truth = json.loads(fetch_text(driver, "/api/search?q=" + PHRASE.replace(" ", "+"))["text"])
    check(len(truth) == 1, f"the API finds {len(truth)} hits for {PHRASE!r}, the fixture has one: {truth}")
    hit = truth[0]
    log(f"hit: {hit['clip']} {hit['tc_in']} - {hit['tc_out']} at {hit['offset_in_s']} s")
    rows = driver.find_elements(By.CSS_SELECTOR, "#hits .hit")
    check(len(rows) == 1, f"{len(rows)} .hit rows for one hit")
    count = driver.find_element(By.ID, "count").text
    check(count == "1 hit", f"#count reads {count!r}, not '1 hit'")
    marks = [m.text for m in rows[0].find_elements(By.TAG_NAME, "mark")]
    # `matches` counts characters (Unicode scalar values), as Python does.
    expected = ["".join(hit["text"][a:b]) for a, b in hit["matches"]]
    check(marks == expected, f"the highlighted words are {marks}, not the hit's matches {expected}")
    check(hit["tc_in"] in rows[0].text, f"the hit row does not show {hit['tc_in']}: {rows[0].text!r}")
    # Anna's release is pending in the log: the row says so.
    check(hit["clearance"]["status"] == "pending", f"the API's clearance is {hit['clearance']}, not pending")
    badges = [b.text for b in rows[0].find_elements(By.CSS_SELECTOR, ".clearance")]
    check(badges == ["pending"], f"the hit row's clearance badges are {badges}, not ['pending']")
    # The rough cut holds a second of the bite: the row says it is used,
    # beside the clearance badge, with the cut and where on hover.
    check(hit["used"] == [{"cut": "rough", "record_in": "01:00:00:00"}], f"the API's used is {hit['used']}")
    used = rows[0].find_elements(By.CSS_SELECTOR, ".hit-head .clearance + .used")
    check([u.text for u in used] == ["used"], f"the hit row's used marks are {[u.text for u in used]}, not ['used']")
    check("rough 01:00:00:00" in used[0].get_attribute("title"), f"the used mark's title is {used[0].get_attribute('title')!r}")
    # HERON.mp4's checksum differs from the card's offload list: the row
    # says it is not the offloaded copy, and names the list on hover.
    check(hit["verified"] == "mismatch", f"the API's verified is {hit['verified']!r}, not 'mismatch'")
    bad = rows[0].find_elements(By.CSS_SELECTOR, ".hit-head .used + .verified.mismatch")
    check([b.text for b in bad] == ["not the offloaded copy"], f"the hit row's verified marks are {[b.text for b in bad]}")
    check("A_CAM_2026-03-14.mhl" in bad[0].get_attribute("title"), f"the mark's title is {bad[0].get_attribute('title')!r}")
    # The context cues, fetched on demand: the <script> cue comes after the
    # hit's cue and shows as text.
    rows[0].find_element(By.CSS_SELECTOR, ".ctx-toggle").click()
    ctx = wait_for("the context cues", lambda: [e for e in driver.find_elements(By.CSS_SELECTOR, "#hits .context") if e.is_displayed()])[0]
    check(SCRIPT_CUE in ctx.text, f"the context does not show the cue {SCRIPT_CUE!r} as text: {ctx.text!r}")
    driver.save_screenshot(os.path.join(outdir, "search.png"))

    # 2. Click the hit: the player seeks to the in-point and shows its TC.
    rows[0].find_element(By.CSS_SELECTOR, ".hit-text").click()
    seek = wait_for("the video to seek to the hit", lambda: js(driver, "return window.__seeks[0]"))
    log(f"seeked: currentTime {seek['t']:.4f} s, #tc {seek['tc']} (frame {seek['frame']})")
    check(
        abs(seek["t"] - hit["offset_in_s"]) <= FRAME_S,
        f"the video landed at {seek['t']} s, more than one frame from the in-point {hit['offset_in_s']} s",
    )
    check(seek["tc"] == hit["tc_in"], f"#tc read {seek['tc']!r} after the seek, not the hit's tc_in {hit['tc_in']!r}")
    check(js(driver, "return document.getElementById('mark-in').textContent") == hit["tc_in"], "#mark-in is not the hit's tc_in")

    # 3. Two seconds of media time later, press O.
    target = hit["offset_in_s"] + 2.0
    wait_for(
        f"the video to play to {target:.2f} s",
        lambda: js(driver, "const v = document.getElementById('player'); return !v.paused && v.currentTime >= arguments[0]", target),
    )
    ActionChains(driver).send_keys("o").perform()
    mark_out = wait_for("#mark-out to be set", lambda: (lambda t: t if t != "--" else None)(driver.find_element(By.ID, "mark-out").text))
    live_tc = driver.find_element(By.ID, "tc").text
    log(f"pressed O: #mark-out {mark_out}, #tc {live_tc}")
    check(mark_out != hit["tc_out"], f"#mark-out {mark_out} is still the hit's out: O did not set it")

    # 4. Add the select to a bin.
    name = driver.find_element(By.ID, "bin-name")
    name.click()
    name.send_keys(Keys.CONTROL, "a")
    name.send_keys(Keys.DELETE)
    name.send_keys(BIN)
    driver.find_element(By.ID, "add-to-bin").click()
    sel = wait_for("the select in the bin list", lambda: driver.find_elements(By.CSS_SELECTOR, "#bin-list .select"))
    check(len(sel) == 1, f"{len(sel)} selects in the new bin, not one")
    check(f"{hit['tc_in']} – {mark_out}" in sel[0].text, f"the select reads {sel[0].text!r}, not {hit['tc_in']} – {mark_out}")
    # Let the player reach the hit's out point and rest there before the picture.
    wait_for("the player to pause at the out point", lambda: js(driver, "return document.getElementById('player').paused"))
    driver.save_screenshot(os.path.join(outdir, "player.png"))

    # 5. The EDL, downloaded by the page's own link, read back with pycmx.
    href = driver.find_element(By.ID, "export-edl").get_attribute("href")
    check(href and "format=edl" in href, f"#export-edl has no EDL link: {href!r}")
    got = fetch_text(driver, href)
    edl = pycmx.parse_cmx3600(io.StringIO(got["text"]))
    events = list(edl.events)
    check(len(events) == 1, f"the EDL has {len(events)} events, not one:\n{got['text']}")
    edit = events[0].edits[0]
    log(f"EDL event: source {edit.source_in} - {edit.source_out}")
    check(edit.source_in == hit["tc_in"], f"EDL source in {edit.source_in}, not the hit's {hit['tc_in']}:\n{got['text']}")
    check(edit.source_out == mark_out, f"EDL source out {edit.source_out}, not #mark-out {mark_out}:\n{got['text']}")

    # Markup stays text: the cue in the player's transcript and a clip whose
    # name is an <img> tag (an alert would fail the next command).
    transcript = wait_for("the player's transcript", lambda: driver.find_element(By.ID, "transcript").text)
    check(SCRIPT_CUE in transcript, f"the transcript does not show {SCRIPT_CUE!r} as text")
    q.click()
    q.send_keys(Keys.CONTROL, "a")
    q.send_keys("onerror")

    def click_img_clip():
        # Found and clicked in one go: the list may be redrawn in between.
        links = [a for a in driver.find_elements(By.CSS_SELECTOR, "#hits .clip-link") if a.text == IMG_CLIP]
        if not links:
            return None
        links[0].click()
        return True

    wait_for("the hit for the clip named like an <img> tag, clicked", click_img_clip)
    title = wait_for("the clip page", lambda: [e.text for e in driver.find_elements(By.CSS_SELECTOR, "#clip-page h1") if e.text])[0]
    check(title == IMG_CLIP, f"the clip page is titled {title!r}, not {IMG_CLIP!r}")
    injected = js(driver, "return document.querySelectorAll('body script, #hits img, #clip-page img, #transcript img').length")
    check(injected == 0, f"{injected} script/img elements came from data")

    # 6. An audio-only clip plays in the same player, marked audio only,
    # with the same source timecode over it.
    q = driver.find_element(By.ID, "q")
    q.click()
    q.send_keys(Keys.CONTROL, "a")
    q.send_keys(AUDIO_PHRASE)
    truth = json.loads(fetch_text(driver, "/api/search?q=" + AUDIO_PHRASE.replace(" ", "+"))["text"])
    check(len(truth) == 1, f"the API finds {len(truth)} hits for {AUDIO_PHRASE!r}: {truth}")
    audio_hit = truth[0]

    def click_audio_hit():
        # Search as you type may redraw the list between finding and clicking.
        try:
            rows = [r for r in driver.find_elements(By.CSS_SELECTOR, "#hits .hit") if "T001.WAV" in r.text]
            if len(rows) != 1 or driver.find_element(By.ID, "count").text != "1 hit":
                return None
            rows[0].find_element(By.CSS_SELECTOR, ".hit-text").click()
            return True
        except StaleElementReferenceException:
            return None

    seeks_before = js(driver, "return window.__seeks.length")
    wait_for("the one hit on the sound recorder's file, clicked", click_audio_hit)
    seek = wait_for(
        "the audio clip to seek to its hit",
        lambda: js(driver, "return window.__seeks.length > arguments[0] ? window.__seeks[window.__seeks.length - 1] : null", seeks_before),
    )
    log(f"audio seeked: currentTime {seek['t']:.4f} s, #tc {seek['tc']}")
    check(
        abs(seek["t"] - audio_hit["offset_in_s"]) <= AUDIO_FRAME_S,
        f"the audio landed at {seek['t']} s, more than one frame from {audio_hit['offset_in_s']} s",
    )
    check(audio_hit["clearance"]["status"] == "unknown", f"SPEAKER 1's clearance is {audio_hit['clearance']}, not unknown")
    badge = driver.find_elements(By.CSS_SELECTOR, "#hits .hit .clearance.unknown")
    check([b.text for b in badge] == ["unknown"], "the audio hit does not say its speaker has no release")
    check(audio_hit["used"] == [], f"the audio hit is in no cut, but its used is {audio_hit['used']}")
    check(not driver.find_elements(By.CSS_SELECTOR, "#hits .hit .used"), "the audio hit, in no cut, is marked used")
    # The WAV is on no offload list: hashed, but nothing to compare, so no mark.
    check(audio_hit["verified"] == "not_in_mhl", f"the WAV's verified is {audio_hit['verified']!r}, not 'not_in_mhl'")
    check(not driver.find_elements(By.CSS_SELECTOR, "#hits .hit .verified"), "the WAV, on no offload list, is marked")
    check(seek["tc"] == audio_hit["tc_in"], f"#tc read {seek['tc']!r}, not the audio hit's tc_in {audio_hit['tc_in']!r}")
    check(driver.find_element(By.ID, "audio-only").is_displayed(), "the player does not say the clip is audio only")
    src = js(driver, "return document.getElementById('player').currentSrc")
    check(src.endswith("/media/" + audio_hit["clip_id"]), f"the player plays {src!r}, not the WAV's media URL")
    driver.save_screenshot(os.path.join(outdir, "audio.png"))

    # 7. An Arabic cue, searched without its vowel marks, is found and reads
    # right to left, the mark on the word as written.
    q = driver.find_element(By.ID, "q")
    q.click()
    q.send_keys(Keys.CONTROL, "a")
    q.send_keys(ARABIC_QUERY)

    def arabic_row():
        try:
            if driver.find_element(By.ID, "count").text != "1 hit":
                return None
            bdi = driver.find_element(By.CSS_SELECTOR, "#hits .hit .hit-text bdi")
            # Search as you type: the list may still show the last query's hit.
            if bdi.text != ARABIC_CUE:
                return None
            return {
                "direction": js(driver, "return getComputedStyle(arguments[0]).direction", bdi),
                "marked": [m.text for m in bdi.find_elements(By.CSS_SELECTOR, "mark")],
                "text": bdi.text,
            }
        except (StaleElementReferenceException, WebDriverException):
            return None

    row = wait_for(f"the Arabic cue, as written, the one hit for {ARABIC_QUERY!r}", arabic_row)
    log(f"arabic hit: {row}")
    check(row["direction"] == "rtl", f"the Arabic cue reads {row['direction']}, not right to left")
    check(row["marked"] == [ARABIC_WORD], f"the marked words are {row['marked']}, not [{ARABIC_WORD!r}]")
    driver.save_screenshot(os.path.join(outdir, "arabic.png"))

    # The browser asks for /favicon.ico by itself; the workspace has none.
    errors = [
        e for e in driver.get_log("browser") if e.get("level") == "SEVERE" and "favicon.ico" not in e.get("message", "")
    ]
    check(not errors, "the page logged errors:\n" + "\n".join(e.get("message", "") for e in errors))


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: workspace.py URL OUTDIR")
    url, outdir = sys.argv[1], sys.argv[2]
    os.makedirs(outdir, exist_ok=True)
    driver = browser()
    try:
        run(driver, url, outdir)
    except (Failed, WebDriverException) as e:
        try:
            driver.save_screenshot(os.path.join(outdir, "failure.png"))
            for entry in driver.get_log("browser"):
                log(f"browser log: {entry.get('level')} {entry.get('message')}")
        except WebDriverException:
            pass
        log(f"FAIL: {type(e).__name__}: {e}")
        sys.exit(1)
    finally:
        driver.quit()
    log("ok: search, seek to the in-point with its TC, O, bin, EDL read back by pycmx")


if __name__ == "__main__":
    main()
