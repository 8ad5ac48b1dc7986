//! The routes: each reads the request's decoded segments and parameters
//! and answers through the same library calls the command line makes. The
//! JSON shapes are the CLI's (`search --json`, `clips --json`,
//! `show --json`, `bins --json`).

use std::collections::{BTreeSet, HashMap};
use std::io::{Seek, SeekFrom};
use std::num::NonZeroUsize;

use serde::Deserialize;
use tiny_http::Method;

use super::http::{RangeAsk, attachment, range};
use super::{APP_CSS, APP_JS, Body, INDEX_HTML, Reply, State};
use crate::bins::{Bins, BinsError, BinsErrorKind, NewSelect};
use crate::clip::ClipFilter;
use crate::date::parse_date;
use crate::export::Handles;
use crate::library::{Filters, QueryError};
use crate::ops::{self, ExportOptions, ExportSource, ShowError};
use crate::releases::Status;
use crate::search::{HitKind, SearchError, SearchRequest, search};
use crate::selects::{Format, Output};

/// The page's script and styles only from this server; no inline script.
const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   media-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; \
                   frame-ancestors 'none'; form-action 'self'";

/// One request as the routes see it.
pub(super) struct Ask<'a> {
    pub state: &'a State,
    pub method: &'a Method,
    pub segments: &'a [String],
    pub params: &'a HashMap<String, String>,
    pub body: &'a [u8],
    pub range: Option<String>,
}

pub(super) fn answer(ask: &Ask) -> Reply {
    let segs: Vec<&str> = ask.segments.iter().map(String::as_str).collect();
    let get = matches!(ask.method, Method::Get | Method::Head);
    let post = *ask.method == Method::Post;
    let delete = *ask.method == Method::Delete;
    match (segs.as_slice(), get, post, delete) {
        ([], true, _, _) => asset("text/html; charset=utf-8", INDEX_HTML).header("Content-Security-Policy", CSP.into()),
        (["assets", "app.js"], true, _, _) => asset("text/javascript; charset=utf-8", APP_JS),
        (["assets", "app.css"], true, _, _) => asset("text/css; charset=utf-8", APP_CSS),
        (["api", "search"], true, _, _) => search_hits(ask),
        (["api", "facets"], true, _, _) => facets(ask.state),
        (["api", "clips"], true, _, _) => match ops::clips(&ask.state.lib, &ClipFilter::default()) {
            Ok(clips) => Reply::json(200, &clips),
            Err(e) => Reply::error(500, &e.to_string()),
        },
        (["api", "clips", id], true, _, _) => shot_log(ask.state, id),
        (["api", "clips", id, "playback"], true, _, _) => playback(ask.state, id),
        (["media", id], true, _, _) => media(ask, id),
        (["api", "bins"], true, _, _) => bins_reply(bins(ask).list(), 200),
        (["api", "bins", name], true, _, _) => match bins(ask).get(name) {
            Ok(Some(bin)) => Reply::json(200, &bin),
            Ok(None) => Reply::error(404, &format!("no bin {name:?}")),
            Err(e) => bins_error(&e),
        },
        (["api", "bins", name], _, _, true) => bins_reply(bins(ask).delete_bin(name).map(|()| Empty {}), 200),
        (["api", "bins", name, "selects"], _, true, _) => match body::<NewSelect>(ask.body) {
            Ok(new) => bins_reply(bins(ask).add(&ask.state.lib, name, new), 201),
            Err(reply) => reply,
        },
        (["api", "bins", name, "selects", id], _, post, delete) if post || delete => {
            let Ok(id) = id.parse::<u64>() else { return Reply::error(400, &format!("select id {id:?}: a number")) };
            if delete {
                return bins_reply(bins(ask).remove(name, id).map(|()| Empty {}), 200);
            }
            match body::<CommentBody>(ask.body) {
                Ok(c) => bins_reply(bins(ask).set_comment(name, id, c.comment.filter(|c| !c.trim().is_empty())), 200),
                Err(reply) => reply,
            }
        }
        (["api", "bins", name, "order"], _, true, _) => match body::<OrderBody>(ask.body) {
            Ok(order) => bins_reply(bins(ask).reorder(name, &order.ids), 200),
            Err(reply) => reply,
        },
        (["api", "bins", name, "export"], true, _, _) => export_bin(ask, name),
        _ if segs.first().is_some_and(|s| *s == "api" || *s == "media" || *s == "assets") => {
            Reply::error(404, "no such resource or method (see the HTTP API in the README)")
        }
        _ => Reply::error(404, "not found"),
    }
}

