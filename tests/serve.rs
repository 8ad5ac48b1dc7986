//! `rushes serve` over HTTP (issue #14): the real binary on an ephemeral
//! port, over a library of the fixture dump, spoken to with a plain TCP
//! client so that malformed requests can be sent too. Every answer is
//! compared with what the command line gives (`search --json`,
//! `clips --json`, `show --json`, `bins --json`, `export`) or with the
//! bytes of the file on disk.

mod common;

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::time::Duration;

use common::{Env, ServerGuard};
use serde_json::{Value, json};

/// One HTTP answer.
struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl std::fmt::Debug for Answer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = self.text();
        let shown: String = text.chars().take(400).collect();
        write!(f, "{} {:?} {} bytes: {shown:?}", self.status, self.headers, self.body.len())
    }
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| {
            panic!("not JSON ({e}), status {}: {:?}", self.status, String::from_utf8_lossy(&self.body))
        })
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// A 4xx with a JSON `{error}` naming something.
    fn assert_json_error(&self, status: u16, what: &str) -> Value {
        assert_eq!(self.status, status, "{what}: {self:?} / {}", self.text());
        assert!(
            self.header("Content-Type").is_some_and(|t| t.starts_with("application/json")),
            "{what}: an error is JSON: {:?}",
            self.headers
        );
        let v = self.json();
        assert!(v["error"].as_str().is_some_and(|e| !e.is_empty()), "{what}: {{error}} missing: {v}");
        v
    }
}

/// Bytes compared by length and first difference, not printed whole.
fn assert_same_bytes(got: &[u8], want: &[u8], what: &str) {
    let differ = got.iter().zip(want).position(|(a, b)| a != b);
    assert!(
        got.len() == want.len() && differ.is_none(),
        "{what}: {} bytes against {}, first difference at {differ:?}",
        got.len(),
        want.len()
    );
}

/// Sends `request` (the raw bytes) to `addr` and reads the answer to the
/// end (every request here says `Connection: close`).
fn raw(addr: &str, request: &[u8]) -> Answer {
    let mut stream = TcpStream::connect(addr).unwrap_or_else(|e| panic!("connect {addr}: {e}"));
    stream.set_read_timeout(Some(Duration::from_secs(60))).expect("timeout");
    stream.write_all(request).expect("send");
    let mut bytes = Vec::new();
    stream.read_to_end(&mut bytes).unwrap_or_else(|e| panic!("read the answer: {e}"));
    parse(&bytes)
}

fn parse(bytes: &[u8]) -> Answer {
    let split = bytes.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or_else(|| {
        panic!("no end of headers in {:?}", String::from_utf8_lossy(bytes));
    });
    let head = String::from_utf8_lossy(&bytes[..split]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let status: u16 = status_line.split(' ').nth(1).and_then(|s| s.parse().ok()).unwrap_or_else(|| {
        panic!("bad status line {status_line:?}");
    });
    let headers: Vec<(String, String)> =
        lines.filter_map(|l| l.split_once(':')).map(|(k, v)| (k.trim().to_string(), v.trim().to_string())).collect();
    let mut body = bytes[split + 4..].to_vec();
    let answer = Answer { status, headers, body: Vec::new() };
    if let Some(len) = answer.header("Content-Length").and_then(|l| l.parse::<usize>().ok()) {
        // (A HEAD answer has the length and no body.)
        assert!(
            body.is_empty() || body.len() >= len,
            "the body is shorter ({}) than its Content-Length {len}",
            body.len()
        );
        body.truncate(len);
    }
    Answer { body, ..answer }
}

/// A running server over a library, and how to ask it.
struct Workspace {
    env: Env,
    addr: String,
    server: ServerGuard,
    stderr: PathBuf,
}

impl Workspace {
    /// A library of the fixture dump (and of `more`, a dump of the test's
    /// own), served on loopback with `extra` arguments.
    fn new(more: Option<&Path>, extra: &[&str]) -> Workspace {
        let env = Env::new();
        env.ingest(&common::dump());
        if let Some(more) = more {
            env.ingest(more);
        }
        Workspace::over(env, extra)
    }

    fn over(env: Env, extra: &[&str]) -> Workspace {
        let stderr = env.tmp.path().join("serve.log");
        let (server, url) = common::serve(&env.library(), extra, &stderr);
        let addr = url.trim_start_matches("http://").trim_end_matches('/').to_string();
        let addr = addr.replace("0.0.0.0", "127.0.0.1");
        Workspace { env, addr, server, stderr }
    }

    fn request(&self, method: &str, target: &str, headers: &[(&str, &str)], body: &[u8]) -> Answer {
        let mut req = format!("{method} {target} HTTP/1.1\r\nConnection: close\r\n");
        if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("Host")) {
            req.push_str(&format!("Host: {}\r\n", self.addr));
        }
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        if !body.is_empty() || method == "POST" {
            req.push_str(&format!("Content-Length: {}\r\n", body.len()));
        }
        req.push_str("\r\n");
        let mut bytes = req.into_bytes();
        bytes.extend_from_slice(body);
        raw(&self.addr, &bytes)
    }

    fn get(&self, target: &str) -> Answer {
        self.request("GET", target, &[], b"")
    }

    fn get_ok(&self, target: &str) -> Value {
        let a = self.get(target);
        assert_eq!(a.status, 200, "GET {target}: {}", a.text());
        a.json()
    }

    /// A change as the page makes it: JSON, from this server's origin.
    fn change(&self, method: &str, target: &str, body: &Value) -> Answer {
        let origin = format!("http://{}", self.addr);
        let body = if body.is_null() { Vec::new() } else { body.to_string().into_bytes() };
        let headers =
            [("Origin", origin.as_str()), ("Content-Type", "application/json"), ("Sec-Fetch-Site", "same-origin")];
        self.request(method, target, &headers, &body)
    }

    /// The server is still running and logged no panic.
    fn assert_alive(&mut self) {
        assert!(self.server.0.try_wait().expect("wait").is_none(), "the server exited");
        let log = std::fs::read_to_string(&self.stderr).unwrap_or_default();
        assert!(!log.contains("panicked"), "the server panicked: {log}");
        assert_eq!(self.get("/api/clips").status, 200, "the server still answers");
    }

    fn clip(&self, path_end: &str) -> Value {
        let clips = self.env.clips();
        clips
            .into_iter()
            .find(|c| c["path"].as_str().is_some_and(|p| p.ends_with(path_end)))
            .unwrap_or_else(|| panic!("no clip {path_end}"))
    }
}

