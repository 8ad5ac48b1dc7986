// The editors' workspace: search, player with live source timecode, bins,
// and the clip page, over the `rushes serve` JSON API.
//
// Rules this file keeps:
// - Data reaches the DOM only as text (`textContent`, `createElement`,
//   `setAttribute`); no markup is ever built from strings, so a clip named
//   `<img src=x onerror=…>` or a cue `<script>…` shows as what it is.
// - Timecode is integer frame arithmetic (SMPTE 12M drop-frame for 29.97
//   and 59.94), never float seconds formatted; media time becomes a frame
//   with floor(t × num / den + 1e-6) and a frame becomes a seek target in
//   the middle of that frame, so rounding never lands on a neighbour.
// - Every request is same-origin with the cookie the server set; an API
//   error (`{error}`) is shown in the status line, never swallowed.
"use strict";

(() => {
  // ---- small DOM helpers ---------------------------------------------------

  const $ = (id) => document.getElementById(id);

  /** An element with attributes and children (strings become text nodes). */
  function h(tag, attrs, ...children) {
    const el = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) continue;
      if (k === "class") el.className = v;
      else if (k === "text") el.textContent = v;
      else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
      else el.setAttribute(k, v === true ? "" : String(v));
    }
    for (const c of children) {
      if (c === null || c === undefined || c === false) continue;
      el.append(c instanceof Node ? c : document.createTextNode(String(c)));
    }
    return el;
  }

  function clear(el) {
    while (el.firstChild) el.removeChild(el.firstChild);
  }

  // ---- status line -----------------------------------------------------------

  let statusTimer = 0;
  function status(message, kind) {
    const el = $("status");
    el.textContent = message || "";
    el.className = "status" + (kind ? " " + kind : "");
    clearTimeout(statusTimer);
    if (message && kind !== "error") statusTimer = setTimeout(() => status(""), 4000);
  }
  function showError(what, err) {
    if (err && err.name === "AbortError") return;
    status(what + ": " + ((err && err.message) || String(err)), "error");
  }

  // ---- the API -------------------------------------------------------------

  class ApiError extends Error {
    constructor(message, status, data) {
      super(message);
      this.status = status;
      this.data = data;
    }
  }

  /** fetch + JSON; a non-2xx answer throws ApiError with the server's `error`. */
  async function api(method, path, body, signal) {
    const opts = { method, signal, credentials: "same-origin", headers: { Accept: "application/json" } };
    if (method !== "GET") opts.headers["Content-Type"] = "application/json";
    if (body !== undefined) opts.body = JSON.stringify(body);
    const res = await fetch(path, opts);
    const text = await res.text();
    let data = null;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch (_) {
        if (res.ok) throw new ApiError(`${method} ${path}: the answer is not JSON`, res.status, null);
      }
    }
    if (!res.ok) {
      const msg = data && typeof data.error === "string" ? data.error : `${res.status} ${res.statusText}`;
      throw new ApiError(msg, res.status, data);
    }
    return { data, res };
  }

  const enc = encodeURIComponent;

  // ---- timecode ------------------------------------------------------------

  /** The clip's timecode format: exact rate, nominal frames per second, drop-frame. */
  function tcFormat(clip) {
    let num = 25;
    let den = 1;
    const m = clip && typeof clip.rate === "string" ? /^(\d+)(?:\/(\d+))?$/.exec(clip.rate) : null;
    if (m && +m[1] > 0 && (m[2] === undefined || +m[2] > 0)) {
      num = +m[1];
      den = m[2] === undefined ? 1 : +m[2];
    }
    const nominal = Math.max(1, Math.floor((num + Math.floor(den / 2)) / den));
    const drop = !!(clip && (clip.drop_frame || /;/.test(clip.start_tc || ""))) && nominal % 30 === 0;
    const skip = drop ? nominal / 15 : 0;
    const perDay = drop ? (nominal * 600 - 9 * skip) * 144 : nominal * 86400;
    return { num, den, nominal, drop, skip, perDay };
  }

  const pad2 = (n) => (n < 10 ? "0" : "") + n;

  /** Frames since midnight named by a label, or null when it is no label. */
  function labelFrames(label, f) {
    const m = /^(\d{2}):(\d{2}):(\d{2})[:;.,](\d{2})$/.exec(label || "");
    if (!m) return null;
    const [hh, mm, ss, ff] = m.slice(1).map(Number);
    const minutes = hh * 60 + mm;
    const dropped = f.drop ? f.skip * (minutes - Math.floor(minutes / 10)) : 0;
    return (hh * 3600 + mm * 60 + ss) * f.nominal + ff - dropped;
  }

  /** The label of a frame count since midnight (wrapping at 24 h). */
  function framesLabel(frame, f) {
    let n = ((frame % f.perDay) + f.perDay) % f.perDay;
    if (f.drop) {
      const per10 = f.nominal * 600 - 9 * f.skip;
      const perMin = f.nominal * 60 - f.skip;
      const tens = Math.floor(n / per10);
      const rest = n % per10;
      const extra = rest < f.skip ? 0 : f.skip * Math.min(9, Math.floor((rest - f.skip) / perMin));
      n += 9 * f.skip * tens + extra;
    }
    const secs = Math.floor(n / f.nominal);
    const hh = Math.floor(secs / 3600) % 24;
    const mm = Math.floor(secs / 60) % 60;
    const ss = secs % 60;
    return `${pad2(hh)}:${pad2(mm)}:${pad2(ss)}${f.drop ? ";" : ":"}${pad2(n % f.nominal)}`;
  }

  /** A frame count as a duration (non-drop, at the nominal rate). */
  function durationLabel(frames, f) {
    const nd = { nominal: f.nominal, drop: false, perDay: f.nominal * 86400 * 1000 };
    return framesLabel(Math.max(0, frames), nd);
  }

  // ---- state -----------------------------------------------------------------

  // Hits in a first page: more than a screen holds, few enough that each
  // keystroke's answer is small and quick; "show more" asks for more.
  const PAGE = 50;
  const MAX_HITS = 1000;

  const state = {
    filters: { speaker: null, camera: null, reel: null, day: null, kind: null },
    hits: [],
    selected: -1,
    searchAbort: null,
    searchTimer: 0,
    // Hits asked for: a first page, more on demand.
    limit: PAGE,
    clips: new Map(), // id -> Promise<show JSON>
    // The player.
    clip: null, // show JSON of the loaded clip
    f: tcFormat(null),
    startFrame: 0,
    playable: false,
    hit: null, // what was played: a hit or a select, for the bin's defaults
    markIn: null, // frame offsets in the clip
    markOut: null, // exclusive
    stopAt: null, // media time to pause at
    rate: 1,
    jTimer: 0,
    jSpeed: 0,
    rows: [], // transcript rows: {el, frameIn, frameOut, kind}
    currentRow: null,
    bins: [],
  };

  const video = () => $("player");

  // ---- search ----------------------------------------------------------------

  const FACETS = [
    ["speakers", "speaker"],
    ["cameras", "camera"],
    ["reels", "reel"],
    ["days", "day"],
    ["kinds", "kind"],
  ];

  async function loadFacets() {
    try {
      const { data } = await api("GET", "/api/facets");
      const nav = $("chips");
      clear(nav);
      for (const [key, filter] of FACETS) {
        const values = Array.isArray(data && data[key]) ? data[key] : [];
        if (!values.length) continue;
        const group = h("span", { class: "chip-group", "data-filter": filter }, h("span", { class: "chip-label", text: filter }));
        for (const value of values) {
          if (value === null || value === undefined || value === "") continue;
          const chip = h("button", {
            type: "button",
            class: "chip",
            "data-filter": filter,
            "data-value": String(value),
            "aria-pressed": "false",
            text: String(value),
          });
          chip.addEventListener("click", () => toggleFilter(filter, String(value)));
          group.append(chip);
        }
        nav.append(group);
      }
    } catch (err) {
      showError("filters", err);
    }
  }

  function toggleFilter(filter, value) {
    state.filters[filter] = state.filters[filter] === value ? null : value;
    for (const chip of document.querySelectorAll(`.chip[data-filter="${filter}"]`)) {
      chip.setAttribute("aria-pressed", String(chip.dataset.value === state.filters[filter]));
    }
    state.limit = PAGE;
    runSearch();
  }

  function scheduleSearch() {
    if (location.hash.startsWith("#/clip/")) location.hash = "#/";
    clearTimeout(state.searchTimer);
    state.limit = PAGE;
    state.searchTimer = setTimeout(runSearch, 100);
  }

  async function runSearch() {
    clearTimeout(state.searchTimer);
    state.searchTimer = 0;
    if (state.searchAbort) state.searchAbort.abort();
    const q = $("q").value.trim();
    const errEl = $("q-error");
    if (!q) {
      state.searchAbort = null;
      errEl.hidden = true;
      $("q").classList.remove("invalid");
      renderHits([], null);
      return;
    }
    const ctl = new AbortController();
    state.searchAbort = ctl;
    const params = new URLSearchParams({ q, limit: String(state.limit) });
    for (const [k, v] of Object.entries(state.filters)) if (v) params.set(k, v);
    try {
      const { data, res } = await api("GET", "/api/search?" + params.toString(), undefined, ctl.signal);
      if (ctl.signal.aborted) return;
      errEl.hidden = true;
      $("q").classList.remove("invalid");
      const total = Number(res.headers.get("X-Total-Count"));
      const hits = Array.isArray(data) ? data : [];
      renderHits(hits, Number.isFinite(total) && res.headers.has("X-Total-Count") ? total : hits.length);
    } catch (err) {
      if (err.name === "AbortError" || ctl.signal.aborted) return;
      if (err.status === 400) {
        errEl.textContent = "";
        errEl.append(err.message);
        const pos = err.data && Number.isInteger(err.data.position) ? err.data.position : null;
        if (pos !== null) {
          // Point at the character the parser stopped on.
          const chars = Array.from(q);
          const at = Math.min(Math.max(pos - 1, 0), chars.length);
          errEl.append(
            h("div", { class: "q-caret" },
              h("span", { class: "muted", text: chars.slice(0, at).join("") }),
              h("span", { class: "bad", text: chars.slice(at, at + 1).join("") || " " }),
              h("span", { class: "muted", text: chars.slice(at + 1).join("") })));
        }
        errEl.hidden = false;
        $("q").classList.add("invalid");
        $("count").textContent = "";
      } else {
        showError("search", err);
      }
    }
  }

  function plural(n, one, many) {
    return `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
  }

  /** Text with [start, end) character ranges (Unicode scalar values) in <mark>. */
  function highlighted(text, matches) {
    const chars = Array.from(text || "");
    const spans = (Array.isArray(matches) ? matches : [])
      .filter((m) => Array.isArray(m) && m.length === 2 && Number.isInteger(m[0]) && Number.isInteger(m[1]))
      .map(([a, b]) => [Math.max(0, Math.min(a, chars.length)), Math.max(0, Math.min(b, chars.length))])
      .filter(([a, b]) => b > a)
      .sort((x, y) => x[0] - y[0]);
    const frag = document.createDocumentFragment();
    let at = 0;
    for (const [a, b] of spans) {
      const start = Math.max(a, at);
      if (b <= start) continue;
      if (start > at) frag.append(chars.slice(at, start).join(""));
      frag.append(h("mark", { text: chars.slice(start, b).join("") }));
      at = b;
    }
    if (at < chars.length) frag.append(chars.slice(at).join(""));
    return frag;
  }

  function renderHits(hits, total) {
    state.hits = hits;
    state.selected = hits.length ? 0 : -1;
    const list = $("hits");
    clear(list);
    $("count").textContent = total === null ? "" : plural(total, "hit", "hits");
    $("hits-empty").hidden = total !== null;
    if (total !== null && !hits.length) {
      list.append(h("li", { class: "empty", text: "No hits." }));
    }
    hits.forEach((hit, i) => list.append(hitRow(hit, i)));
    if (total !== null && total > hits.length && state.limit < MAX_HITS) {
      const more = h("button", { type: "button", id: "more-hits", text: `Show more (${hits.length} of ${total})` });
      more.addEventListener("click", () => {
        state.limit = Math.min(state.limit * 4, MAX_HITS);
        runSearch();
      });
      list.append(h("li", { class: "more" }, more));
    }
    markSelected(false);
  }

  // What the release log says of a hit, when it is not cleared: the
  // status, with the reasons on hover. Nothing for a cleared hit, nor for
  // every hit of a library with no release log.
  function clearanceBadge(c) {
    if (!c || !c.release_log || !c.status || c.status === "cleared") return null;
    return h("span", { class: `clearance ${c.status}`, title: (c.reasons || []).join("\n"), text: c.status });
  }

  // The cuts that already hold this span (`rushes used`): a small "used"
  // mark, the cuts and where on hover. Nothing for an unused hit.
  function usedBadge(used) {
    if (!used || used.length === 0) return null;
    const where = used.map((u) => `${u.cut} ${u.record_in}`).join("\n");
    return h("span", { class: "used", title: `used in\n${where}`, text: "used" });
  }

  // A hit on a file whose checksum differs from its offload hash list
  // (ASC MHL): not the bit-exact copy of the card. A match, a file no
  // list names and a file never hashed say nothing.
  function verifiedBadge(hit) {
    if (hit.verified !== "mismatch") return null;
    const p = hit.provenance || {};
    const from = [p.tool, p.host, p.date, p.mhl].filter(Boolean).join(", ");
    return h("span", { class: "verified mismatch", title: `hash mismatch against the offload hash list\n${from}`, text: "not the offloaded copy" });
  }

  function hitRow(hit, i) {
    const where = [hit.camera, hit.reel].filter(Boolean).join(" / ");
    const tcs = hit.tc_out ? `${hit.tc_in} – ${hit.tc_out}` : hit.tc_in || "";
    const ctx = h("div", { class: "context", hidden: true });
    const toggle = h("button", { type: "button", class: "ctx-toggle", title: "Show the cues around this one", text: "context" });
    toggle.addEventListener("click", (e) => {
      e.stopPropagation();
      toggleContext(hit, ctx, toggle);
    });
    const row = h("li", { class: "hit", tabindex: "-1", "data-i": String(i), "data-kind": hit.kind || "" },
      h("div", { class: "hit-head" },
        h("a", { class: "clip-link", href: `#/clip/${enc(hit.clip_id)}`, title: "The clip's shot log", text: hit.clip || "" }),
        where ? h("span", { class: "where", text: where }) : null,
        h("span", { class: "tcv", text: tcs }),
        hit.kind && hit.kind !== "soundbite" ? h("span", { class: "kind", text: hit.kind }) : null,
        clearanceBadge(hit.clearance),
        usedBadge(hit.used),
        verifiedBadge(hit)),
      h("div", { class: "hit-text" },
        hit.speaker ? h("span", { class: "speaker", text: hit.speaker + ": " }) : null,
        // bdi: a cue in Arabic or Hebrew reads right to left, whatever
        // surrounds it.
        h("bdi", {}, highlighted(hit.text, hit.matches))),
      hit.kind === "soundbite" ? toggle : null,
      ctx);
    row.querySelector(".clip-link").addEventListener("click", (e) => e.stopPropagation());
    row.addEventListener("click", () => {
      state.selected = i;
      markSelected(false);
      playHit(hit);
    });
    return row;
  }

  async function toggleContext(hit, ctx, toggle) {
    if (!ctx.hidden) {
      ctx.hidden = true;
      toggle.classList.remove("on");
      return;
    }
    try {
      const show = await clipShow(hit.clip_id);
      const cues = Array.isArray(show.transcript) ? show.transcript : [];
      let at = cues.findIndex((c) => c.tc_in === hit.tc_in);
      if (at < 0) {
        let best = Infinity;
        cues.forEach((c, i) => {
          const d = Math.abs((c.offset_in_s || 0) - (hit.offset_in_s || 0));
          if (d < best) {
            best = d;
            at = i;
          }
        });
      }
      clear(ctx);
      for (let i = Math.max(0, at - 2); i <= Math.min(cues.length - 1, at + 2); i++) {
        const c = cues[i];
        ctx.append(h("div", { class: "ctx-cue" + (i === at ? " this" : "") },
          h("span", { class: "tcv", text: c.tc_in || "" }), " ",
          c.speaker ? h("span", { class: "speaker", text: c.speaker + ": " }) : null,
          h("bdi", {}, c.text || "")));
      }
      if (!cues.length) ctx.append(h("div", { class: "muted", text: "This clip has no transcript." }));
      ctx.hidden = false;
      toggle.classList.add("on");
    } catch (err) {
      showError("context", err);
    }
  }

  function markSelected(scroll) {
    const rows = document.querySelectorAll("#hits .hit");
    rows.forEach((r, i) => r.classList.toggle("selected", i === state.selected));
    if (scroll && rows[state.selected]) rows[state.selected].scrollIntoView({ block: "nearest" });
  }

  function moveSelection(delta) {
    if (!state.hits.length) return;
    state.selected = Math.max(0, Math.min(state.hits.length - 1, state.selected + delta));
    markSelected(true);
  }

  // ---- clips ---------------------------------------------------------------

  function clipShow(id) {
    if (!state.clips.has(id)) {
      const p = api("GET", `/api/clips/${enc(id)}`).then(({ data }) => data);
      p.catch(() => state.clips.delete(id));
      state.clips.set(id, p);
    }
    return state.clips.get(id);
  }

  // ---- the player ----------------------------------------------------------

  /** The frame (offset in the clip) the video shows now. */
  function currentFrame() {
    const f = state.f;
    return Math.max(0, Math.floor((video().currentTime * f.num) / f.den + 1e-6));
  }

  /** The middle of a frame, in media seconds. */
  function frameTime(frame) {
    return ((Math.max(0, frame) + 0.5) * state.f.den) / state.f.num;
  }

  /** A label in the clip's own timecode as a frame offset in the clip. */
  function labelOffset(label) {
    const frames = labelFrames(label, state.f);
    if (frames === null) return null;
    return (((frames - state.startFrame) % state.f.perDay) + state.f.perDay) % state.f.perDay;
  }

  function offsetLabel(frame) {
    return framesLabel(state.startFrame + frame, state.f);
  }

  function secondsFrame(s) {
    return Math.round((s * state.f.num) / state.f.den);
  }

  /** Shows the timecode of `frame` (default: what the video shows). */
  function showTc(frame) {
    if (!state.clip) return;
    const fr = frame === undefined ? currentFrame() : frame;
    const tc = $("tc");
    const label = offsetLabel(fr);
    if (tc.textContent !== label) tc.textContent = label;
    tc.dataset.frame = String(fr);
    followTranscript(fr);
    const v = video();
    if (state.playable && v.duration > 0) $("scrub-fill").style.width = `${Math.min(100, (100 * v.currentTime) / v.duration)}%`;
  }

  /** Pauses at the out point of what is being played. */
  function checkStop() {
    const v = video();
    if (state.stopAt !== null && !v.paused && v.currentTime >= state.stopAt) {
      const out = state.stopAt;
      state.stopAt = null;
      v.pause();
      // Rest on the last frame inside the span, not the first one past it.
      v.currentTime = Math.max(0, out - (0.5 * state.f.den) / state.f.num);
    }
  }

  let rafId = 0;
  function tick() {
    rafId = 0;
    const v = video();
    checkStop();
    showTc();
    if (!v.paused) rafId = requestAnimationFrame(tick);
  }
  function startTicking() {
    if (!rafId) rafId = requestAnimationFrame(tick);
  }

  function stopReverse() {
    clearInterval(state.jTimer);
    state.jTimer = 0;
    state.jSpeed = 0;
  }

  function showSpeed() {
    const v = video();
    let s = "";
    if (state.jSpeed) s = `◀ ${state.jSpeed}×`;
    else if (!v.paused && v.playbackRate !== 1) s = `▶ ${v.playbackRate}×`;
    $("speed").textContent = s;
    $("play-toggle").textContent = v.paused && !state.jSpeed ? "▶" : "❚❚";
  }

  function play() {
    const v = video();
    if (!state.playable) return;
    const p = v.play();
    if (p && p.catch) p.catch((err) => {
      if (err.name !== "AbortError") status("The browser did not start playback (" + err.message + "): press space to play.", "error");
    });
  }

  function pause() {
    stopReverse();
    video().pause();
    showSpeed();
  }

  function seekFrame(frame) {
    if (!state.clip) return;
    const max = state.clip.clip && state.clip.clip.n_frames ? state.clip.clip.n_frames - 1 : Infinity;
    const fr = Math.max(0, Math.min(frame, max));
    if (state.playable) video().currentTime = frameTime(fr);
    showTc(fr);
  }

  function step(delta) {
    pause();
    state.stopAt = null;
    const base = state.playable ? currentFrame() : Number($("tc").dataset.frame || 0);
    seekFrame(base + delta);
  }

  function key(k) {
    const v = video();
    switch (k) {
      case " ":
        state.stopAt = null;
        if (v.paused && !state.jSpeed) {
          v.playbackRate = 1;
          play();
        } else pause();
        break;
      case "k":
        pause();
        break;
      case "l":
        stopReverse();
        state.stopAt = null;
        if (!v.paused) v.playbackRate = Math.min(8, v.playbackRate * 2);
        else {
          v.playbackRate = 1;
          play();
        }
        break;
      case "j": {
        // Chromium rejects a negative playbackRate: step backwards on a timer.
        const speed = state.jSpeed ? Math.min(8, state.jSpeed * 2) : 1;
        pause();
        state.stopAt = null;
        state.jSpeed = speed;
        const perTick = Math.max(1, Math.round((speed * state.f.num) / state.f.den / 10));
        state.jTimer = setInterval(() => {
          const fr = currentFrame();
          if (fr <= 0) return pause();
          seekFrame(fr - perTick);
        }, 100);
        break;
      }
      case "ArrowLeft":
        step(-1);
        break;
      case "ArrowRight":
        step(1);
        break;
      case "i":
        setMark("in", state.playable ? currentFrame() : Number($("tc").dataset.frame || 0));
        break;
      case "o":
        // The frame on screen is the last one in: the out is exclusive.
        setMark("out", (state.playable ? currentFrame() : Number($("tc").dataset.frame || 0)) + 1);
        break;
      default:
        return;
    }
    showSpeed();
  }

  function setMark(which, frame) {
    if (!state.clip) return;
    if (which === "in") state.markIn = frame;
    else state.markOut = frame;
    showMarks();
  }

  function showMarks() {
    const f = state.f;
    $("mark-in").textContent = state.markIn === null ? "--" : offsetLabel(state.markIn);
    $("mark-out").textContent = state.markOut === null ? "--" : offsetLabel(state.markOut);
    const ok = state.markIn !== null && state.markOut !== null;
    const dur = ok ? state.markOut - state.markIn : null;
    $("mark-dur").textContent = ok ? (dur > 0 ? durationLabel(dur, f) : "out before in") : "--";
    $("mark-dur").classList.toggle("bad", ok && dur <= 0);
    const n = state.clip && state.clip.clip && state.clip.clip.n_frames;
    const place = (el, fr) => {
      el.hidden = fr === null || !n;
      if (!el.hidden) el.style.left = `${Math.min(100, (100 * fr) / n)}%`;
    };
    place($("scrub-in"), state.markIn);
    place($("scrub-out"), state.markOut);
  }

  /**
   * Loads a clip into the player and plays `inFrame`..`outFrame` (offsets
   * in the clip, out exclusive; null: to the end). `origin` is the hit or
   * select being played, remembered for the bin.
   */
  async function loadAndPlay(clipId, where, origin) {
    let show;
    let pb;
    try {
      [show, pb] = await Promise.all([clipShow(clipId), api("GET", `/api/clips/${enc(clipId)}/playback`).then((r) => r.data)]);
    } catch (err) {
      showError("player", err);
      return;
    }
    const clip = show && show.clip ? show.clip : {};
    const v = video();
    pause();
    state.stopAt = null;
    const sameClip = state.clip && state.clip.clip && state.clip.clip.id === clip.id;
    state.clip = show;
    state.f = tcFormat(clip);
    state.startFrame = labelFrames(clip.start_tc, state.f) || 0;
    state.hit = origin;
    const { inFrame, outFrame } = where();
    state.markIn = inFrame;
    state.markOut = outFrame;
    showMarks();
    if (!sameClip) renderPlayerClip(show);

    state.playable = !!(pb && pb.playable);
    const cannot = $("cannot-play");
    $("screen-empty").hidden = true;
    $("audio-only").hidden = !state.playable || !!clip.video;
    $("screen").classList.toggle("audio", !clip.video);
    if (!state.playable) {
      if (v.getAttribute("src")) {
        v.removeAttribute("src");
        v.load();
      }
      clear(cannot);
      cannot.append(h("p", {},
        `This clip cannot play in a browser: ${(pb && pb.reason) || "no playable media"}. Make a proxy with `,
        h("code", { text: `rushes proxies --clip ${clip.name || clipId}` }),
        "."));
      cannot.hidden = false;
      $("scrub-fill").style.width = "0";
      showTc(inFrame);
      return;
    }
    cannot.hidden = true;
    const url = pb.url || `/media/${enc(clipId)}`;
    const go = () => {
      state.stopAt = outFrame === null ? null : (outFrame * state.f.den) / state.f.num;
      v.playbackRate = 1;
      const onSeeked = () => {
        v.removeEventListener("seeked", onSeeked);
        showTc();
        play();
        showSpeed();
      };
      v.addEventListener("seeked", onSeeked);
      v.currentTime = frameTime(inFrame);
      showTc(inFrame);
    };
    if (v.getAttribute("src") !== url) {
      v.setAttribute("src", url);
      v.addEventListener("loadedmetadata", go, { once: true });
      v.load();
    } else if (v.readyState >= 1) {
      go();
    } else {
      v.addEventListener("loadedmetadata", go, { once: true });
    }
  }

  function hitSpan(hit) {
    let inFrame = labelOffset(hit.tc_in);
    if (inFrame === null) inFrame = secondsFrame(hit.offset_in_s || 0);
    let outFrame = hit.tc_out ? labelOffset(hit.tc_out) : null;
    if (outFrame === null && typeof hit.offset_out_s === "number") outFrame = secondsFrame(hit.offset_out_s);
    const n = state.clip && state.clip.clip && state.clip.clip.n_frames;
    if (outFrame === null) {
      // A note marks a moment: take five seconds from it, within the clip.
      outFrame = inFrame + secondsFrame(5);
      if (n) outFrame = Math.min(outFrame, n);
    }
    if (outFrame <= inFrame) outFrame = inFrame + 1;
    return { inFrame, outFrame };
  }

  function playHit(hit) {
    if (!hit) return;
    loadAndPlay(hit.clip_id, () => hitSpan(hit), { clip_id: hit.clip_id, speaker: hit.speaker || null, text: hit.text || null });
  }

  function playSelect(sel) {
    loadAndPlay(sel.clip_id, () => {
      const inFrame = labelOffset(sel.tc_in) || 0;
      let outFrame = labelOffset(sel.tc_out);
      if (outFrame === null || outFrame <= inFrame) outFrame = inFrame + 1;
      return { inFrame, outFrame };
    }, { clip_id: sel.clip_id, speaker: sel.speaker || null, text: sel.text || null });
  }

  /** A note's tags that its text does not already show as #tag. */
  function tagText(note) {
    const text = (note.text || "").toLowerCase();
    const tags = (Array.isArray(note.tags) ? note.tags : []).filter((t) => !text.includes("#" + String(t).toLowerCase()));
    return tags.length ? h("span", { class: "tags", text: " " + tags.map((t) => "#" + t).join(" ") }) : null;
  }

  function renderPlayerClip(show) {
    const clip = show.clip || {};
    const name = $("clip-name");
    name.textContent = clip.name || clip.id || "";
    name.setAttribute("href", `#/clip/${enc(clip.id || "")}`);
    const meta = [clip.camera, clip.reel, clip.day, clip.fps ? clip.fps + (state.f.drop ? " DF" : "") : null, clip.start_tc ? `${clip.start_tc} – ${clip.end_tc || ""}` : null];
    $("clip-meta").textContent = meta.filter(Boolean).join(" · ");
    const list = $("transcript");
    clear(list);
    state.rows = [];
    state.currentRow = null;
    const items = [];
    for (const c of Array.isArray(show.transcript) ? show.transcript : []) {
      const fi = Number.isInteger(c.frame_in) ? c.frame_in : secondsFrame(c.offset_in_s || 0);
      const fo = Number.isInteger(c.frame_out) ? c.frame_out : secondsFrame(c.offset_out_s || 0);
      items.push({ kind: "cue", frameIn: fi, frameOut: Math.max(fo, fi + 1), data: c });
    }
    for (const n of Array.isArray(show.notes) ? show.notes : []) {
      const fi = Number.isInteger(n.frame_in) ? n.frame_in : secondsFrame(n.offset_s || 0);
      items.push({ kind: "note", frameIn: fi, frameOut: fi, data: n });
    }
    // Notes sit before the cue that starts at the same frame.
    items.sort((a, b) => a.frameIn - b.frameIn || (a.kind === b.kind ? 0 : a.kind === "note" ? -1 : 1));
    for (const it of items) {
      const d = it.data;
      const el = it.kind === "cue"
        ? h("li", { class: "cue", title: "Play from here" },
            h("span", { class: "tcv", text: d.tc_in || offsetLabel(it.frameIn) }),
            h("span", { class: "cue-text" }, d.speaker ? h("span", { class: "speaker", text: d.speaker + ": " }) : null, h("bdi", {}, d.text || "")))
        : h("li", { class: "note", title: "Note: play from here" },
            h("span", { class: "tcv", text: d.tc_in || offsetLabel(it.frameIn) }),
            h("span", { class: "cue-text" }, h("span", { class: "note-mark", text: "note " }), d.text || "",
              tagText(d),
              d.rating ? h("span", { class: "tags", text: ` ★${d.rating}` }) : null));
      el.addEventListener("click", () => {
        pause();
        state.stopAt = null;
        seekFrame(it.frameIn);
      });
      list.append(el);
      if (it.kind === "cue") state.rows.push({ el, frameIn: it.frameIn, frameOut: it.frameOut });
    }
    if (!items.length) list.append(h("li", { class: "empty", text: "No transcript or notes for this clip." }));
  }

  function followTranscript(frame) {
    const row = state.rows.find((r) => r.frameIn <= frame && frame < r.frameOut) || null;
    if (row === state.currentRow) return;
    if (state.currentRow) state.currentRow.el.classList.remove("current");
    state.currentRow = row;
    if (row) {
      row.el.classList.add("current");
      const list = $("transcript");
      const top = row.el.offsetTop - list.offsetTop;
      if (top < list.scrollTop || top + row.el.offsetHeight > list.scrollTop + list.clientHeight) {
        list.scrollTop = Math.max(0, top - list.clientHeight / 3);
      }
    }
  }

  // ---- bins --------------------------------------------------------------------

  const BIN_KEY = "rushes.bin";

  function binName() {
    return $("bin-name").value.trim();
  }

  function binUrl(name) {
    return `/api/bins/${enc(name)}`;
  }

  function updateExports() {
    const name = binName();
    const handles = $("handles").value.trim();
    for (const a of document.querySelectorAll("#exports a")) {
      if (!name) {
        a.removeAttribute("href");
        a.classList.add("off");
        continue;
      }
      a.classList.remove("off");
      const q = new URLSearchParams({ format: a.dataset.format });
      if (handles) q.set("handles", handles);
      a.setAttribute("href", `${binUrl(name)}/export?${q.toString()}`);
    }
  }

  async function loadBins() {
    try {
      const { data } = await api("GET", "/api/bins");
      state.bins = Array.isArray(data) ? data : [];
      const names = $("bin-names");
      clear(names);
      for (const b of state.bins) names.append(h("option", { value: b.name }));
      renderBin();
    } catch (err) {
      showError("bins", err);
    }
  }

  function renderBin() {
    const name = binName();
    const bin = state.bins.find((b) => b.name === name);
    const selects = bin && Array.isArray(bin.selects) ? bin.selects : [];
    const list = $("bin-list");
    clear(list);
    $("bin-empty").hidden = selects.length > 0;
    selects.forEach((sel, i) => list.append(selectRow(name, sel, i, selects)));
  }

  function selectRow(name, sel, i, selects) {
    const comment = h("input", { class: "comment", value: sel.comment || "", placeholder: "comment", "aria-label": "Comment", autocomplete: "off" });
    const save = async () => {
      if (comment.value === (sel.comment || "")) return;
      try {
        await api("POST", `${binUrl(name)}/selects/${enc(sel.id)}`, { comment: comment.value });
        sel.comment = comment.value;
        status("Comment saved.");
      } catch (err) {
        showError("comment", err);
      }
    };
    comment.addEventListener("change", save);
    comment.addEventListener("keydown", (e) => {
      if (e.key === "Enter") comment.blur();
    });
    const move = async (delta) => {
      const ids = selects.map((s) => s.id);
      const j = i + delta;
      if (j < 0 || j >= ids.length) return;
      [ids[i], ids[j]] = [ids[j], ids[i]];
      try {
        await api("POST", `${binUrl(name)}/order`, { ids });
      } catch (err) {
        showError("reorder", err);
      }
      loadBins();
    };
    const remove = async () => {
      try {
        await api("DELETE", `${binUrl(name)}/selects/${enc(sel.id)}`);
        status("Removed from " + name + ".");
      } catch (err) {
        showError("remove", err);
      }
      loadBins();
    };
    const btn = (text, title, fn, disabled) => {
      const b = h("button", { type: "button", class: "icon", title, text, disabled: disabled || null });
      b.addEventListener("click", (e) => {
        e.stopPropagation();
        fn();
      });
      return b;
    };
    const row = h("li", { class: "select", "data-id": String(sel.id), title: "Play this select" },
      h("div", { class: "sel-head" },
        h("span", { class: "sel-clip", text: sel.clip || sel.clip_id || "" }),
        h("span", { class: "tcv", text: `${sel.tc_in || ""} – ${sel.tc_out || ""}` }),
        h("span", { class: "sel-tools" },
          btn("↑", "Move up", () => move(-1), i === 0),
          btn("↓", "Move down", () => move(1), i === selects.length - 1),
          btn("✕", "Remove from the bin", remove))),
      sel.text ? h("div", { class: "sel-text" }, sel.speaker ? h("span", { class: "speaker", text: sel.speaker + ": " }) : null, h("bdi", {}, sel.text)) : null,
      comment);
    comment.addEventListener("click", (e) => e.stopPropagation());
    row.addEventListener("click", () => playSelect(sel));
    return row;
  }

  async function addToBin() {
    const name = binName();
    if (!name) {
      status("Name the bin first.", "error");
      $("bin-name").focus();
      return;
    }
    if (!state.clip || state.markIn === null || state.markOut === null) {
      status("Play a hit first, then mark in and out (I/O) or take the whole hit.", "error");
      return;
    }
    if (state.markOut <= state.markIn) {
      status("The out point is not after the in point.", "error");
      return;
    }
    const origin = state.hit || {};
    const body = {
      clip_id: state.clip.clip.id,
      tc_in: offsetLabel(state.markIn),
      tc_out: offsetLabel(state.markOut),
      comment: $("select-comment").value.trim() || null,
      speaker: origin.speaker || null,
      text: origin.text || null,
    };
    try {
      await api("POST", `${binUrl(name)}/selects`, body);
      localStorage.setItem(BIN_KEY, name);
      $("select-comment").value = "";
      status(`Added ${body.tc_in} – ${body.tc_out} to ${name}.`);
    } catch (err) {
      showError("add to bin", err);
    }
    await loadBins();
  }

  // ---- the clip page -------------------------------------------------------------

  function humanSize(bytes) {
    if (typeof bytes !== "number") return "";
    const units = ["B", "KB", "MB", "GB", "TB"];
    let n = bytes;
    let u = 0;
    while (n >= 1000 && u < units.length - 1) {
      n /= 1000;
      u++;
    }
    return `${u ? n.toFixed(1) : n} ${units[u]} (${bytes.toLocaleString("en-US")} bytes)`;
  }

  async function showClipPage(id) {
    const page = $("clip-page");
    clear(page);
    page.append(h("p", { class: "muted", text: "Loading…" }));
    let show;
    try {
      show = await clipShow(id);
    } catch (err) {
      clear(page);
      page.append(h("p", { class: "error", text: "Cannot show this clip: " + err.message }));
      showError("clip", err);
      return;
    }
    const c = show.clip || {};
    const f = tcFormat(c);
    const codec = [
      c.video ? `${c.video.codec || "?"} ${c.video.width || "?"}×${c.video.height || "?"}` : null,
      c.audio ? `${c.audio.codec || "?"} ${c.audio.channels || "?"} ch ${c.audio.sample_rate ? c.audio.sample_rate / 1000 + " kHz" : ""}${c.audio.bits ? " " + c.audio.bits + "-bit" : ""}` : null,
    ].filter(Boolean).join(", ");
    const dur = typeof c.duration_s === "number" ? `${c.duration_s.toFixed(3)} s` + (c.n_frames ? ` (${c.n_frames} frames, ${durationLabel(c.n_frames, f)})` : "") : "";
    const rows = [
      ["name", c.name],
      ["path", c.path],
      ["day", c.day],
      ["camera", c.camera],
      ["reel", c.reel],
      ["rate", c.rate ? `${c.fps || ""} (${c.rate})` : "none"],
      ["drop frame", c.drop_frame === null || c.drop_frame === undefined ? "" : c.drop_frame ? "yes" : "no"],
      ["start TC", c.start_tc ? `${c.start_tc}${c.start_tc_source ? " (" + c.start_tc_source + ")" : ""}` : ""],
      ["end TC", c.end_tc],
      ["duration", dur],
      ["codec", codec],
      ["size", humanSize(c.size)],
      ["status", c.offline ? "offline" : "online"],
    ];
    const table = h("table", { class: "meta" });
    for (const [k, v] of rows) table.append(h("tr", {}, h("th", { text: k }), h("td", { text: v === null || v === undefined ? "" : String(v) })));
    const log = h("ol", { class: "transcript log" });
    const items = [];
    for (const t of Array.isArray(show.transcript) ? show.transcript : []) items.push({ at: t.offset_in_s || 0, kind: "cue", d: t });
    for (const n of Array.isArray(show.notes) ? show.notes : []) items.push({ at: n.offset_s || 0, kind: "note", d: n });
    items.sort((a, b) => a.at - b.at || (a.kind === b.kind ? 0 : a.kind === "note" ? -1 : 1));
    for (const it of items) {
      const d = it.d;
      log.append(h("li", { class: it.kind },
        h("span", { class: "tcv", text: it.kind === "cue" ? `${d.tc_in || ""} – ${d.tc_out || ""}` : d.tc_in || d.tc || "" }),
        h("span", { class: "cue-text" },
          it.kind === "note" ? h("span", { class: "note-mark", text: "note " }) : null,
          d.speaker ? h("span", { class: "speaker", text: d.speaker + ": " }) : null,
          h("bdi", {}, d.text || ""),
          it.kind === "note" ? tagText(d) : null)));
    }
    if (!items.length) log.append(h("li", { class: "empty", text: "No notes or transcript." }));
    const playBtn = h("button", { type: "button", text: "▶ Play in the workspace" });
    playBtn.addEventListener("click", () => {
      location.hash = "#/";
      loadAndPlay(c.id, () => ({ inFrame: 0, outFrame: null }), { clip_id: c.id, speaker: null, text: null });
    });
    clear(page);
    page.append(
      h("p", {}, h("a", { href: "#/", text: "← workspace" })),
      h("h1", { text: c.name || id }),
      playBtn,
      table,
      h("h2", { text: `Notes and transcript (${(show.notes || []).length} notes, ${(show.transcript || []).length} cues)` }),
      log);
  }

  // ---- routing and keys ----------------------------------------------------------

  function route() {
    const m = /^#\/clip\/(.+)$/.exec(location.hash);
    $("workspace").hidden = !!m;
    $("clip-page").hidden = !m;
    if (m) {
      pause();
      showClipPage(decodeURIComponent(m[1]));
    }
  }

  function isTyping(el) {
    return el && (el.tagName === "INPUT" || el.tagName === "TEXTAREA" || el.tagName === "SELECT" || el.isContentEditable);
  }

  function onKey(e) {
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const t = e.target;
    if (t && t.id === "q") {
      if (e.key === "ArrowDown") moveSelection(1);
      else if (e.key === "ArrowUp") moveSelection(-1);
      else if (e.key === "Enter") {
        // Typed faster than the debounce: search first, then play the top hit.
        if (state.searchTimer) runSearch().then(() => playHit(state.hits[state.selected]));
        else playHit(state.hits[state.selected]);
      } else if (e.key === "Escape") t.blur();
      else return;
      e.preventDefault();
      return;
    }
    if (isTyping(t)) {
      if (e.key === "Escape") t.blur();
      return;
    }
    const onControl = t && (t.tagName === "BUTTON" || t.tagName === "A");
    const k = e.key.length === 1 ? e.key.toLowerCase() : e.key;
    if (!$("workspace").hidden || k === "/") {
      switch (k) {
        case "/":
          if (location.hash.startsWith("#/clip/")) location.hash = "#/";
          $("q").focus();
          $("q").select();
          break;
        case "ArrowDown":
          moveSelection(1);
          break;
        case "ArrowUp":
          moveSelection(-1);
          break;
        case "Enter":
          if (onControl) return;
          playHit(state.hits[state.selected]);
          break;
        case "b":
          addToBin();
          break;
        case " ":
          if (onControl) return;
          key(" ");
          break;
        case "i":
        case "o":
        case "j":
        case "k":
        case "l":
        case "ArrowLeft":
        case "ArrowRight":
          key(k);
          break;
        default:
          return;
      }
      e.preventDefault();
    }
  }

  function init() {
    const v = video();
    v.addEventListener("play", () => {
      startTicking();
      showSpeed();
    });
    v.addEventListener("pause", () => {
      showTc();
      showSpeed();
    });
    v.addEventListener("seeked", () => showTc());
    v.addEventListener("timeupdate", () => {
      // requestAnimationFrame stops in a hidden tab; timeupdate does not.
      checkStop();
      if (v.paused) showTc();
      else startTicking();
    });
    v.addEventListener("ratechange", showSpeed);
    v.addEventListener("error", () => {
      if (v.getAttribute("src")) status(`The browser cannot play this media (${(v.error && v.error.message) || "decode error"}). Make a proxy with rushes proxies.`, "error");
    });

    $("q").addEventListener("input", scheduleSearch);
    document.addEventListener("keydown", onKey);
    $("screen").addEventListener("click", () => $("screen").focus());
    for (const b of document.querySelectorAll("#transport button")) {
      b.addEventListener("click", () => {
        key(b.dataset.key);
        $("screen").focus();
      });
    }
    $("scrub").addEventListener("click", (e) => {
      const n = state.clip && state.clip.clip && state.clip.clip.n_frames;
      if (!n) return;
      const r = $("scrub").getBoundingClientRect();
      pause();
      state.stopAt = null;
      seekFrame(Math.floor(((e.clientX - r.left) / r.width) * n));
    });

    const stored = localStorage.getItem(BIN_KEY);
    $("bin-name").value = stored || "selects";
    $("bin-name").addEventListener("input", () => {
      updateExports();
      renderBin();
    });
    $("bin-name").addEventListener("change", () => {
      if (binName()) localStorage.setItem(BIN_KEY, binName());
    });
    $("handles").addEventListener("input", updateExports);
    $("add-to-bin").addEventListener("click", addToBin);
    updateExports();

    window.addEventListener("hashchange", route);
    route();
    loadFacets();
    loadBins();
    if ($("q").value.trim()) runSearch();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