#[derive(serde::Serialize)]
struct Empty {}

#[derive(Deserialize)]
struct CommentBody {
    comment: Option<String>,
}

#[derive(Deserialize)]
struct OrderBody {
    ids: Vec<u64>,
}

fn asset(content_type: &str, text: &str) -> Reply {
    Reply::bytes(200, content_type, text.as_bytes().to_vec()).header("Cache-Control", "no-cache".into())
}

fn body<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, Reply> {
    serde_json::from_slice(bytes).map_err(|e| Reply::error(400, &format!("request body: {e}")))
}

fn bins(ask: &Ask) -> Bins {
    Bins::open(&ask.state.lib_dir)
}

fn bins_reply<T: serde::Serialize>(result: Result<T, BinsError>, status: u16) -> Reply {
    match result {
        Ok(v) => Reply::json(status, &v),
        Err(e) => bins_error(&e),
    }
}

fn bins_error(e: &BinsError) -> Reply {
    let status = match e.kind() {
        BinsErrorKind::NotFound => 404,
        BinsErrorKind::Invalid => 400,
        BinsErrorKind::Storage => 500,
    };
    Reply::error(status, &e.to_string())
}

/// A parameter, `None` when absent or blank.
fn param<'a>(ask: &'a Ask, name: &str) -> Option<&'a str> {
    ask.params.get(name).map(|s| s.trim()).filter(|s| !s.is_empty())
}

fn search_hits(ask: &Ask) -> Reply {
    let Some(q) = param(ask, "q") else { return Reply::error(400, "q: nothing to search for") };
    let number = |name: &str, default: usize, max: usize| match param(ask, name) {
        None => Ok(default),
        Some(v) => v.parse::<usize>().ok().filter(|n| *n <= max).ok_or(format!("{name}: a number up to {max}")),
    };
    let (limit, context) = match (number("limit", 50, 1000), number("context", 0, 10)) {
        (Ok(l), Ok(c)) => (l, c),
        (Err(e), _) | (_, Err(e)) => return Reply::error(400, &e),
    };
    let kind = match param(ask, "kind") {
        None => None,
        Some(k) => match HitKind::parse(k) {
            Some(k) => Some(k),
            None => return Reply::error(400, &format!("kind {k:?}: soundbite, note or clip")),
        },
    };
    let owned = |name: &str| param(ask, name).map(str::to_string);
    let clearance = match param(ask, "clearance") {
        None => None,
        Some(c) => match Status::parse(c) {
            Some(c) => Some(c),
            None => {
                return Reply::error(
                    400,
                    &format!("clearance {c:?}: cleared, unknown, pending, restricted, expired or refused"),
                );
            }
        },
    };
    let as_of = match param(ask, "as_of").map(|d| parse_date(d, None)) {
        None => None,
        Some(Ok(day)) => Some(day),
        Some(Err(e)) => return Reply::error(400, &format!("as_of: {e}")),
    };
    let req = SearchRequest {
        query: q.to_string(),
        fuzzy: param(ask, "fuzzy").is_some_and(|v| v == "1" || v == "true"),
        exact: param(ask, "exact").is_some_and(|v| v == "1" || v == "true"),
        sounds_like: param(ask, "sounds_like").is_some_and(|v| v == "1" || v == "true"),
        filters: Filters {
            speaker: owned("speaker"),
            camera: owned("camera"),
            reel: owned("reel"),
            day: owned("day"),
            language: owned("language"),
        },
        kind,
        limit: NonZeroUsize::new(limit),
        context,
        clearance,
        as_of,
        unused: param(ask, "unused").is_some_and(|v| v == "1" || v == "true"),
    };
    match search(&ask.state.lib, &req) {
        Ok(found) => Reply::json(200, &found.hits).header("X-Total-Count", found.total.to_string()),
        Err(SearchError::Query(e @ QueryError::Syntax { .. })) => {
            let pos = if let QueryError::Syntax { pos, .. } = &e { *pos } else { 0 };
            Reply::json_error(400, serde_json::json!({ "error": e.to_string(), "position": pos }))
        }
        Err(SearchError::Query(e @ QueryError::Invalid { .. })) => Reply::error(400, &e.to_string()),
        Err(e) => Reply::error(500, &e.to_string()),
    }
}