#[test]
fn search_clips_and_the_shot_log_answer_as_the_command_line_does() {
    let mut ws = Workspace::new(None, &[]);
    for (q, filter) in [
        ("river", ""),
        ("\"came up to the door\"", ""),
        ("river", "&speaker=maria"),
        ("night", "&kind=soundbite"),
        // Word forms, as written only, a language, sounds alike (#19).
        ("rivers", ""),
        ("river", "&exact=1"),
        ("river", "&language=en"),
        ("rever", "&sounds_like=1"),
    ] {
        let target = format!("/api/search?q={}{filter}", query_value(q));
        let a = ws.get(&target);
        assert_eq!(a.status, 200, "{target}: {}", a.text());
        assert!(a.header("Content-Type").is_some_and(|t| t.starts_with("application/json")));
        let mut args = vec!["search", "--json", q];
        if let Some(speaker) = filter.strip_prefix("&speaker=") {
            args.extend(["--speaker", speaker]);
        }
        if let Some(kind) = filter.strip_prefix("&kind=") {
            args.extend(["--kind", kind]);
        }
        if let Some(language) = filter.strip_prefix("&language=") {
            args.extend(["--language", language]);
        }
        match filter {
            "&exact=1" => args.push("--exact"),
            "&sounds_like=1" => args.push("--sounds-like"),
            _ => {}
        }
        let cli = ws.env.json(&args, 0);
        let hits = a.json();
        assert!(hits.as_array().is_some_and(|h| !h.is_empty()), "{target} finds something: {hits}");
        assert_eq!(hits, cli, "{target} answers what `rushes {args:?}` prints");
        let total: usize = a.header("X-Total-Count").and_then(|t| t.parse().ok()).expect("X-Total-Count");
        assert!(total >= hits.as_array().map_or(0, Vec::len), "{target}: total {total}");
    }
    // The total counts past the limit.
    let a = ws.get("/api/search?q=the&limit=1");
    assert_eq!(a.json().as_array().map(Vec::len), Some(1));
    assert!(a.header("X-Total-Count").and_then(|t| t.parse::<usize>().ok()).is_some_and(|t| t > 1), "{:?}", a.headers);

    // A malformed query: 400 with where it went wrong.
    let bad = ws.get(&format!("/api/search?q={}", query_value("river AND (")));
    let v = bad.assert_json_error(400, "a query syntax error");
    assert!(v["position"].is_u64(), "the position is given: {v}");
    for target in ["/api/search", "/api/search?q=", "/api/search?q=river&limit=abc", "/api/search?q=river&limit=-1"] {
        ws.get(target).assert_json_error(400, target);
    }
    ws.get("/api/search?q=river&kind=bogus").assert_json_error(400, "an unknown kind");
    ws.get("/api/search?q=river&context=99").assert_json_error(400, "too much context");

    // Clips and the shot log are the CLI's.
    assert_eq!(ws.get_ok("/api/clips"), Value::Array(ws.env.clips()), "/api/clips is `clips --json`");
    let c0001 = ws.clip("C0001.MP4");
    let id = c0001["id"].as_str().expect("id").to_string();
    assert_eq!(ws.get_ok(&format!("/api/clips/{id}")), ws.env.json(&["show", "--json", &id], 0), "show --json");
    for missing in ["0000000000000000", "C0001.MP4", "e264", "zzzzzzzzzzzzzzzz"] {
        ws.get(&format!("/api/clips/{missing}")).assert_json_error(404, missing);
    }
    let facets = ws.get_ok("/api/facets");
    assert!(facets["speakers"].as_array().is_some_and(|s| s.contains(&json!("MARIA"))), "{facets}");
    assert!(facets["cameras"].as_array().is_some_and(|s| s.contains(&json!("A"))), "{facets}");
    assert!(facets["days"].as_array().is_some_and(|s| s.contains(&json!("2026-03-14"))), "{facets}");
    ws.assert_alive();
}

