//! Whole-file checksums, as offload tools write them in ASC MHL: xxh64,
//! xxh3 (64-bit), xxh128, md5, sha1 and c4 (SHA-512 in base 58). Files are
//! streamed through one large buffer, never read whole, so a 200 GB camera
//! file costs 4 MiB of memory.
//!
//! The values are written as the MHL writes them (lower-case hex in the
//! canonical big-endian order of `xxhsum`, `c4…` for c4), so comparing is
//! comparing text. Imports nothing from the crate.

use std::fs::File;
use std::io::Read;
use std::path::Path;

use serde::{Deserialize, Serialize};
use sha1::Digest as _;

/// One read; large enough that a file is read in few system calls and the
/// disk streams, small enough for one per hashing thread.
pub const BUFFER: usize = 4 << 20;

/// A checksum algorithm an MHL may name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Algo {
    Xxh64,
    Xxh3,
    Xxh128,
    Md5,
    Sha1,
    C4,
}

impl Algo {
    /// Every algorithm, weakest first: the order of [`Algo::strength`].
    pub const ALL: [Algo; 6] = [Algo::Xxh64, Algo::Xxh3, Algo::Xxh128, Algo::Md5, Algo::Sha1, Algo::C4];

    /// The name MHL v2 writes (`xxh64`, `md5`…).
    pub fn name(self) -> &'static str {
        match self {
            Algo::Xxh64 => "xxh64",
            Algo::Xxh3 => "xxh3",
            Algo::Xxh128 => "xxh128",
            Algo::Md5 => "md5",
            Algo::Sha1 => "sha1",
            Algo::C4 => "c4",
        }
    }

    /// The algorithm an MHL v2 element names.
    pub fn from_name(name: &str) -> Option<Algo> {
        Algo::ALL.into_iter().find(|a| a.name() == name)
    }

    /// How hard a collision is to make: 64-bit non-cryptographic hashes
    /// first, then 128-bit, then the cryptographic digests by length. When
    /// an MHL lists several values for a file, the strongest is checked.
    pub fn strength(self) -> u8 {
        match self {
            Algo::Xxh64 => 0,
            Algo::Xxh3 => 1,
            Algo::Xxh128 => 2,
            Algo::Md5 => 3,
            Algo::Sha1 => 4,
            Algo::C4 => 5,
        }
    }
}

impl std::fmt::Display for Algo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A running checksum of one algorithm.
pub enum Hasher {
    Xxh64(Box<xxhash_rust::xxh64::Xxh64>),
    Xxh3(Box<xxhash_rust::xxh3::Xxh3>),
    Xxh128(Box<xxhash_rust::xxh3::Xxh3>),
    Md5(md5::Md5),
    Sha1(sha1::Sha1),
    C4(sha2::Sha512),
}

impl Hasher {
    pub fn new(algo: Algo) -> Hasher {
        match algo {
            Algo::Xxh64 => Hasher::Xxh64(Box::new(xxhash_rust::xxh64::Xxh64::new(0))),
            Algo::Xxh3 => Hasher::Xxh3(Box::default()),
            Algo::Xxh128 => Hasher::Xxh128(Box::default()),
            Algo::Md5 => Hasher::Md5(md5::Md5::new()),
            Algo::Sha1 => Hasher::Sha1(sha1::Sha1::new()),
            Algo::C4 => Hasher::C4(sha2::Sha512::new()),
        }
    }

    pub fn update(&mut self, bytes: &[u8]) {
        match self {
            Hasher::Xxh64(h) => h.update(bytes),
            Hasher::Xxh3(h) | Hasher::Xxh128(h) => h.update(bytes),
            Hasher::Md5(h) => h.update(bytes),
            Hasher::Sha1(h) => h.update(bytes),
            Hasher::C4(h) => h.update(bytes),
        }
    }

    /// The value as an MHL writes it.
    pub fn finish(self) -> String {
        match self {
            Hasher::Xxh64(h) => format!("{:016x}", h.digest()),
            Hasher::Xxh3(h) => format!("{:016x}", h.digest()),
            Hasher::Xxh128(h) => format!("{:032x}", h.digest128()),
            Hasher::Md5(h) => hex(&h.finalize()),
            Hasher::Sha1(h) => hex(&h.finalize()),
            Hasher::C4(h) => c4_id(&h.finalize()),
        }
    }
}

/// The checksum of `bytes`.
pub fn of_bytes(algo: Algo, bytes: &[u8]) -> String {
    let mut h = Hasher::new(algo);
    h.update(bytes);
    h.finish()
}

