//! `rushes serve`: the editors' workspace in the browser, a thin HTTP front
//! end over the same library calls the command line makes (search, clips,
//! show, bins, export). It is a security boundary:
//! - it serves only cataloged files, found by clip id; no path ever comes
//!   from a request;
//! - off this machine's loopback it needs a token (generated, or read from
//!   a file), taken from `?token=` once and kept in a same-site cookie;
//! - state changes are POST/DELETE with a same-origin check, and there is
//!   no CORS; the `Host` header must name this server (DNS rebinding);
//! - the page builds its markup from text nodes, and a strict content
//!   security policy forbids inline script;
//! - a malformed request gets a 4xx with a JSON `{error}`, and a bug a
//!   500, never a crash.
//!
//! tiny_http reads requests on its own threads; a fixed pool of workers
//! answers them, and media (long, paced by the browser) is sent from a
//! thread of its own so a paused video never holds a worker.

mod api;
pub mod http;

use std::io::Read;
use std::net::SocketAddr;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use serde::Serialize;
use thiserror::Error;
use tiny_http::{Header, Method, Request, Response, StatusCode};

use crate::library::Library;

const INDEX_HTML: &str = include_str!("assets/index.html");
const APP_JS: &str = include_str!("assets/app.js");
const APP_CSS: &str = include_str!("assets/app.css");

/// The cookie the token is kept in after `?token=`.
const TOKEN_COOKIE: &str = "rushes_token";
/// The largest request body read (a select or an order is far smaller).
const MAX_BODY: u64 = 64 * 1024;

/// How to serve.
#[derive(Clone, Debug)]
pub struct Config {
    pub bind: SocketAddr,
    /// A token every request must carry. `None`: none on a loopback
    /// address, and a generated one on any other.
    pub token: Option<String>,
    /// Threads answering requests.
    pub workers: usize,
}

#[derive(Debug, Error)]
pub enum ServeError {
    #[error("cannot listen on {addr}: {reason}")]
    Bind { addr: SocketAddr, reason: String },
    #[error("cannot make a token: {0}")]
    Token(String),
    #[error("the token is empty")]
    EmptyToken,
}

/// A bound server, not yet answering.
pub struct Server {
    http: Arc<tiny_http::Server>,
    state: Arc<State>,
    workers: usize,
    stop: Arc<AtomicBool>,
}

/// What every request may read.
struct State {
    lib: Library,
    lib_dir: PathBuf,
    addr: SocketAddr,
    token: Option<String>,
}

/// Stops a running [`Server`] from another thread (Ctrl-C).
#[derive(Clone)]
pub struct Stopper {
    http: Arc<tiny_http::Server>,
    stop: Arc<AtomicBool>,
    workers: usize,
}

impl Stopper {
    pub fn stop(&self) {
        self.stop.store(true, Ordering::SeqCst);
        for _ in 0..self.workers {
            self.http.unblock();
        }
    }
}

impl Server {
    /// Listens on `config.bind` (port 0: any free port) over `lib`.
    pub fn bind(lib: Library, config: Config) -> Result<Server, ServeError> {
        let token = match config.token {
            Some(t) if t.trim().is_empty() => return Err(ServeError::EmptyToken),
            Some(t) => Some(t.trim().to_string()),
            None if config.bind.ip().is_loopback() => None,
            None => Some(http::new_token().map_err(|e| ServeError::Token(e.to_string()))?),
        };
        let bind_error = |reason: String| ServeError::Bind { addr: config.bind, reason };
        let listener = listen(config.bind).map_err(|e| bind_error(e.to_string()))?;
        let http = tiny_http::Server::from_listener(listener, None).map_err(|e| bind_error(e.to_string()))?;
        let addr = http.server_addr().to_ip().unwrap_or(config.bind);
        let lib_dir = lib.dir.clone();
        Ok(Server {
            http: Arc::new(http),
            state: Arc::new(State { lib, lib_dir, addr, token }),
            workers: config.workers.max(1),
            stop: Arc::new(AtomicBool::new(false)),
        })
    }

    /// The address it listens on (the real port when 0 was asked).
    pub fn addr(&self) -> SocketAddr {
        self.state.addr
    }

    /// `http://ADDR:PORT/`.
    pub fn url(&self) -> String {
        format!("http://{}/", self.state.addr)
    }

    /// The token requests need, if any.
    pub fn token(&self) -> Option<&str> {
        self.state.token.as_deref()
    }

    pub fn stopper(&self) -> Stopper {
        Stopper { http: Arc::clone(&self.http), stop: Arc::clone(&self.stop), workers: self.workers }
    }

    /// Answers requests until [`Stopper::stop`].
    pub fn run(&self) {
        std::thread::scope(|scope| {
            for _ in 0..self.workers {
                scope.spawn(|| {
                    while !self.stop.load(Ordering::SeqCst) {
                        match self.http.recv_timeout(Duration::from_millis(500)) {
                            Ok(Some(req)) => handle(&self.state, req),
                            Ok(None) => {}
                            Err(e) => {
                                if !self.stop.load(Ordering::SeqCst) {
                                    eprintln!("rushes serve: {e}");
                                }
                            }
                        }
                    }
                });
            }
        });
    }
}