/// A cut tracked while the server runs is seen by its next search: each
/// hit carries `used`, and `unused=1` hides the used ones, as `search
/// --unused` does.
#[test]
fn a_cut_tracked_while_serving_marks_the_hits_and_unused_hides_them() {
    let mut ws = Workspace::new(None, &[]);
    let target = "/api/search?q=everything&kind=soundbite";
    assert_eq!(ws.get_ok(target)[0]["used"], json!([]));
    let cut = common::mixed_edl(ws.env.tmp.path());
    ws.env.json(&["used", cut.to_str().expect("utf-8 path"), "--name", "rough", "--json"], 0);
    let hits = ws.get_ok(target);
    assert_eq!(hits[0]["used"], json!([{"cut": "rough", "record_in": "10:00:00:00"}]), "{hits}");
    let a = ws.get(&format!("{target}&unused=1"));
    assert_eq!((a.status, a.json()), (200, json!([])), "{a:?}");
    assert_eq!(a.header("X-Total-Count"), Some("0"));
    let kept = ws.get_ok("/api/search?q=river&kind=soundbite&unused=1");
    let cli = ws.env.json(&["search", "--json", "--kind", "soundbite", "--unused", "river"], 0);
    assert_eq!(kept, cli, "unused=1 answers what `search --unused` prints");
    ws.assert_alive();
}

#[test]
fn media_is_served_with_every_kind_of_range_byte_for_byte() {
    let mut ws = Workspace::new(None, &[]);
    for (name, mime) in [("SOUND/T001.WAV", "audio/wav"), ("D_CAM/PLAIN.mp4", "video/mp4")] {
        let clip = ws.clip(name);
        let id = clip["id"].as_str().expect("id");
        let file = std::fs::read(clip["path"].as_str().expect("path")).expect("read the clip");
        let len = file.len();
        let target = format!("/media/{id}");

        let whole = ws.get(&target);
        assert_eq!(whole.status, 200, "{name}");
        assert_same_bytes(&whole.body, &file, &format!("{name}: the whole file"));
        assert_eq!(whole.header("Content-Type"), Some(mime), "{name}");
        assert_eq!(whole.header("Accept-Ranges"), Some("bytes"), "{name}");
        assert_eq!(whole.header("Content-Length"), Some(len.to_string().as_str()), "{name}");

        let head = ws.request("HEAD", &target, &[], b"");
        assert_eq!(head.status, 200, "{name}: HEAD");
        assert!(head.body.is_empty(), "{name}: HEAD has no body");

        // (Range, first byte, last byte) for every kind of single range.
        let parts: [(String, usize, usize); 7] = [
            ("bytes=0-99".into(), 0, 99),
            ("bytes=0-0".into(), 0, 0),
            ("bytes=100-".into(), 100, len - 1),
            ("bytes=-100".into(), len - 100, len - 1),
            (format!("bytes=-{}", len + 50), 0, len - 1),
            (format!("bytes={}-{}", len - 10, len + 1000), len - 10, len - 1),
            (format!("bytes={}-{}", len / 2, len / 2 + 4095), len / 2, len / 2 + 4095),
        ];
        for (range, first, last) in &parts {
            let a = ws.request("GET", &target, &[("Range", range)], b"");
            assert_eq!(a.status, 206, "{name} {range}: {}", a.text());
            assert_same_bytes(&a.body, &file[*first..=*last], &format!("{name} {range}"));
            assert_eq!(
                a.header("Content-Range"),
                Some(format!("bytes {first}-{last}/{len}").as_str()),
                "{name} {range}"
            );
            assert_eq!(a.header("Content-Type"), Some(mime), "{name} {range}");
            assert_eq!(a.header("Accept-Ranges"), Some("bytes"), "{name} {range}");
        }
        // Past the end: 416 with the length.
        for range in [format!("bytes={len}-"), format!("bytes={}-{}", len + 5, len + 10), "bytes=-0".to_string()] {
            let a = ws.request("GET", &target, &[("Range", &range)], b"");
            a.assert_json_error(416, &format!("{name} {range}"));
            assert_eq!(a.header("Content-Range"), Some(format!("bytes */{len}").as_str()), "{name} {range}");
        }
        // Ranges we do not serve as parts get the whole file (RFC 9110
        // lets a server ignore them).
        for range in ["bytes=5-2", "bytes=0-1,5-6", "items=0-5", "bytes=abc", "bytes=-", "bytes=1-x"] {
            let a = ws.request("GET", &target, &[("Range", range)], b"");
            assert_eq!(a.status, 200, "{name} {range}");
            assert_same_bytes(&a.body, &file, &format!("{name} {range}: the whole file"));
        }
    }
    // A clip a browser cannot play, with no proxy: 404 that says why, and
    // the playback answer says so too.
    let prores = ws.clip("A003C012_260314_R1AB.mov");
    let id = prores["id"].as_str().expect("id");
    let playback = ws.get_ok(&format!("/api/clips/{id}/playback"));
    assert_eq!(playback["playable"], false, "{playback}");
    assert!(playback["reason"].as_str().is_some_and(|r| r.contains("proxy")), "{playback}");
    ws.get(&format!("/media/{id}")).assert_json_error(404, "an unplayable clip");
    let mp4 = ws.clip("D_CAM/PLAIN.mp4");
    let playback = ws.get_ok(&format!("/api/clips/{}/playback", mp4["id"].as_str().expect("id")));
    assert_eq!(playback["url"], json!(format!("/media/{}", mp4["id"].as_str().expect("id"))), "{playback}");
    ws.assert_alive();
}