/// Streams `file` through `buf` (see [`BUFFER`]) and returns its checksum
/// and the number of bytes read; `on_read` is told each chunk's length (a
/// progress bar).
pub fn of_reader(
    algo: Algo,
    file: &mut impl Read,
    buf: &mut [u8],
    on_read: &mut dyn FnMut(u64),
) -> std::io::Result<(String, u64)> {
    let mut h = Hasher::new(algo);
    let mut total = 0u64;
    loop {
        let n = match file.read(buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        let chunk = buf.get(..n).unwrap_or_default();
        h.update(chunk);
        total += n as u64;
        on_read(n as u64);
    }
    Ok((h.finish(), total))
}

/// The checksum of the file at `path`, streamed (see [`of_reader`]).
pub fn of_file(algo: Algo, path: &Path, buf: &mut [u8], on_read: &mut dyn FnMut(u64)) -> std::io::Result<String> {
    let mut file = File::open(path)?;
    of_reader(algo, &mut file, buf, on_read).map(|(value, _)| value)
}

fn hex(bytes: &[u8]) -> String {
    use std::fmt::Write as _;
    let mut out = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        let _ = write!(out, "{b:02x}");
    }
    out
}

/// The C4 ID of a SHA-512 digest (SMPTE ST 2114): `c4` and the digest as a
/// base-58 number (alphabet without `0 O I l`), left-padded with `1` (the
/// alphabet's zero) to 90 characters.
fn c4_id(digest: &[u8]) -> String {
    const ALPHABET: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    const LEN: usize = 88;
    // Long division of the big-endian number by 58, one digit at a time.
    let mut number = digest.to_vec();
    let mut digits = Vec::with_capacity(LEN);
    while number.iter().any(|&b| b != 0) {
        let mut rem = 0u32;
        for b in number.iter_mut() {
            let cur = (rem << 8) | u32::from(*b);
            *b = (cur / 58) as u8;
            rem = cur % 58;
        }
        digits.push(ALPHABET[rem as usize]);
    }
    while digits.len() < LEN {
        digits.push(b'1');
    }
    digits.reverse();
    format!("c4{}", String::from_utf8_lossy(&digits))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_those_ascmhl_and_xxhsum_write() {
        // "hello\n", as `ascmhl create` hashed it, and as `xxhsum -H0/-H3/-H2`,
        // `md5sum`, `sha1sum` print it.
        let data = b"hello\n";
        assert_eq!(of_bytes(Algo::Xxh64, data), "e4c191d091bd8853");
        assert_eq!(of_bytes(Algo::Md5, data), "b1946ac92492d2347c6235b4d2611184");
        assert_eq!(of_bytes(Algo::Sha1, data), "f572d396fae9206628714fb2ce00f72e94f2258f");
        assert_eq!(of_bytes(Algo::Xxh3, data), "99fc819aaba2462a");
        assert_eq!(of_bytes(Algo::Xxh128, data), "6bba86c7e069f56d5a10b435f1c8e49c");
        // The C4 ID of the empty string, from the C4 specification's examples.
        let c4 = of_bytes(Algo::C4, b"");
        assert_eq!(c4.len(), 90);
        assert_eq!(c4, "c459dsjfscH38cYeXXYogktxf4Cd9ibshE3BHUo6a58hBXmRQdZrAkZzsWcbWtDg5oQstpDuni4Hirj75GEmTc1sFT");
    }

    #[test]
    fn streaming_equals_hashing_at_once_across_buffer_edges() {
        let data: Vec<u8> = (0..100_000u32).map(|i| (i * 7 % 251) as u8).collect();
        for algo in Algo::ALL {
            let mut buf = vec![0; 4096];
            let mut seen = 0;
            let (streamed, n) = of_reader(algo, &mut data.as_slice(), &mut buf, &mut |k| seen += k).unwrap();
            assert_eq!(streamed, of_bytes(algo, &data), "{algo}");
            assert_eq!((n, seen), (data.len() as u64, data.len() as u64));
        }
    }

    #[test]
    fn names_round_trip_and_strength_orders_them() {
        for algo in Algo::ALL {
            assert_eq!(Algo::from_name(algo.name()), Some(algo));
        }
        assert_eq!(Algo::from_name("xxh32"), None);
        assert!(Algo::ALL.windows(2).all(|w| w[0].strength() < w[1].strength()));
    }
}