/// A listening socket whose connections send at once (`TCP_NODELAY`,
/// which Linux passes from the listener to each accepted connection).
/// tiny_http writes an answer's head and body in pieces; with Nagle's
/// algorithm on, a kept-alive browser connection then waits for the
/// client's delayed ACK, 40 ms on Linux, on every answer of some sizes.
fn listen(addr: SocketAddr) -> std::io::Result<std::net::TcpListener> {
    use socket2::{Domain, Protocol, Socket, Type};
    let socket = Socket::new(Domain::for_address(addr), Type::STREAM, Some(Protocol::TCP))?;
    socket.set_reuse_address(true)?;
    socket.set_tcp_nodelay(true)?;
    socket.bind(&addr.into())?;
    socket.listen(128)?;
    Ok(socket.into())
}

/// What a handler answers.
pub(crate) struct Reply {
    status: u16,
    content_type: String,
    headers: Vec<(&'static str, String)>,
    body: Body,
}

pub(crate) enum Body {
    Bytes(Vec<u8>),
    /// `len` bytes of `file` from where it stands.
    File {
        file: std::fs::File,
        len: u64,
    },
}

impl Reply {
    pub(crate) fn json<T: Serialize + ?Sized>(status: u16, value: &T) -> Reply {
        match serde_json::to_vec(value) {
            Ok(body) => Reply::bytes(status, "application/json", body),
            Err(e) => Reply::error(500, &format!("cannot write the answer: {e}")),
        }
    }

    pub(crate) fn error(status: u16, message: &str) -> Reply {
        Reply::json_error(status, serde_json::json!({ "error": message }))
    }

    fn json_error(status: u16, value: serde_json::Value) -> Reply {
        Reply::bytes(status, "application/json", value.to_string().into_bytes())
    }

    pub(crate) fn bytes(status: u16, content_type: &str, body: Vec<u8>) -> Reply {
        Reply { status, content_type: content_type.to_string(), headers: Vec::new(), body: Body::Bytes(body) }
    }