/// What the readers in `tests/readers` see in an exported file.
fn read_back(format: &str, file: &Path, rate: f64) -> Vec<Value> {
    let out = std::process::Command::new(common::venv::python())
        .arg(common::repo().join("tests/readers/read_timeline.py"))
        .arg(format)
        .arg(file)
        .arg(rate.to_string())
        .output()
        .expect("run python");
    assert!(out.status.success(), "{format} reader: {}", String::from_utf8_lossy(&out.stderr));
    match serde_json::from_slice(&out.stdout).expect("reader JSON") {
        Value::Array(a) => a,
        other => panic!("{other}"),
    }
}

#[test]
fn bins_are_kept_changed_and_exported_for_the_readers() {
    let mut ws = Workspace::new(None, &[]);
    // Two bites on the 50 fps GoPro clip (non-drop, so frames are simple).
    let hits = ws.get_ok("/api/search?q=boat+OR+rowed&kind=soundbite");
    let on_gopro: Vec<&Value> = hits.as_array().expect("hits").iter().filter(|h| h["clip"] == "GX010042.MP4").collect();
    assert_eq!(on_gopro.len(), 2, "two bites on GX010042.MP4: {hits}");
    let (first, second) = (on_gopro[0], on_gopro[1]);
    let id = first["clip_id"].as_str().expect("clip_id");

    let mut made = Vec::new();
    for (hit, comment) in [(first, json!("the opener")), (second, Value::Null)] {
        let a = ws.change(
            "POST",
            "/api/bins/pulls/selects",
            &json!({"clip_id": id, "tc_in": hit["tc_in"], "tc_out": hit["tc_out"], "comment": comment}),
        );
        assert_eq!(a.status, 201, "{}", a.text());
        let select = a.json();
        assert!(select["id"].is_u64(), "{select}");
        assert_eq!(select["tc_in"], hit["tc_in"], "{select}");
        made.push(select);
    }
    let bins = ws.get_ok("/api/bins");
    let cli = ws.env.json(&["bins", "--json"], 0);
    assert_eq!(bins, cli, "the page and `rushes bins --json` see the same bins");
    let a = ws.change(
        "POST",
        &format!("/api/bins/pulls/selects/{}", made[1]["id"]),
        &json!({"comment": "<b>keep</b> & tighten"}),
    );
    assert_eq!(a.status, 200, "{}", a.text());
    let order = json!({"ids": [made[1]["id"], made[0]["id"]]});
    assert_eq!(ws.change("POST", "/api/bins/pulls/order", &order).status, 200);
    let bin = ws.get_ok("/api/bins/pulls");
    let selects = bin["selects"].as_array().expect("selects");
    assert_eq!(selects.len(), 2, "{bin}");
    assert_eq!(selects[0]["id"], made[1]["id"], "reordered: {bin}");
    assert_eq!(selects[0]["comment"], "<b>keep</b> & tighten", "a comment is kept as written: {bin}");

    // Every format downloads as an attachment, the same file the CLI
    // writes; the readers read the timelines back with the right in-points.
    let tc_frames = |tc: &Value| common::label_frames(tc.as_str().expect("tc"), 50);
    for (format, reader) in [
        ("edl", Some("edl")),
        ("fcpxml", Some("fcpxml")),
        ("xmeml", Some("xmeml")),
        ("ale", Some("ale")),
        ("otio", Some("otio")),
        ("csv", None),
    ] {
        let a = ws.get(&format!("/api/bins/pulls/export?format={format}"));
        assert_eq!(a.status, 200, "{format}: {}", a.text());
        let disposition = a.header("Content-Disposition").unwrap_or_default();
        assert!(disposition.starts_with("attachment; filename=\"pulls."), "{format}: {disposition}");
        let file = ws.env.tmp.path().join(format!("pulls.{format}"));
        let out = ws.env.run(&["export", "--bin", "pulls", "--format", format, "-o", file.to_str().expect("utf-8")]);
        assert!(out.status.success(), "rushes export --bin: {}", String::from_utf8_lossy(&out.stderr));
        assert_eq!(a.text(), std::fs::read_to_string(&file).expect("read export"), "{format}: the CLI's file");
        match reader {
            Some(reader) => {
                // Every reader (OTIO's adapter, pycmx) on every track sees
                // the two in-points, in the bin's order where order shows.
                let events = read_back(reader, &file, 50.0);
                let starts: std::collections::BTreeSet<u64> =
                    events.iter().filter_map(|e| e["start"].as_f64()).map(|f| f as u64).collect();
                let want: std::collections::BTreeSet<u64> =
                    [tc_frames(&first["tc_in"]), tc_frames(&second["tc_in"])].into();
                assert_eq!(starts, want, "{format}: {events:?}");
                let first_event = events.iter().find(|e| e["reader"] == "pycmx").unwrap_or(&events[0]);
                assert_eq!(first_event["start"].as_f64(), Some(tc_frames(&second["tc_in"]) as f64), "{format}: order");
            }
            None => {
                let text = a.text();
                assert_eq!(text.lines().count(), 3, "csv: a header and two rows: {text}");
                assert!(text.contains(second["tc_in"].as_str().expect("tc")), "{text}");
            }
        }
    }
    // Handles widen each event where the media allows.
    let a = ws.get("/api/bins/pulls/export?format=edl&handles=5f");
    assert_eq!(a.status, 200, "{}", a.text());
    let file = ws.env.tmp.path().join("handles.edl");
    std::fs::write(&file, &a.body).expect("write");
    let events: Vec<Value> = read_back("edl", &file, 50.0).into_iter().filter(|e| e["reader"] == "pycmx").collect();
    let second_in = tc_frames(&second["tc_in"]);
    let start_of_clip = common::label_frames("14:32:00:00", 50);
    assert_eq!(events[0]["start"], json!(second_in.saturating_sub(5).max(start_of_clip)), "handles: {events:?}");

    for (target, status) in [
        // docx is a format (the selects as a script); pdf is not.
        ("/api/bins/pulls/export?format=pdf", 400),
        ("/api/bins/pulls/export", 400),
        ("/api/bins/pulls/export?format=edl&handles=lots", 400),
        ("/api/bins/pulls/export?format=edl&handles=5", 400),
        ("/api/bins/nobin/export?format=edl", 400),
        ("/api/bins/nobin", 404),
    ] {
        ws.get(target).assert_json_error(status, target);
    }
    // Bad selects are refused and change nothing.
    let bad = [
        json!({"clip_id": id, "tc_in": second["tc_out"], "tc_out": second["tc_in"]}),
        json!({"clip_id": id, "tc_in": "99:00:00:00", "tc_out": "99:00:01:00"}),
        json!({"clip_id": "0000000000000000", "tc_in": "00:00:00:00", "tc_out": "00:00:01:00"}),
        json!({"clip_id": id, "tc_in": "soon", "tc_out": "later"}),
        json!({"tc_in": "00:00:00:00"}),
    ];
    for body in &bad {
        let a = ws.change("POST", "/api/bins/pulls/selects", body);
        assert!(matches!(a.status, 400 | 404), "{body}: {a:?}");
        a.assert_json_error(a.status, &body.to_string());
    }
    let origin = format!("http://{}", ws.addr);
    let not_json = ws.request(
        "POST",
        "/api/bins/pulls/selects",
        &[("Origin", &origin), ("Content-Type", "application/json")],
        b"{\"clip_id\": ",
    );
    not_json.assert_json_error(400, "a body that is not JSON");
    let form = ws.request("POST", "/api/bins/pulls/selects", &[("Content-Type", "text/plain")], b"clip_id=x");
    form.assert_json_error(415, "a body that is not JSON at all");
    let huge = vec![b' '; 70 * 1024];
    ws.request("POST", "/api/bins/pulls/selects", &[("Content-Type", "application/json")], &huge)
        .assert_json_error(413, "a body over 64 KiB");
    assert_eq!(ws.get_ok("/api/bins/pulls")["selects"].as_array().map(Vec::len), Some(2), "nothing was added");

    // Removing: once, then it is gone.
    let target = format!("/api/bins/pulls/selects/{}", made[0]["id"]);
    assert_eq!(ws.change("DELETE", &target, &Value::Null).status, 200);
    ws.change("DELETE", &target, &Value::Null).assert_json_error(404, "a select already removed");
    ws.change("DELETE", "/api/bins/pulls/selects/abc", &Value::Null)
        .assert_json_error(400, "a select id that is no number");
    assert_eq!(ws.env.json(&["bins", "pulls", "--json"], 0)["selects"].as_array().map(Vec::len), Some(1));
    ws.assert_alive();
}