/// The values the filter chips offer, from the catalog.
fn facets(state: &State) -> Reply {
    let clips = match ops::clips(&state.lib, &ClipFilter::default()) {
        Ok(c) => c,
        Err(e) => return Reply::error(500, &e.to_string()),
    };
    let mut speakers = BTreeSet::new();
    let (mut cameras, mut reels, mut days) = (BTreeSet::new(), BTreeSet::new(), BTreeSet::new());
    for c in &clips {
        speakers.extend(c.speakers.iter().cloned());
        cameras.extend(c.camera.clone());
        reels.extend(c.reel.clone());
        days.extend(c.day.clone());
    }
    Reply::json(
        200,
        &serde_json::json!({
            "speakers": speakers, "cameras": cameras, "reels": reels, "days": days,
            "kinds": ["soundbite", "note", "clip"],
        }),
    )
}

/// A clip by its id alone (never a name or path from the request).
fn clip_by_id(state: &State, id: &str) -> Result<crate::clip::Clip, Reply> {
    if !id.bytes().all(|b| b.is_ascii_hexdigit()) || id.len() != 16 {
        return Err(Reply::error(404, &format!("no clip with id {id:?}")));
    }
    if let Err(e) = state.lib.reload() {
        return Err(Reply::error(500, &e.to_string()));
    }
    match state.lib.clip(id) {
        Ok(Some(c)) => Ok(c),
        Ok(None) => Err(Reply::error(404, &format!("no clip with id {id:?}"))),
        Err(e) => Err(Reply::error(500, &e.to_string())),
    }
}

fn shot_log(state: &State, id: &str) -> Reply {
    if let Err(reply) = clip_by_id(state, id) {
        return reply;
    }
    match ops::show(&state.lib, id, None) {
        Ok(log) if log.clip.id == id => Reply::json(200, &log),
        Ok(_) | Err(ShowError::NotFound { .. }) | Err(ShowError::Ambiguous { .. }) => {
            Reply::error(404, &format!("no clip with id {id:?}"))
        }
        Err(e) => Reply::error(500, &e.to_string()),
    }
}

fn playback(state: &State, id: &str) -> Reply {
    let clip = match clip_by_id(state, id) {
        Ok(c) => c,
        Err(reply) => return reply,
    };
    let p = crate::proxy::playback(&state.lib_dir, &clip);
    Reply::json(
        200,
        &serde_json::json!({
            "playable": p.media.is_some(),
            "url": p.media.as_ref().map(|_| format!("/media/{}", clip.id)),
            "mime": p.media.as_ref().map(|_| p.mime),
            "proxy": p.proxy,
            "reason": p.reason,
        }),
    )
}

