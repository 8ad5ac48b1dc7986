//! The workspace over HTTP (run: `cargo bench --bench serve`, after
//! `cargo bench --bench search` has built its library in the same
//! `RUSHES_BENCH_DIR`).
//!
//! Serves the search bench's library (1,000,000 segments over 20,000 clips
//! by default) with the same `rushes::serve::Server` the `rushes serve`
//! binary runs, on a loopback port, and measures what an editor feels:
//! - **search as you type:** every query of the search bench's
//!   `queries.json` typed one key at a time, each prefix of two or more
//!   characters sent as the page sends it (`/api/search?q=…&limit=50` and
//!   the filters; a prefix with an open quote gets its `400` like the
//!   page's), on a kept-alive connection; a round trip is from the first
//!   byte of the request written to the JSON parsed. p50/p95/p99 at 1
//!   client and at 8 clients typing at once, and the slowest prefixes;
//!   the first pass, on a fresh server, is reported apart as cold;
//! - **first page load:** the bytes over the wire (status line, headers
//!   and body) of what the page fetches before the first keystroke: `/`,
//!   `app.js`, `app.css`, `/api/facets` and `/api/bins`.
//!
//! Figures are printed and written to `RUSHES_BENCH_DIR/serve-results.json`;
//! nothing is asserted.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::time::Instant;

use rushes::library::Library;
use rushes::serve::{Config, Server};
use serde_json::{Value, json};

/// Clients typing at once in the concurrent run.
const CLIENTS: usize = 8;
/// The page's first page of hits (`PAGE` in app.js).
const PAGE_LIMIT: usize = 50;

fn main() {
    let Some(dir) = std::env::var_os("RUSHES_BENCH_DIR").map(PathBuf::from) else {
        eprintln!("set RUSHES_BENCH_DIR to the folder `cargo bench --bench search` built its library in");
        std::process::exit(2);
    };
    let lib_dir = dir.join("library");
    let queries: Vec<Value> = match std::fs::read(dir.join("queries.json")) {
        Ok(bytes) => serde_json::from_slice(&bytes).expect("queries.json"),
        Err(e) => {
            eprintln!(
                "{}: {e}; run `RUSHES_BENCH_DIR={} cargo bench --bench search` first",
                dir.display(),
                dir.display()
            );
            std::process::exit(2);
        }
    };
    let lib = Library::open(&lib_dir).expect("open the bench library");
    let bind: SocketAddr = "127.0.0.1:0".parse().expect("addr");
    let server = Server::bind(lib, Config { bind, token: None, workers: 8 }).expect("bind");
    let addr = server.addr();
    let stopper = server.stopper();
    std::thread::scope(|scope| {
        scope.spawn(|| server.run());
        let keystrokes = typed(&queries);
        println!("library {} · {} typed requests from {} queries", lib_dir.display(), keystrokes.len(), queries.len());

        // The first pass over a fresh server is cold (its transcript cache
        // empty); the runs after it are what an editor meets while typing.
        let (cold, _) = run_clients(addr, &keystrokes, 1);

        let page = first_page(addr);
        println!(
            "first page load: {} bytes over the wire ({})",
            page.iter().map(|(_, n)| n).sum::<usize>(),
            page.iter().map(|(t, n)| format!("{t} {n}")).collect::<Vec<_>>().join(", ")
        );

        let (one, slowest) = run_clients(addr, &keystrokes, 1);
        let (many, _) = run_clients(addr, &keystrokes, CLIENTS);
        println!("{:<10} {:>8} {:>8} {:>8} {:>8} {:>8}", "clients", "requests", "p50 ms", "p95 ms", "p99 ms", "max ms");
        let rows = [
            ("1 (cold)".to_string(), &cold.all),
            ("1".to_string(), &one.all),
            (CLIENTS.to_string(), &many.all),
            ("1, 200s".to_string(), &one.hits),
            (format!("{CLIENTS}, 200s"), &many.hits),
        ];
        for (n, lat) in rows {
            println!(
                "{:<10} {:>8} {:>8.2} {:>8.2} {:>8.2} {:>8.2}",
                n,
                lat.len(),
                percentile(lat, 0.50),
                percentile(lat, 0.95),
                percentile(lat, 0.99),
                percentile(lat, 1.0)
            );
        }
        println!("slowest at 1 client:");
        for (ms, target) in slowest.iter().take(8) {
            println!("  {ms:>8.2} ms  {target}");
        }
        let figures = |lat: &[f64]| {
            json!({"requests": lat.len(), "p50_ms": percentile(lat, 0.5), "p95_ms": percentile(lat, 0.95),
                   "p99_ms": percentile(lat, 0.99), "max_ms": percentile(lat, 1.0)})
        };
        let results = json!({
            "library": lib_dir, "queries": queries.len(), "typed_requests": keystrokes.len(),
            "first_page_bytes": page.iter().map(|(_, n)| n).sum::<usize>(),
            "first_page": page.iter().map(|(t, n)| json!({"target": t, "bytes": n})).collect::<Vec<_>>(),
            "one_client_cold": figures(&cold.all), "one_client": figures(&one.all),
            "one_client_200s": figures(&one.hits), "many_clients_200s": figures(&many.hits), "clients": CLIENTS, "many_clients": figures(&many.all),
            "slowest_one_client": slowest.iter().take(8).map(|(ms, t)| json!({"ms": ms, "target": t})).collect::<Vec<_>>(),
        });
        std::fs::write(dir.join("serve-results.json"), serde_json::to_vec_pretty(&results).expect("json"))
            .expect("serve-results.json");
        println!("wrote {}/serve-results.json", dir.display());
        stopper.stop();
    });
}