/// Every request without the token, in every way it could be sent.
fn assert_all_refused(ws: &Workspace, id: &str, token_headers: &[(&str, &str)]) {
    for target in
        ["/", "/assets/app.js", "/api/search?q=river", "/api/clips", &format!("/media/{id}"), "/api/bins", "/nothing"]
    {
        let a = ws.request("GET", target, token_headers, b"");
        a.assert_json_error(401, &format!("GET {target} with {token_headers:?}"));
        assert!(!a.text().contains("river"), "{target}: nothing leaks");
    }
    let a = ws.request("POST", "/api/bins/x/selects", token_headers, b"");
    a.assert_json_error(401, &format!("POST with {token_headers:?}"));
}

#[test]
fn off_loopback_every_request_needs_the_token() {
    let env = Env::new();
    env.ingest(&common::dump());
    let stderr = env.tmp.path().join("serve.log");
    let (server, url, lines) = common::serve_lines(&env.library(), &["--bind", "0.0.0.0:0"], &stderr);
    let open = lines.recv_timeout(Duration::from_secs(10)).expect("a second line with the token URL");
    let token = open.split("?token=").nth(1).unwrap_or_else(|| panic!("no token in {open:?}")).trim().to_string();
    assert!(token.len() >= 32 && token.bytes().all(|b| b.is_ascii_hexdigit()), "a random token: {open}");
    assert!(open.starts_with(&format!("open {url}")), "{open}");
    let addr = url.trim_start_matches("http://").trim_end_matches('/').replace("0.0.0.0", "127.0.0.1");
    let ws = Workspace { env, addr, server, stderr };
    let id = ws.clip("SOUND/T001.WAV")["id"].as_str().expect("id").to_string();

    assert_all_refused(&ws, &id, &[]);
    assert_all_refused(&ws, &id, &[("Cookie", "rushes_token=0123")]);
    assert_all_refused(&ws, &id, &[("Authorization", "Bearer nope")]);
    // One digit off for certain: a token that ends in 0 gets a 1.
    let last = if token.ends_with('0') { '1' } else { '0' };
    let wrong = format!("{}{last}", &token[..token.len() - 1]);
    let a = ws.get(&format!("/api/clips?token={wrong}"));
    a.assert_json_error(401, "a token one digit off");

    // The printed URL sets the cookie; the cookie or a bearer token then
    // opens everything.
    let a = ws.get(&format!("/?token={token}"));
    assert_eq!(a.status, 200, "{}", a.text());
    let cookie = a.header("Set-Cookie").expect("the token is kept in a cookie").to_string();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"), "{cookie}");
    let pair = cookie.split(';').next().expect("name=value").to_string();
    for headers in [[("Cookie", pair.as_str())], [("Authorization", &format!("Bearer {token}"))]] {
        for target in ["/api/clips", "/assets/app.js", &format!("/media/{id}")] {
            assert_eq!(ws.request("GET", target, &headers, b"").status, 200, "{target} with {headers:?}");
        }
    }
    // The token is in no answer.
    assert!(!ws.request("GET", "/", &[("Cookie", &pair)], b"").text().contains(&token), "the page does not echo it");
}