    pub(crate) fn header(mut self, name: &'static str, value: String) -> Reply {
        self.headers.push((name, value));
        self
    }
}

/// One request, answered whatever happens in the handler.
fn handle(state: &State, mut req: Request) {
    let reply = std::panic::catch_unwind(AssertUnwindSafe(|| route(state, &mut req))).unwrap_or_else(|_| {
        Reply::error(500, "internal error: the server could not answer this request (a bug; please report it)")
    });
    let streaming = matches!(reply.body, Body::File { .. });
    let send = move || {
        // A client that went away is not an error worth a line.
        let _ = req.respond(response(reply));
    };
    if streaming {
        std::thread::spawn(send);
    } else {
        send();
    }
}

fn response(reply: Reply) -> Response<Box<dyn Read + Send>> {
    let mut headers = vec![
        ("Content-Type", reply.content_type),
        ("X-Content-Type-Options", "nosniff".to_string()),
        ("Referrer-Policy", "no-referrer".to_string()),
        ("X-Frame-Options", "DENY".to_string()),
    ];
    headers.extend(reply.headers);
    let headers: Vec<Header> =
        headers.into_iter().filter_map(|(k, v)| Header::from_bytes(k.as_bytes(), v.as_bytes()).ok()).collect();
    let (data, len): (Box<dyn Read + Send>, usize) = match reply.body {
        Body::Bytes(b) => {
            let len = b.len();
            (Box::new(std::io::Cursor::new(b)), len)
        }
        Body::File { file, len } => (Box::new(file.take(len)), len as usize),
    };
    // Always a Content-Length, never chunked: a media element needs the
    // length to seek, and tiny_http would chunk anything over 32 KiB.
    Response::new(StatusCode(reply.status), headers, data, Some(len), None).with_chunked_threshold(usize::MAX)
}

/// Checks who asks and how, then hands the request to its handler.
fn route(state: &State, req: &mut Request) -> Reply {
    let headers: Vec<(String, String)> =
        req.headers().iter().map(|h| (h.field.as_str().as_str().to_string(), h.value.as_str().to_string())).collect();
    let header = |name: &str| headers.iter().find(|(k, _)| k.eq_ignore_ascii_case(name)).map(|(_, v)| v.clone());
    if !host_allowed(state.addr, header("Host").as_deref()) {
        return Reply::error(421, "this server does not answer for that host name");
    }
    let Some((segments, params)) = http::split_target(req.url()) else {
        return Reply::error(400, "malformed path: it must be UTF-8 and hold no `.`/`..` segment or encoded slash");
    };
    // The token: from the cookie, an `Authorization: Bearer`, or `?token=`
    // (the URL printed at start-up), which then sets the cookie.
    let mut set_cookie = None;
    if let Some(token) = &state.token {
        let from_cookie = header("Cookie").and_then(|c| http::cookie(&c, TOKEN_COOKIE).map(str::to_string));
        let from_bearer = header("Authorization").and_then(|a| a.strip_prefix("Bearer ").map(|t| t.trim().to_string()));
        let from_query = params.get("token").cloned();
        let ok = |t: &Option<String>| t.as_deref().is_some_and(|t| http::same_secret(t, token));
        if ok(&from_query) {
            set_cookie = Some(format!("{TOKEN_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict"));
        } else if !ok(&from_cookie) && !ok(&from_bearer) {
            return Reply::error(401, "a token is needed: open the URL `rushes serve` printed (it ends in ?token=…)");
        }
    }
    let method = req.method().clone();
    let changes = matches!(method, Method::Post | Method::Delete);
    if changes {
        if let Err(why) = same_origin(state.addr, header("Host").as_deref(), header("Origin").as_deref()) {
            return Reply::error(403, &why);
        }
        if header("Sec-Fetch-Site").is_some_and(|s| s != "same-origin" && s != "none") {
            return Reply::error(403, "a change must come from this workspace's own page");
        }
    } else if !matches!(method, Method::Get | Method::Head) {
        return Reply::error(405, &format!("{method} is not allowed; reads are GET, changes POST or DELETE"));
    }
    let body = if changes {
        match read_body(req, header("Content-Type").as_deref()) {
            Ok(b) => b,
            Err(reply) => return reply,
        }
    } else {
        Vec::new()
    };
    let range = header("Range");
    let ask = api::Ask { state, method: &method, segments: &segments, params: &params, body: &body, range };
    let reply = api::answer(&ask);
    match set_cookie {
        Some(cookie) => reply.header("Set-Cookie", cookie),
        None => reply,
    }
}

/// A change's body: JSON, at most [`MAX_BODY`] bytes (empty is allowed,
/// for a DELETE).
fn read_body(req: &mut Request, content_type: Option<&str>) -> Result<Vec<u8>, Reply> {
    let mut body = Vec::new();
    if let Err(e) = req.as_reader().take(MAX_BODY + 1).read_to_end(&mut body) {
        return Err(Reply::error(400, &format!("cannot read the request body: {e}")));
    }
    if body.len() as u64 > MAX_BODY {
        return Err(Reply::error(413, &format!("the request body is larger than {} KiB", MAX_BODY / 1024)));
    }
    let json = content_type.is_some_and(|t| t.split(';').next().is_some_and(|m| m.trim() == "application/json"));
    if !body.is_empty() && !json {
        return Err(Reply::error(415, "a change's body must be JSON (Content-Type: application/json)"));
    }
    Ok(body)
}

/// Whether `host` (the `Host` header) names this server: its address, or
/// `localhost` on a loopback one. A server on every address (`0.0.0.0`)
/// answers any name; it needs a token anyway.
fn host_allowed(addr: SocketAddr, host: Option<&str>) -> bool {
    if addr.ip().is_unspecified() {
        return true;
    }
    let Some(host) = host else { return false };
    let port = addr.port();
    let mut names = vec![addr.to_string()];
    if addr.ip().is_loopback() {
        names.extend([format!("localhost:{port}"), format!("127.0.0.1:{port}"), format!("[::1]:{port}")]);
    }
    names.iter().any(|n| n.eq_ignore_ascii_case(host.trim()))
}

/// A change must come from a page of this server: a browser's `Origin`
/// must be `http://` + the `Host` it asked. A client that sends no
/// `Origin` is not a browser page (curl, a script), which cannot be made
/// to send a change by another site.
fn same_origin(addr: SocketAddr, host: Option<&str>, origin: Option<&str>) -> Result<(), String> {
    let Some(origin) = origin else { return Ok(()) };
    let host = host.unwrap_or_default();
    if origin.eq_ignore_ascii_case(&format!("http://{host}")) && host_allowed(addr, Some(host)) {
        Ok(())
    } else {
        Err(format!("a change must come from this workspace's own page, not from {origin}"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_and_origin_checks() {
        let local: SocketAddr = "127.0.0.1:8080".parse().unwrap_or_else(|e| panic!("{e}"));
        assert!(host_allowed(local, Some("127.0.0.1:8080")));
        assert!(host_allowed(local, Some("localhost:8080")));
        assert!(!host_allowed(local, Some("evil.example:8080")));
        assert!(!host_allowed(local, Some("localhost:9090")));
        assert!(!host_allowed(local, None));
        let any: SocketAddr = "0.0.0.0:8080".parse().unwrap_or_else(|e| panic!("{e}"));
        assert!(host_allowed(any, Some("editbay.local:8080")));
        assert!(same_origin(local, Some("localhost:8080"), Some("http://localhost:8080")).is_ok());
        assert!(same_origin(local, Some("localhost:8080"), None).is_ok());
        assert!(same_origin(local, Some("localhost:8080"), Some("http://evil.example")).is_err());
        assert!(same_origin(local, Some("localhost:8080"), Some("null")).is_err());
    }
}