/// The clip's media (or its proxy), with byte ranges.
fn media(ask: &Ask, id: &str) -> Reply {
    let clip = match clip_by_id(ask.state, id) {
        Ok(c) => c,
        Err(reply) => return reply,
    };
    let p = crate::proxy::playback(&ask.state.lib_dir, &clip);
    let Some(path) = p.media else {
        return Reply::error(404, p.reason.as_deref().unwrap_or("this clip cannot play in a browser"));
    };
    let mut file = match std::fs::File::open(&path) {
        Ok(f) => f,
        Err(e) => return Reply::error(404, &format!("the clip's file cannot be read: {e}")),
    };
    let len = match file.metadata() {
        Ok(m) => m.len(),
        Err(e) => return Reply::error(500, &format!("the clip's file: {e}")),
    };
    let reply = |status: u16, file, n: u64| Reply {
        status,
        content_type: p.mime.to_string(),
        headers: vec![("Accept-Ranges", "bytes".to_string()), ("Cache-Control", "no-cache".to_string())],
        body: Body::File { file, len: n },
    };
    match range(ask.range.as_deref(), len) {
        RangeAsk::Whole => reply(200, file, len),
        RangeAsk::Unsatisfiable => Reply::error(416, &format!("the range asks past the end of {len} bytes"))
            .header("Content-Range", format!("bytes */{len}"))
            .header("Accept-Ranges", "bytes".into()),
        RangeAsk::Part { start, end } => {
            if let Err(e) = file.seek(SeekFrom::Start(start)) {
                return Reply::error(500, &format!("the clip's file: {e}"));
            }
            reply(206, file, end - start + 1).header("Content-Range", format!("bytes {start}-{end}/{len}"))
        }
    }
}

fn export_bin(ask: &Ask, name: &str) -> Reply {
    let Some(format) = param(ask, "format").and_then(format_named) else {
        return Reply::error(400, "format: edl, fcpxml, xmeml, ale, otio, csv, docx, txt or html");
    };
    let handles = match param(ask, "handles").map(Handles::parse) {
        None => None,
        Some(Ok(h)) => Some(h),
        Some(Err(e)) => return Reply::error(400, &format!("handles: {e}")),
    };
    let mut picked = match ops::pick(&ask.state.lib, &ExportSource::Bin(name.to_string()), None) {
        Ok(p) => p,
        Err(e) => return Reply::error(400, &e.to_string()),
    };
    // Marked as `rushes export --bin` marks them, judged today.
    if let Err(e) = ops::judge_selects(&ask.state.lib, &mut picked.selects, None) {
        return Reply::error(500, &e.to_string());
    }
    // One file per download: an ALE of clips at several rates is converted
    // to the first select's rate, as `--fps` would.
    let rate = picked.selects.first().map(|s| s.clip.format);
    let options = ExportOptions { format, handles, merge: false, title: name.to_string(), rate, record_start: None };
    match ops::render(picked.selects, &options) {
        Ok(rendered) => match rendered.output {
            Output::One(text) => Reply::bytes(200, content_type(format), text.into_bytes())
                .header("Content-Disposition", attachment(&format!("{name}.{}", extension(format)))),
            Output::Binary(bytes) => Reply::bytes(200, content_type(format), bytes)
                .header("Content-Disposition", attachment(&format!("{name}.{}", extension(format)))),
            Output::PerRate(_) => Reply::error(500, "an export at one rate came out split by rate"),
        },
        Err(e) => Reply::error(400, &e.to_string()),
    }
}

fn format_named(name: &str) -> Option<Format> {
    Format::ALL.into_iter().find(|f| f.name().eq_ignore_ascii_case(name))
}

fn extension(format: Format) -> &'static str {
    match format {
        Format::Edl => "edl",
        Format::Fcpxml => "fcpxml",
        Format::Xmeml => "xml",
        Format::Ale => "ale",
        Format::Otio => "otio",
        Format::Csv => "csv",
        Format::Docx => "docx",
        Format::Txt => "txt",
        Format::Html => "html",
    }
}

fn content_type(format: Format) -> &'static str {
    match format {
        Format::Csv => "text/csv; charset=utf-8",
        Format::Fcpxml | Format::Xmeml => "application/xml",
        Format::Otio => "application/json",
        Format::Edl | Format::Ale | Format::Txt => "text/plain; charset=utf-8",
        Format::Html => "text/html; charset=utf-8",
        Format::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    }
}