#[test]
fn a_token_file_guards_even_loopback_and_an_empty_one_is_refused() {
    let env = Env::new();
    env.ingest(&common::dump());
    let file = env.tmp.path().join("token");
    std::fs::write(&file, "s3cret-edit-bay\n").expect("write token");
    let ws = Workspace::over(env, &["--token-file", file.to_str().expect("utf-8")]);
    let id = ws.clip("SOUND/T001.WAV")["id"].as_str().expect("id").to_string();
    assert_all_refused(&ws, &id, &[]);
    assert_eq!(ws.request("GET", "/api/clips", &[("Authorization", "Bearer s3cret-edit-bay")], b"").status, 200);

    std::fs::write(&file, "  \n").expect("write token");
    let out = ws.env.run(&["serve", "--bind", "127.0.0.1:0", "--token-file", file.to_str().expect("utf-8")]);
    assert!(!out.status.success(), "an empty token file is refused");
    assert!(String::from_utf8_lossy(&out.stderr).contains("token"), "{}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn no_request_reaches_a_path_outside_the_catalog() {
    let mut ws = Workspace::new(None, &[]);
    let t001 = ws.clip("SOUND/T001.WAV");
    let abs = t001["path"].as_str().expect("path").to_string();
    let encoded_abs: String = query_value(&abs);
    let attempts = [
        "/media/../../../../etc/passwd".to_string(),
        "/../../../../etc/passwd".to_string(),
        "/media/..%2F..%2F..%2Fetc%2Fpasswd".to_string(),
        "/media/%2e%2e/%2e%2e/%2e%2e/etc/passwd".to_string(),
        "/media/%2E%2E%2F%2E%2E%2Fetc%2Fpasswd".to_string(),
        "/media/%2Fetc%2Fpasswd".to_string(),
        "/media/..%5C..%5Cetc%5Cpasswd".to_string(),
        "/media/%252e%252e%252fetc%252fpasswd".to_string(),
        "/media/%c0%ae%c0%ae/etc/passwd".to_string(),
        "/media/%00".to_string(),
        "//etc/passwd".to_string(),
        "/etc/passwd".to_string(),
        "/media//etc/passwd".to_string(),
        "/assets/../Cargo.toml".to_string(),
        "/assets/..%2f..%2fCargo.toml".to_string(),
        "/assets/app.js/../../Cargo.toml".to_string(),
        "/api/clips/..%2F..%2F..%2Fetc%2Fpasswd".to_string(),
        "/media/T001.WAV".to_string(),
        format!("/media{abs}"),
        format!("/media/{encoded_abs}"),
        format!("/media/{}", query_value(&format!("../../{abs}"))),
    ];
    let wav = std::fs::read(&abs).expect("read");
    for target in &attempts {
        let a = ws.get(target);
        assert!(matches!(a.status, 400 | 404), "{target}: {} {}", a.status, a.text());
        a.assert_json_error(a.status, target);
        let body = a.text();
        assert!(!body.contains("root:") && !body.contains("[package]"), "{target} leaked a file: {body}");
        assert!(a.body.len() < 1024 && a.body != wav, "{target}: {} bytes", a.body.len());
    }
    // An absolute-form target names this server's own paths only.
    let a = raw(
        &ws.addr,
        format!("GET http://{}/../../etc/passwd HTTP/1.1\r\nHost: {}\r\nConnection: close\r\n\r\n", ws.addr, ws.addr)
            .as_bytes(),
    );
    assert!((400..500).contains(&a.status) && !a.text().contains("root:"), "{a:?}");
    ws.assert_alive();
}

/// A dump of the test's own: a clip whose name is markup, and a transcript
/// whose cues are.
fn markup_dump(dir: &Path) -> PathBuf {
    let day = dir.join("2026-03-16/SOUND");
    std::fs::create_dir_all(&day).expect("mkdir");
    let wav = common::dump().join("2026-03-14/SOUND/T002.WAV");
    let name = "<img src=x onerror=alert(1)>";
    std::fs::copy(&wav, day.join(format!("{name}.wav"))).expect("copy");
    std::fs::write(
        day.join(format!("{name}.srt")),
        "1\n00:00:00,100 --> 00:00:00,900\nANNA: <script>alert(1)</script> heronry\n\n\
         2\n00:00:01,000 --> 00:00:01,900\nANNA: \"quotes\" & 'apostrophes' </textarea><svg onload=alert(2)> heronry\n",
    )
    .expect("srt");
    dir.to_path_buf()
}

#[test]
fn markup_in_names_and_cues_reaches_the_page_only_as_data() {
    let tmp = tempfile::tempdir().expect("tmp");
    let dump = markup_dump(tmp.path());
    let mut ws = Workspace::new(Some(&dump), &[]);
    // The page is fixed text under a strict policy: no inline script, and
    // it holds nothing from the library.
    let page = ws.get("/");
    assert_eq!(page.status, 200);
    let csp = page.header("Content-Security-Policy").expect("a content security policy");
    assert!(csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"), "{csp}");
    assert!(!page.text().contains("onerror") && !page.text().contains("heronry"), "the page holds no library text");
    assert_eq!(page.header("X-Content-Type-Options"), Some("nosniff"));
    assert!(page.header("Access-Control-Allow-Origin").is_none(), "no CORS");

    // The API gives the text back exactly, as JSON data.
    let a = ws.get("/api/search?q=heronry");
    assert!(a.header("Content-Type").is_some_and(|t| t.starts_with("application/json")), "{:?}", a.headers);
    let hits = a.json();
    let texts: Vec<&str> = hits.as_array().expect("hits").iter().filter_map(|h| h["text"].as_str()).collect();
    assert!(texts.contains(&"<script>alert(1)</script> heronry"), "{texts:?}");
    assert!(texts.iter().any(|t| t.contains("</textarea><svg onload=alert(2)>")), "{texts:?}");
    let hit = &hits[0];
    assert_eq!(hit["clip"], "<img src=x onerror=alert(1)>.wav", "{hit}");
    let id = hit["clip_id"].as_str().expect("id");
    let log = ws.get_ok(&format!("/api/clips/{id}"));
    assert_eq!(log["clip"]["name"], "<img src=x onerror=alert(1)>.wav", "{log}");
    assert_eq!(ws.get(&format!("/media/{id}")).status, 200, "the clip plays whatever its name");

    // In a bin and out through XML, the name is escaped for the XML reader
    // and comes back whole.
    let select = json!({"clip_id": id, "tc_in": hit["tc_in"], "tc_out": hit["tc_out"], "comment": "<i>alert(3)</i>"});
    assert_eq!(ws.change("POST", "/api/bins/markup/selects", &select).status, 201);
    for format in ["fcpxml", "xmeml"] {
        let a = ws.get(&format!("/api/bins/markup/export?format={format}"));
        assert_eq!(a.status, 200, "{format}: {}", a.text());
        let file = ws.env.tmp.path().join(format!("markup.{format}"));
        std::fs::write(&file, &a.body).expect("write");
        let elements = read_back("xml", &file, 25.0);
        let strings: Vec<String> = elements
            .iter()
            .flat_map(|e| {
                let attrs = e["attrs"].as_object().map(|o| o.values().filter_map(|v| v.as_str()).collect::<Vec<_>>());
                attrs.unwrap_or_default().into_iter().chain(e["text"].as_str()).map(str::to_string).collect::<Vec<_>>()
            })
            .collect();
        assert!(strings.iter().any(|s| s.contains("<img src=x onerror=alert(1)>")), "{format}: {strings:?}");
        assert!(
            elements.iter().all(|e| e["tag"] != "img" && e["tag"] != "script"),
            "{format}: no element came from text"
        );
    }
    ws.assert_alive();
}

#[test]
fn malformed_requests_get_a_json_4xx_and_the_server_carries_on() {
    let mut ws = Workspace::new(None, &[]);
    for method in ["PUT", "PATCH", "OPTIONS", "TRACE"] {
        ws.request(method, "/api/clips", &[], b"").assert_json_error(405, method);
    }
    ws.get("/api/nothing").assert_json_error(404, "an unknown route");
    ws.get("/media/%ff%fe").assert_json_error(400, "a path that is not UTF-8");
    ws.request("GET", "/api/clips", &[("Host", "evil.example")], b"").assert_json_error(421, "another host name");
    let host_less = raw(&ws.addr, b"GET /api/clips HTTP/1.0\r\n\r\n");
    host_less.assert_json_error(421, "no Host");
    let origin = [("Origin", "http://evil.example"), ("Content-Type", "application/json")];
    let body = br#"{"clip_id":"0000000000000000","tc_in":"00:00:00:00","tc_out":"00:00:01:00"}"#;
    ws.request("POST", "/api/bins/x/selects", &origin, body).assert_json_error(403, "a change from another site");
    ws.request("DELETE", "/api/bins/x", &origin, b"").assert_json_error(403, "a delete from another site");
    let cross = [("Sec-Fetch-Site", "cross-site"), ("Content-Type", "application/json")];
    ws.request("POST", "/api/bins/x/selects", &cross, body).assert_json_error(403, "a cross-site fetch");
    ws.request("GET", "/api/search?q=%22unclosed", &[], b"").assert_json_error(400, "an unclosed quote");
    // Requests HTTP itself cannot parse get a 4xx from the server too.
    for garbage in [&b"GARBAGE\r\n\r\n"[..], b"GET\r\n\r\n", b"GET / HTTP/9.9\r\n\r\n", b"\x00\x01\x02\r\n\r\n"] {
        let mut stream = TcpStream::connect(&ws.addr).expect("connect");
        stream.set_read_timeout(Some(Duration::from_secs(30))).expect("timeout");
        stream.write_all(garbage).expect("send");
        let mut bytes = Vec::new();
        let _ = stream.read_to_end(&mut bytes);
        if !bytes.is_empty() {
            let a = parse(&bytes);
            assert!((400..600).contains(&a.status) && a.status != 500, "{garbage:?}: {a:?}");
        }
    }
    ws.assert_alive();
}

#[test]
fn many_clients_at_once_each_get_their_own_answer() {
    let mut ws = Workspace::new(None, &[]);
    let clip = ws.clip("SOUND/T001.WAV");
    let id = clip["id"].as_str().expect("id").to_string();
    let file = std::fs::read(clip["path"].as_str().expect("path")).expect("read");
    let river = ws.get_ok("/api/search?q=river");
    let clips = ws.get_ok("/api/clips");
    let shared = &ws;
    std::thread::scope(|scope| {
        for client in 0..16usize {
            let (ws, id, file, river, clips) = (shared, &id, &file, &river, &clips);
            scope.spawn(move || {
                for round in 0..15usize {
                    match (client + round) % 3 {
                        0 => assert_eq!(&ws.get_ok("/api/search?q=river"), river, "client {client}"),
                        1 => assert_eq!(&ws.get_ok("/api/clips"), clips, "client {client}"),
                        _ => {
                            let start = (client * 7919 + round * 104_729) % (file.len() - 5000);
                            let range = format!("bytes={start}-{}", start + 4999);
                            let a = ws.request("GET", &format!("/media/{id}"), &[("Range", &range)], b"");
                            assert_eq!(a.status, 206, "client {client} {range}");
                            assert_same_bytes(&a.body, &file[start..start + 5000], &format!("client {client} {range}"));
                        }
                    }
                }
            });
        }
    });
    ws.assert_alive();
}

#[test]
fn a_running_server_sees_a_new_ingest_and_does_not_block_it() {
    let mut ws = Workspace::new(None, &[]);
    ws.get("/api/search?q=heronry").json().as_array().map(Vec::len).filter(|n| *n == 0).expect("nothing yet");
    let before = ws.get_ok("/api/clips").as_array().map_or(0, Vec::len);
    // A bin written while the library changes.
    let t001 = ws.clip("SOUND/T001.WAV");
    let select = json!({"clip_id": t001["id"], "tc_in": "14:31:05:00", "tc_out": "14:31:06:00"});
    assert_eq!(ws.change("POST", "/api/bins/live/selects", &select).status, 201);

    let tmp = tempfile::tempdir().expect("tmp");
    let dump = markup_dump(tmp.path());
    let ingest = ws.env.ingest(&dump);
    assert_eq!(ingest["clips_added"], 1, "the ingest ran beside the server: {ingest}");

    let hits = ws.get_ok("/api/search?q=heronry");
    assert_eq!(hits.as_array().map(Vec::len), Some(2), "the new cues are found without a restart: {hits}");
    let clips = ws.get_ok("/api/clips");
    assert_eq!(clips.as_array().map_or(0, Vec::len), before + 1, "the new clip is listed");
    let id = hits[0]["clip_id"].as_str().expect("id");
    assert_eq!(ws.get(&format!("/media/{id}")).status, 200, "and plays");
    assert_eq!(ws.get_ok(&format!("/api/clips/{id}"))["transcript"].as_array().map(Vec::len), Some(2));

    // An import into the running library is seen too.
    let notes = tmp.path().join("later.srt");
    std::fs::write(&notes, "1\n00:00:00,200 --> 00:00:00,800\nSPEAKER 1: A kingfisher on the far bank.\n")
        .expect("srt");
    let out = ws.env.run(&["import", "--clip", t001["id"].as_str().expect("id"), notes.to_str().expect("utf-8")]);
    assert!(out.status.success(), "import beside the server: {}", String::from_utf8_lossy(&out.stderr));
    let hits = ws.get_ok("/api/search?q=kingfisher");
    assert_eq!(hits.as_array().map(Vec::len), Some(1), "the import is found without a restart: {hits}");
    assert_eq!(ws.get_ok("/api/bins/live")["selects"].as_array().map(Vec::len), Some(1), "the bin survived");
    ws.assert_alive();
}

/// A query-string value, encoded as a browser's `URLSearchParams` does.
fn query_value(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