/// Every request the page makes while the queries are typed: each prefix
/// of two or more characters, with the query's filters.
fn typed(queries: &[Value]) -> Vec<String> {
    let mut out = Vec::new();
    for q in queries {
        let Some(text) = q["rushes"].as_str() else { continue };
        let mut filters = String::new();
        for key in ["speaker", "camera", "day"] {
            if let Some(v) = q[key].as_str() {
                filters.push_str(&format!("&{key}={}", query_value(v)));
            }
        }
        let chars: Vec<char> = text.chars().collect();
        for end in 2..=chars.len() {
            let prefix: String = chars[..end].iter().collect();
            if prefix.ends_with(' ') {
                continue;
            }
            out.push(format!("/api/search?q={}&limit={PAGE_LIMIT}{filters}", query_value(prefix.trim())));
        }
    }
    out
}

/// `n` clients on kept-alive connections, each typing every query (from a
/// different starting point), all at once; the round trips in ms, sorted,
/// and the slowest requests with their targets.
fn run_clients(addr: SocketAddr, keystrokes: &[String], n: usize) -> (Timings, Vec<(f64, String)>) {
    let timed = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..n)
            .map(|i| {
                scope.spawn(move || {
                    let mut client = Client::connect(addr);
                    let start = i * keystrokes.len() / n;
                    let mut lat = Vec::with_capacity(keystrokes.len());
                    for k in 0..keystrokes.len() {
                        let target = &keystrokes[(start + k) % keystrokes.len()];
                        let t = Instant::now();
                        let (status, body) = client.get(target);
                        let parsed: Value = serde_json::from_slice(&body).expect("JSON");
                        lat.push((t.elapsed().as_secs_f64() * 1000.0, target.clone(), status));
                        assert!(status == 200 || status == 400, "{target}: {status} {parsed}");
                    }
                    lat
                })
            })
            .collect();
        handles.into_iter().flat_map(|h| h.join().expect("client")).collect::<Vec<(f64, String, u16)>>()
    });
    let sorted = |keep: &dyn Fn(u16) -> bool| {
        let mut v: Vec<f64> = timed.iter().filter(|t| keep(t.2)).map(|t| t.0).collect();
        v.sort_by(f64::total_cmp);
        v
    };
    let timings = Timings { all: sorted(&|_| true), hits: sorted(&|s| s == 200) };
    let mut slowest: Vec<(f64, String)> = timed.into_iter().map(|(ms, t, _)| (ms, t)).collect();
    slowest.sort_by(|a, b| b.0.total_cmp(&a.0));
    slowest.truncate(8);
    (timings, slowest)
}

/// Round trips in ms, sorted: all, and those answered `200` (hits, not
/// the quick `400` of a prefix with an open quote).
struct Timings {
    all: Vec<f64>,
    hits: Vec<f64>,
}

/// The page's first requests, each on a fresh connection as a browser's
/// first visit makes them; the bytes each answer took on the wire.
fn first_page(addr: SocketAddr) -> Vec<(String, usize)> {
    ["/", "/assets/app.js", "/assets/app.css", "/api/facets", "/api/bins"]
        .iter()
        .map(|target| {
            let mut client = Client::connect(addr);
            let (status, _) = client.get(target);
            assert_eq!(status, 200, "{target}");
            (target.to_string(), client.wire_bytes)
        })
        .collect()
}

/// An HTTP/1.1 client on one kept-alive connection.
struct Client {
    reader: BufReader<TcpStream>,
    writer: TcpStream,
    host: String,
    /// Bytes read off the wire so far.
    wire_bytes: usize,
}

impl Client {
    fn connect(addr: SocketAddr) -> Client {
        let stream = TcpStream::connect(addr).expect("connect");
        stream.set_nodelay(true).expect("nodelay");
        Client {
            reader: BufReader::new(stream.try_clone().expect("clone")),
            writer: stream,
            host: addr.to_string(),
            wire_bytes: 0,
        }
    }

    fn get(&mut self, target: &str) -> (u16, Vec<u8>) {
        let req = format!("GET {target} HTTP/1.1\r\nHost: {}\r\nAccept: */*\r\n\r\n", self.host);
        self.writer.write_all(req.as_bytes()).expect("send");
        let mut status = 0;
        let mut len = 0usize;
        let mut line = String::new();
        loop {
            line.clear();
            let n = self.reader.read_line(&mut line).expect("read header");
            assert!(n > 0, "the server closed the connection");
            self.wire_bytes += n;
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if status == 0 {
                status = l.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("status");
            } else if let Some((k, v)) = l.split_once(':')
                && k.eq_ignore_ascii_case("content-length")
            {
                len = v.trim().parse().expect("length");
            }
        }
        let mut body = vec![0; len];
        self.reader.read_exact(&mut body).expect("body");
        self.wire_bytes += len;
        (status, body)
    }
}

fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let i = ((sorted.len() - 1) as f64 * q).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

/// A query-string value, encoded as a browser's `URLSearchParams` does.
fn query_value(s: &str) -> String {
    form_urlencoded::byte_serialize(s.as_bytes()).collect()
}
