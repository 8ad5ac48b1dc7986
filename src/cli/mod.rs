//! Command line: parsing (clap), progress (indicatif, `progress.rs`),
//! printing (`print.rs`, the `clips` tables in `table.rs`) and exit codes.
//! Each command is library calls plus printing; only the binary touches
//! clap, indicatif, ctrlc and anyhow.
//!
//! Exit codes: 0 ok (an ingest with per-file failures is still 0, they are
//! listed), 2 error (or any failure under `--strict`). Results go to
//! stdout, messages and progress to stderr; a closed pipe is not an error.

use std::io::{IsTerminal, Write};
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::process::ExitCode;

mod print;
mod progress;
mod report;
mod table;
mod values;

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use print::{
    print_bins, print_drift, print_edit, print_hits, print_ingest, print_paper, print_proxies, print_show, print_used,
    print_used_list, print_words, write_json,
};
use progress::{Bar, EXIT_INTERRUPTED, stop_on_ctrl_c};
use table::{print_clips, print_clips_long};
use values::{
    DateOrderArg, DayFormatArg, FormatArg, ImportKindArg, KindArg, ReportFormatArg, StatusArg, TimebaseArg,
    TranscriptFormatArg, VerifyArg,
};

use rushes::atomic::write_atomic;
use rushes::bins::{Bins, NewSelect};
use rushes::clip::ClipFilter;
use rushes::date::DateOrder;
use rushes::edit;
use rushes::export::ale;
use rushes::export::{Handles, SequenceError};
use rushes::import::ImportOptions;
use rushes::ingest::{IngestError, IngestOptions, Progress, VerifyMode, ingest, refuse_library_inside};
use rushes::library::{Filters as SearchFilters, Library};
use rushes::merge::MergeOptions;
use rushes::merge::Timebase;
use rushes::ops::{self, ExportError, ExportNotice, ExportOptions, ExportSource, ImportKind, ReportSource, one_line};
use rushes::paper;
use rushes::proxy::{ProxyRequest, make_proxies};
use rushes::releases::Status;
use rushes::resolve::{ClipLookupError, resolve_clip};
use rushes::search::{HitKind, SearchRequest, search, speaker_hints};
use rushes::selects::{self, Output};
use rushes::timecode::Rate;
use rushes::timecode::TcFormat;
use rushes::used::UsedCuts;

/// Footage logging and transcript indexing: ingest card dumps, list clips
/// with exact timecode.
#[derive(Parser, Debug)]
#[command(name = "rushes", version, about)]
struct Cli {
    /// Library folder (embedded, no server). Created on first ingest.
    #[arg(long, global = true, env = "RUSHES_LIBRARY", default_value = "rushes-library")]
    library: PathBuf,

    #[command(subcommand)]
    command: Command,
}

// Not `#[command(defer = true)]`: building only the subcommand in use
// saved 60 page faults (0.12 ms) of each process, but a deferred
// subcommand's help then shows the doc comment of a flattened argument
// group (`search --help` opened with the `--as-of` line) instead of its own.
#[derive(Subcommand, Debug)]
enum Command {
    /// Catalog every media file under each folder (card dumps). Never writes
    /// inside them; unchanged files are recognised without re-reading.
    Ingest {
        /// Folders to walk recursively.
        #[arg(required = true)]
        dirs: Vec<PathBuf>,
        /// Shoot day (2026-03-14, 14/03/2026, 14 Mar 2026) for every clip,
        /// instead of reading it from dated folder names or the files.
        #[arg(long)]
        day: Option<String>,
        /// Read dates such as 03/04/2026 in notes (and --day) day first
        /// (dmy) or month first (mdy); without it such a date is an error
        /// for its row.
        #[arg(long, value_enum)]
        date_order: Option<DateOrderArg>,
        /// Project frame rate (23.976, 25, 29.97, 24000/1001...), used only
        /// for files that state none, e.g. a BWF without speed.
        #[arg(long)]
        fps: Option<String>,
        /// Print the summary as one JSON object.
        #[arg(long)]
        json: bool,
        /// Exit 2 if any file failed.
        #[arg(long)]
        strict: bool,
        /// Hash new and changed files and check them against the dump's
        /// offload hash lists (ASC MHL); `--verify=all` re-reads unchanged
        /// files too. A mismatch, or a listed file the dump lacks, fails.
        #[arg(long, value_enum, num_args = 0..=1, require_equals = true, default_missing_value = "new", value_name = "all")]
        verify: Option<VerifyArg>,
        /// The language of the transcripts found (es, ja, Spanish), over
        /// what a file declares or what detection says.
        #[arg(long, value_name = "LANG", value_parser = parse_language)]
        language: Option<String>,
    },
    /// Re-hash cataloged clips with their recorded checksums and report
    /// drift: changed bytes, missing files. Never re-probes; exit 2 on drift.
    Verify {
        /// Only this shoot day (2026-03-14, 14/03/2026, 14 Mar 2026).
        #[arg(long)]
        day: Option<String>,
        /// Read a --day such as 03/04/2026 day first (dmy) or month first (mdy).
        #[arg(long, value_enum)]
        date_order: Option<DateOrderArg>,
        /// Only this clip (file name, id, path in the dump...).
        #[arg(long)]
        clip: Option<String>,
        /// Print the report as one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// List the catalog: day, camera, file name, rate, start timecode,
    /// length and words, in 80 columns (--long for every field and the path).
    Clips {
        /// Only this camera (A, b, "B CAM", SOUND...).
        #[arg(long)]
        camera: Option<String>,
        /// Only this shoot day (2026-03-14, 14/03/2026, 14 Mar 2026).
        #[arg(long)]
        day: Option<String>,
        /// Read a --day such as 03/04/2026 day first (dmy) or month first (mdy).
        #[arg(long, value_enum)]
        date_order: Option<DateOrderArg>,
        /// Only file names matching this glob (* and ?, any case): 'C00*', '*.WAV'.
        #[arg(long, value_name = "GLOB")]
        name: Option<String>,
        /// Only clips whose file has vanished.
        #[arg(long)]
        offline: bool,
        /// At most N clips (stderr says how many there are when it cuts).
        #[arg(long, value_parser = at_least_one)]
        limit: Option<NonZeroUsize>,
        /// Every field, with the path inside the ingested folder.
        #[arg(long, conflicts_with = "json")]
        long: bool,
        /// Print an array of clip objects.
        #[arg(long)]
        json: bool,
    },
    /// Import transcripts (SRT, WebVTT, Whisper JSON) and shoot notes
    /// (CSV/TSV, plain-text logs) and place them on clips by timecode; a
    /// release log (a sheet with a person column and a status or release
    /// type column) replaces the library's release log.
    Import {
        /// Files to import.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Attach transcripts to this clip (file name or id) instead of
        /// matching by file name.
        #[arg(long)]
        clip: Option<String>,
        /// Camera for notes that name none (A, B, SOUND...).
        #[arg(long)]
        camera: Option<String>,
        /// Transcript times count from the clip's first frame (clip) or are
        /// its record timecode (record). Detected when not given.
        #[arg(long, value_enum)]
        timebase: Option<TimebaseArg>,
        /// Shoot day (2026-03-14, 14/03/2026, 14 Mar 2026) for notes that
        /// carry none.
        #[arg(long)]
        day: Option<String>,
        /// Read dates such as 03/04/2026 day first (dmy) or month first
        /// (mdy); without it such a date is an error for its row.
        #[arg(long, value_enum)]
        date_order: Option<DateOrderArg>,
        /// Read every file as this kind instead of telling by its columns:
        /// `releases`, a release log.
        #[arg(long, value_enum)]
        kind: Option<ImportKindArg>,
        /// The transcripts' language (es, ja, Spanish), over what a file
        /// declares or what detection says.
        #[arg(long, value_name = "LANG", value_parser = parse_language)]
        language: Option<String>,
        /// Print the summary as one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Find soundbites, notes and clips by phrase. Exit 0 with hits, 1 with
    /// none, 2 on error.
    ///
    /// Query language: words (all must match, each in any of its forms:
    /// warn finds warned, the form as written first; --exact for as
    /// written only), "exact phrase" (also across two consecutive cues),
    /// "nobody warn"~stem (a phrase of any forms), "words near"~3, a OR b,
    /// -word, flood* (prefix), maria~1 (fuzzy), nayburs~~ (sounds like:
    /// neighbours), 川 or "水がとても" (Chinese, Japanese, Korean, Thai by
    /// character), speaker:maria, camera:a, reel:a001, day:2026-03-14,
    /// language:es, kind:note. Case, accents and Arabic and Hebrew vowel
    /// marks are ignored (cafe finds café).
    Search {
        /// The query; several words are one query (`rushes search river
        /// flood` means `rushes search "river flood"`).
        #[arg(required = true, num_args = 1..)]
        query: Vec<String>,
        #[command(flatten)]
        filters: Filters,
        /// Show at most N hits, the best first (stderr says how many there
        /// are when it cuts).
        #[arg(long, default_value = "20", value_parser = at_least_one)]
        limit: NonZeroUsize,
        /// Show N cues before and after each soundbite.
        #[arg(long, default_value_t = 0)]
        context: usize,
        #[command(flatten)]
        as_of: AsOf,
        /// Print an array of hits.
        #[arg(long, conflicts_with = "paper")]
        json: bool,
        /// Print the hits as paper-edit lines, ready to paste (CLIP
        /// TC_IN-TC_OUT SPEAKER: text; notes as // comments).
        #[arg(long)]
        paper: bool,
    },
    /// Export selects for the edit: CMX3600 EDL, FCPXML, FCP7 XML (Premiere),
    /// Avid ALE, OpenTimelineIO or CSV, frame-accurate, with handles.
    Export {
        #[command(flatten)]
        source: Source,
        /// Export a paper edit (see `rushes paper check`): bites in document
        /// order, headings and notes as markers, VO as gaps of its read
        /// time; docx, txt and html write the producer's script.
        #[arg(long, value_name = "FILE", conflicts_with_all = ["query", "selects", "bin", "handles", "merge"])]
        paper: Option<PathBuf>,
        /// edl, fcpxml, xmeml, ale, otio, csv, or a document: docx, txt,
        /// html (any case: EDL is edl).
        #[arg(long, ignore_case = true, value_enum)]
        format: FormatArg,
        /// Pad each select, clamped to its clip: a number with its unit (2s,
        /// 2 sec, 500ms, 12f, 12 frames); a bare number is refused.
        #[arg(long)]
        handles: Option<String>,
        /// Join overlapping selects of the same clip.
        #[arg(long)]
        merge: bool,
        /// Sequence title (default: the bin's name with --bin, else
        /// "rushes selects").
        #[arg(long)]
        title: Option<String>,
        /// Sequence rate (default: the first select's clip's rate).
        #[arg(long)]
        fps: Option<String>,
        /// Sequence drop-frame labelling (29.97/59.94) with --fps.
        #[arg(long)]
        drop_frame: bool,
        /// Record timecode of the first event (default 01:00:00:00).
        #[arg(long)]
        record_start: Option<String>,
        /// Write here instead of stdout.
        #[arg(short = 'o', long)]
        output: Option<PathBuf>,
        /// Overwrite an existing output file.
        #[arg(long)]
        force: bool,
        /// With --query: the search's filters.
        #[command(flatten)]
        filters: Filters,
        /// With --query: at most this many hits, the best first (default:
        /// every hit).
        #[arg(long, value_parser = at_least_one)]
        limit: Option<NonZeroUsize>,
        /// Write nothing and exit 2 when any select is not cleared.
        #[arg(long)]
        require_cleared: bool,
        #[command(flatten)]
        as_of: AsOf,
    },
    /// The clearance report of a finished cut or of selects: one row per
    /// event (record and source in/out, clip, the people heard and their
    /// release status and form, restrictions, third-party items with
    /// vendor, item, licence, fee and invoice), the events that match no
    /// clip, and a summary: counts per status, third-party fees, and what
    /// must be cleared before delivery. Exit 0 when everything is cleared,
    /// 1 when something is not (or matches no clip), 2 on error.
    Clearances {
        /// The soundbites this search finds, in timecode order by clip.
        #[arg(long, conflicts_with_all = ["selects", "cut", "bin"], required_unless_present_any = ["selects", "cut", "bin"])]
        query: Option<String>,
        /// A selects CSV (clip, tc_in, tc_out...), as `export --selects` reads it.
        #[arg(long, conflicts_with_all = ["cut", "bin"])]
        selects: Option<PathBuf>,
        /// A finished cut: CMX3600 EDL, FCPXML, FCP7 XML (Premiere) or
        /// OpenTimelineIO, told by its contents. Events are matched to clips
        /// by path, clip name, then reel and source timecode.
        #[arg(long, conflicts_with = "bin")]
        cut: Option<PathBuf>,
        /// A selects bin (see `rushes bins`).
        #[arg(long, value_name = "NAME")]
        bin: Option<String>,
        /// table (for people), csv (one row per event) or json.
        #[arg(long, value_enum, default_value = "table")]
        format: ReportFormatArg,
        /// Write here instead of stdout.
        #[arg(short = 'o', long)]
        output: Option<PathBuf>,
        /// Overwrite an existing output file.
        #[arg(long)]
        force: bool,
        #[command(flatten)]
        as_of: AsOf,
    },
    /// Track what the current cut already uses: read a cut (CMX3600 EDL,
    /// FCPXML, FCP7 XML or OpenTimelineIO) and keep the source spans of the
    /// clips it holds under its name; search hits, `show` cues and paper
    /// bites then say `used in NAME`, and `search --unused` hides them.
    /// Events that match no clip are listed. Reading a name again replaces
    /// that cut; several cuts are tracked.
    Used {
        /// The cut, told by its contents. Events are matched to clips by
        /// path, clip name, then reel and source timecode.
        #[arg(required_unless_present_any = ["list", "forget"], conflicts_with_all = ["list", "forget"])]
        cut: Option<PathBuf>,
        /// Track it under this name (default: the file's name without its
        /// extension).
        #[arg(long)]
        name: Option<String>,
        /// List the cuts tracked.
        #[arg(long, conflicts_with = "forget")]
        list: bool,
        /// Stop tracking the cut NAME.
        #[arg(long, value_name = "NAME")]
        forget: Option<String>,
        /// Print the cut read (or the list) as JSON.
        #[arg(long)]
        json: bool,
    },
    /// The producer's transcript of clips or of a shoot day: a heading per
    /// clip (camera, reel, start TC, duration), each cue with its source TC
    /// and speaker, the notes at their TC. txt, html (prints on A4 and
    /// Letter) and docx take any number of clips; srt and vtt one clip,
    /// with times from its first frame.
    Transcript {
        /// Clips (file name, id or path), in this order.
        #[arg(required_unless_present = "day", conflicts_with = "day")]
        clips: Vec<String>,
        /// Every clip of this shoot day (2026-03-14, 14/03/2026, 14 Mar
        /// 2026) with a transcript or notes, by camera.
        #[arg(long)]
        day: Option<String>,
        /// Read a --day such as 03/04/2026 day first (dmy) or month first (mdy).
        #[arg(long, value_enum)]
        date_order: Option<DateOrderArg>,
        /// txt, html, docx, srt or vtt.
        #[arg(long, value_enum, ignore_case = true, default_value = "txt")]
        format: TranscriptFormatArg,
        /// Write here instead of stdout.
        #[arg(short = 'o', long)]
        output: Option<PathBuf>,
        /// Overwrite an existing output file.
        #[arg(long)]
        force: bool,
    },
    /// Reports for the production office: `report day D`, the shoot-day
    /// log.
    Report {
        #[command(subcommand)]
        what: ReportWhat,
    },
    /// Paper edits: a producer's script of headings, bites (CLIP
    /// TC_IN-TC_OUT [SPEAKER:] text), VO: and NOTE: lines. `paper check`
    /// resolves one; `paper new` writes a first draft.
    Paper {
        #[command(subcommand)]
        action: PaperAction,
    },
    /// A card folder moved: point every clip, transcript and notes file under
    /// OLD at the same file under NEW. Ids, metadata and words stay.
    Relink {
        /// Where the folder was (it may no longer exist).
        old: PathBuf,
        /// Where it is now.
        new: PathBuf,
        /// Print the summary as one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Remove clips and their words from the library (never a file on
    /// disk): clips by name or id, everything under a folder, or what a
    /// transcript or notes file brought.
    Forget {
        /// Clips (file name, id or path).
        #[arg(required_unless_present_any = ["root", "transcript"])]
        clips: Vec<String>,
        /// Every clip, transcript and notes file under this folder.
        #[arg(long)]
        root: Option<PathBuf>,
        /// A transcript or notes file: its cues, pairs or notes and the file's record.
        #[arg(long)]
        transcript: Vec<PathBuf>,
        /// Print the summary as one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Set one clip's frame rate when its file states none (a phone memo, a
    /// BWF without speed): its timecode is derived again and its words
    /// placed again, without reading the file.
    Set {
        /// Clip file name, id or path.
        clip: String,
        /// Frame rate (25, 23.976, 29.97, 24000/1001...).
        #[arg(long)]
        fps: String,
        /// Print the updated clip as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Selects bins kept in the library: every bin (or bin NAME) with its
    /// selects, clip, TC in and out and comment; `bins add` and `bins
    /// remove` change one.
    #[command(args_conflicts_with_subcommands = true)]
    Bins {
        /// Only this bin.
        name: Option<String>,
        /// Print the bins (or the one bin) as JSON.
        #[arg(long)]
        json: bool,
        #[command(subcommand)]
        change: Option<BinsChange>,
    },
    /// Make H.264/AAC proxies, inside the library, for clips a browser
    /// cannot play (MXF, ProRes, DNxHR, HEVC, PCM sound in MOV...), with
    /// ffmpeg. Each carries its clip's start timecode; the source is only
    /// read. Clips with a proxy already are skipped.
    Proxies {
        /// Only this clip (file name, id or path).
        #[arg(long)]
        clip: Option<String>,
        /// Only this shoot day (2026-03-14, 14/03/2026, 14 Mar 2026).
        #[arg(long)]
        day: Option<String>,
        /// Read a --day such as 03/04/2026 day first (dmy) or month first (mdy).
        #[arg(long, value_enum)]
        date_order: Option<DateOrderArg>,
        /// Make proxies again for clips that have one.
        #[arg(long)]
        force: bool,
        /// Print the summary as one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// One clip's metadata, notes and transcript in timecode order: the
    /// shot log for that clip.
    Show {
        /// Clip file name, id or path inside the dump, or the camera's clip
        /// name the file name starts with (A003C012).
        clip: String,
        #[command(flatten)]
        as_of: AsOf,
        #[arg(long)]
        json: bool,
    },
    /// The editors' workspace in the browser: search, watch the bite at its
    /// timecode, collect selects in bins and export them. First line on
    /// stdout: `listening on http://ADDR:PORT/`. Ctrl-C stops it.
    Serve {
        /// Address and port (port 0: any free one). Any address other than
        /// this machine's loopback needs a token.
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: std::net::SocketAddr,
        /// Read the token every request must carry from this file (default
        /// off loopback: a new one, printed once as a URL).
        #[arg(long)]
        token_file: Option<PathBuf>,
    },
}

/// What `rushes paper` does.
#[derive(Subcommand, Debug)]
enum PaperAction {
    /// Resolve every bite (clip, span, words against the transcript) and
    /// print the running time, per section and in all, with each bite's
    /// clearance. Problems are listed by file:line. Exit 0 when every line
    /// resolves, 2 otherwise.
    Check {
        /// The paper edit (plain text).
        file: PathBuf,
        /// Rate for bites on clips without one (memos, MP3s) (default: the
        /// first bite's clip's rate).
        #[arg(long)]
        fps: Option<String>,
        /// Drop-frame labelling (29.97/59.94) with --fps.
        #[arg(long)]
        drop_frame: bool,
        #[command(flatten)]
        as_of: AsOf,
        /// Print the checked paper edit as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Write a first draft: one bite line per soundbite of a search, row
    /// of a selects CSV or select of a bin, in order.
    New {
        #[command(flatten)]
        source: Source,
        /// The draft's first heading (default: the query, bin or file).
        #[arg(long)]
        title: Option<String>,
        /// Write here instead of stdout.
        #[arg(short = 'o', long)]
        output: Option<PathBuf>,
        /// Overwrite an existing output file.
        #[arg(long)]
        force: bool,
    },
}

/// What `rushes report` reports.
#[derive(Subcommand, Debug)]
enum ReportWhat {
    /// The shoot-day log: cameras and reels, each clip with TC in/out and
    /// duration, transcript coverage (cues, speakers, minutes), the notes,
    /// notes on no clip, files the ingest could not read and warnings. The
    /// HTML prints on A4 and Letter.
    Day {
        /// The shoot day (2026-03-14, 14/03/2026, 14 Mar 2026).
        day: String,
        /// Read a day such as 03/04/2026 day first (dmy) or month first (mdy).
        #[arg(long, value_enum)]
        date_order: Option<DateOrderArg>,
        /// html, csv (one row per item, a kind column) or json.
        #[arg(long, value_enum, ignore_case = true, default_value = "html")]
        format: DayFormatArg,
        /// Write here instead of stdout.
        #[arg(short = 'o', long)]
        output: Option<PathBuf>,
        /// Overwrite an existing output file.
        #[arg(long)]
        force: bool,
    },
}

/// A change to a bin from the shell.
#[derive(Subcommand, Debug)]
enum BinsChange {
    /// Add a span of a clip to a bin (made if needed); prints its id.
    Add {
        /// The bin's name.
        bin: String,
        /// Clip file name, id or path.
        clip: String,
        /// First frame, in the clip's own timecode.
        tc_in: String,
        /// The frame after the last one (out is exclusive).
        tc_out: String,
        #[arg(long)]
        comment: Option<String>,
        /// Print the select as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Remove select ID from a bin.
    Remove {
        /// The bin's name.
        bin: String,
        /// The select's id (`rushes bins NAME` lists them).
        id: u64,
    },
}

/// What `export` and `paper new` take their selects from: one of these.
#[derive(clap::Args, Debug)]
struct Source {
    /// The hits of this search (soundbites unless --kind says otherwise),
    /// in timecode order by clip.
    #[arg(long, conflicts_with_all = ["selects", "bin"])]
    query: Option<String>,
    /// A selects CSV (clip, tc_in, tc_out[, comment, speaker, text]), e.g.
    /// an edited `--format csv` export.
    #[arg(long, conflicts_with = "bin")]
    selects: Option<PathBuf>,
    /// A selects bin (see `rushes bins`), in the bin's order.
    #[arg(long, value_name = "NAME")]
    bin: Option<String>,
}

/// Search filters, shared by `search` and `export --query`.
#[derive(clap::Args, Debug)]
struct Filters {
    /// Only this speaker (case-insensitive).
    #[arg(long)]
    speaker: Option<String>,
    /// Only this camera (A, B, SOUND...).
    #[arg(long)]
    camera: Option<String>,
    /// Only this reel.
    #[arg(long)]
    reel: Option<String>,
    /// Only this shoot day (YYYY-MM-DD).
    #[arg(long)]
    day: Option<String>,
    /// soundbite, note or clip.
    #[arg(long, value_enum)]
    kind: Option<KindArg>,
    /// Every word matches within one typo (as word~1).
    #[arg(long)]
    fuzzy: bool,
    /// Words match only as written: `warn` no longer finds `warned`.
    #[arg(long, conflicts_with = "sounds_like")]
    exact: bool,
    /// Every word also finds words that sound alike (as word~~):
    /// `nayburs` finds `neighbours`.
    #[arg(long)]
    sounds_like: bool,
    /// Only transcripts in this language (es, Spanish), as language:es.
    #[arg(long, value_name = "LANG")]
    language: Option<String>,
    /// Only hits whose release status is cleared.
    #[arg(long, conflicts_with = "clearance")]
    cleared: bool,
    /// Only hits of this release status.
    #[arg(long, value_enum, value_name = "STATUS")]
    clearance: Option<StatusArg>,
    /// Only hits no tracked cut uses (see `rushes used`).
    #[arg(long)]
    unused: bool,
}

/// `--as-of`: the day releases expire against.
#[derive(clap::Args, Debug)]
struct AsOf {
    /// Judge release expiry on this day (2026-03-14, 14/03/2026, 14 Mar
    /// 2026) instead of today.
    #[arg(long, value_name = "DATE")]
    as_of: Option<String>,
    /// Read an --as-of such as 03/04/2026 day first (dmy) or month first (mdy).
    #[arg(long = "as-of-order", value_enum, value_name = "ORDER", requires = "as_of")]
    order: Option<DateOrderArg>,
}

impl AsOf {
    /// The day as `YYYY-MM-DD`, or `None` for today.
    fn day(&self) -> Result<Option<String>> {
        self.as_of
            .as_deref()
            .map(|d| rushes::date::parse_date(d, self.order.map(DateOrder::from)))
            .transpose()
            .map_err(|e| anyhow::anyhow!("--as-of: {e}"))
    }
}

impl Filters {
    fn request(
        self,
        query: String,
        limit: Option<NonZeroUsize>,
        context: usize,
        default_kind: Option<HitKind>,
        as_of: Option<String>,
    ) -> SearchRequest {
        let clearance = if self.cleared { Some(Status::Cleared) } else { self.clearance.map(|c| c.0) };
        SearchRequest {
            clearance,
            as_of,
            query,
            fuzzy: self.fuzzy,
            exact: self.exact,
            sounds_like: self.sounds_like,
            filters: SearchFilters {
                speaker: self.speaker,
                camera: self.camera,
                reel: self.reel,
                day: self.day,
                language: self.language,
            },
            kind: self.kind.map(HitKind::from).or(default_kind),
            limit,
            context,
            unused: self.unused,
        }
    }
}

/// Runs the program and turns the outcome into an exit code.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            if is_broken_pipe(&e) {
                return ExitCode::SUCCESS;
            }
            let mut msg = format!("rushes: error: {e}");
            for cause in e.chain().skip(1) {
                msg.push_str(&format!("\n  caused by: {cause}"));
            }
            eprintln!("{msg}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Ingest { dirs, day, date_order, fps, json, strict, verify, language } => {
            let project_rate = fps.as_deref().map(Rate::parse).transpose().context("--fps")?;
            let date_order = date_order.map(DateOrder::from);
            let day = day.map(|d| validate_day(&d, date_order)).transpose()?;
            let verify = verify.map_or(VerifyMode::Off, VerifyMode::from);
            let opts = IngestOptions { merge: MergeOptions { day, project_rate }, date_order, verify, language };
            refuse_library_inside(&cli.library, &dirs).map_err(|e| match e {
                IngestError::LibraryInside { .. } => {
                    anyhow::anyhow!("{e}: choose another place with --library or $RUSHES_LIBRARY")
                }
                e => e.into(),
            })?;
            let bar = Bar::new();
            let lib = Library::open_or_create_with(&cli.library, &bar)
                .with_context(|| format!("cannot use library {}", cli.library.display()))?;
            say_migrated(&lib);
            stop_on_ctrl_c();
            let report = match ingest(&lib, &dirs, &opts, &bar) {
                Err(e @ IngestError::Interrupted { .. }) => {
                    bar.finish();
                    eprintln!("rushes: {e}");
                    return Ok(ExitCode::from(EXIT_INTERRUPTED));
                }
                other => other?,
            };
            print_ingest(&report, json)?;
            Ok(if strict && !report.failures.is_empty() { ExitCode::from(2) } else { ExitCode::SUCCESS })
        }
        Command::Clips { camera, day, date_order, name, offline, limit, long, json } => {
            let date_order = date_order.map(DateOrder::from);
            let day = day.map(|d| validate_day(&d, date_order)).transpose()?;
            let filter = ClipFilter { camera, day, name, offline };
            let lib = open_library(&cli.library)?;
            let mut clips = ops::clips(&lib, &filter)?;
            let total = clips.len();
            clips.truncate(limit.map_or(total, NonZeroUsize::get));
            match (json, long) {
                (true, _) => write_json(&mut std::io::stdout().lock(), &clips)?,
                (false, true) => print_clips_long(&clips)?,
                (false, false) => print_clips(&clips)?,
            }
            if total > clips.len() {
                eprintln!("showing {} of {total} (use --limit)", clips.len());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Import { files, clip, camera, timebase, day, date_order, kind, language, json } => {
            let timebase = timebase.map(Timebase::from);
            let date_order = date_order.map(DateOrder::from);
            let day = day.map(|d| validate_day(&d, date_order)).transpose()?;
            let opts = ImportOptions { clip, camera, timebase, day, date_order, language };
            let mut list = Vec::new();
            for f in &files {
                let abs = f.canonicalize().with_context(|| format!("{}", f.display()))?;
                if !abs.is_file() {
                    anyhow::bail!("{}: not a file", f.display());
                }
                list.push(abs);
            }
            let lib = open_library(&cli.library)?;
            let report = ops::import_as(&lib, &list, &opts, kind.map(ImportKind::from), &Bar::new())?;
            print_words(&report, json)?;
            // Every file here was named by the user: one that could not be
            // imported (unreadable, not a transcript or notes file) is an
            // error, though the others are kept.
            if !report.sidecars_skipped.is_empty() {
                eprintln!(
                    "rushes: {} of {} files not imported (listed with the reason); the others are",
                    report.sidecars_skipped.len(),
                    files.len()
                );
                return Ok(ExitCode::from(2));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Search { query, filters, limit, context, as_of, json, paper } => {
            let lib = open_library(&cli.library)?;
            let req = filters.request(query.join(" "), Some(limit), context, None, as_of.day()?);
            let found = search(&lib, &req)?;
            if paper {
                let mut out = std::io::stdout().lock();
                for line in paper::hit_lines(&found.hits, &lib.clips()?) {
                    writeln!(out, "{line}")?;
                }
            } else {
                print_hits(&found.hits, json)?;
            }
            // Someone at a terminal is told; a script has the exit status.
            if found.hits.is_empty() && std::io::stderr().is_terminal() {
                let hint = rushes::search::hint(&req).map(|h| format!(" ({h})")).unwrap_or_default();
                eprintln!("no matches for {:?}{hint}", req.query);
            } else if !found.hits.is_empty() && found.total > found.hits.len() {
                eprintln!("showing {} of {} (use --limit)", found.hits.len(), found.total);
            }
            if !json {
                for hint in speaker_hints(&lib, &req.query)? {
                    let cues = if hint.cues == 1 { "cue".to_string() } else { format!("{} cues", hint.cues) };
                    eprintln!("{} is a speaker: {} lists their {cues}", one_line(&hint.name), hint.filter);
                }
            }
            let code = if found.hits.is_empty() { ExitCode::from(1) } else { ExitCode::SUCCESS };
            // The process ends here: the reader's files are unmapped by the
            // exit, not one by one while the search threads still run.
            std::mem::forget(lib);
            Ok(code)
        }
        Command::Export {
            source: Source { query, selects, bin },
            paper: paper_file,
            format,
            handles,
            merge,
            title,
            fps,
            drop_frame,
            record_start,
            output,
            force,
            filters,
            limit,
            require_cleared,
            as_of,
        } => {
            let format = format.0;
            let handles = handles.as_deref().map(Handles::parse).transpose().map_err(anyhow::Error::msg)?;
            let seq_rate = sequence_rate(fps.as_deref(), drop_frame)?;
            refuse_output(output.as_deref(), force)?;
            let lib = open_library(&cli.library)?;
            if let Some(file) = paper_file {
                let text = read_text(&file)?;
                let checked =
                    paper::check(&lib, &file.display().to_string(), &text, seq_rate, as_of.day()?.as_deref())?;
                let stem = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
                let title = title.unwrap_or(stem);
                let options =
                    ExportOptions { format, handles: None, merge: false, title, rate: seq_rate, record_start };
                let rendered = ops::render_paper(&checked, &options).map_err(record_start_error)?;
                print_notices(&rendered.notices);
                return write_rendered(rendered.output, output.as_deref(), force);
            }
            let title = title.or_else(|| bin.clone()).unwrap_or_else(|| "rushes selects".to_string());
            let source = match (query, selects, bin) {
                (Some(q), _, _) => {
                    ExportSource::Query(filters.request(q, limit, 0, Some(HitKind::Soundbite), as_of.day()?))
                }
                (None, Some(file), _) => ExportSource::Selects(file),
                (None, None, Some(name)) => ExportSource::Bin(name),
                (None, None, None) => anyhow::bail!("give --query, --selects, --bin or --paper"),
            };
            let options = ExportOptions { format, handles, merge, title, rate: seq_rate, record_start };
            // The skipped hits are said before an error in rendering is.
            let mut picked = ops::pick(&lib, &source, seq_rate)?;
            print_notices(&picked.notices);
            // Every select that is not cleared is said, before anything is
            // written; with --require-cleared nothing is. The file marks
            // each one too.
            let uncleared = ops::judge_selects(&lib, &mut picked.selects, as_of.day()?.as_deref())?;
            if ops::has_release_log(&lib) || require_cleared {
                for u in &uncleared {
                    eprintln!("rushes: not cleared: {u}");
                }
            }
            if require_cleared && !uncleared.is_empty() {
                eprintln!(
                    "rushes: {} of {} selects are not cleared; nothing written (--require-cleared)",
                    uncleared.len(),
                    picked.selects.len()
                );
                return Ok(ExitCode::from(2));
            }
            let rendered = ops::render(picked.selects, &options).map_err(record_start_error)?;
            print_notices(&rendered.notices);
            write_rendered(rendered.output, output.as_deref(), force)
        }
        Command::Paper { action: PaperAction::Check { file, fps, drop_frame, as_of, json } } => {
            let rate = sequence_rate(fps.as_deref(), drop_frame)?;
            let text = read_text(&file)?;
            let lib = open_library(&cli.library)?;
            let checked = paper::check(&lib, &file.display().to_string(), &text, rate, as_of.day()?.as_deref())?;
            print_paper(&checked, json)?;
            Ok(if checked.ok() { ExitCode::SUCCESS } else { ExitCode::from(2) })
        }
        Command::Paper {
            action: PaperAction::New { source: Source { query, selects, bin }, title, output, force },
        } => {
            refuse_output(output.as_deref(), force)?;
            let lib = open_library(&cli.library)?;
            let (source, what, heading) = match (query, selects, bin) {
                (Some(q), _, _) => {
                    let req = SearchRequest { query: q.clone(), kind: Some(HitKind::Soundbite), ..Default::default() };
                    (ExportSource::Query(req), format!("the search {q:?}"), q)
                }
                (None, Some(file), _) => {
                    let what = format!("the selects {}", file.display());
                    let heading = file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
                    (ExportSource::Selects(file), what, heading)
                }
                (None, None, Some(name)) => (ExportSource::Bin(name.clone()), format!("the bin {name:?}"), name),
                (None, None, None) => anyhow::bail!("give --query, --selects or --bin"),
            };
            let picked = ops::pick(&lib, &source, None)?;
            print_notices(&picked.notices);
            if picked.selects.is_empty() {
                anyhow::bail!("nothing to draft: {what} gives no soundbites");
            }
            let text = paper::draft(title.as_deref().unwrap_or(&heading), &what, &picked.selects, &lib.clips()?);
            write_or_print(output.as_deref(), text.as_bytes())?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Clearances { query, selects, cut, bin, format, output, force, as_of } => {
            if let Some(out) = output.as_ref().filter(|o| o.exists() && !force) {
                anyhow::bail!("{} exists; use --force to overwrite it", out.display());
            }
            if let Some(out) = &output {
                refuse_missing_folder(out)?;
            }
            let day = as_of.day()?;
            let lib = open_library(&cli.library)?;
            let source = match (query, selects, cut, bin) {
                (Some(query), ..) => ReportSource::Selects(ExportSource::Query(SearchRequest {
                    query,
                    fuzzy: false,
                    exact: false,
                    sounds_like: false,
                    filters: SearchFilters::default(),
                    kind: Some(HitKind::Soundbite),
                    limit: None,
                    context: 0,
                    clearance: None,
                    as_of: day.clone(),
                    unused: false,
                })),
                (None, Some(file), ..) => ReportSource::Selects(ExportSource::Selects(file)),
                (None, None, Some(file), _) => ReportSource::Cut(file),
                (None, None, None, Some(name)) => ReportSource::Selects(ExportSource::Bin(name)),
                (None, None, None, None) => anyhow::bail!("give --query, --selects, --cut or --bin"),
            };
            let report = ops::clearance_report(&lib, &source, day.as_deref())?;
            let mut text = Vec::new();
            match format {
                ReportFormatArg::Table => report::write_table(&mut text, &report)?,
                ReportFormatArg::Csv => report::write_csv(&mut text, &report)?,
                ReportFormatArg::Json => write_json(&mut text, &report)?,
            }
            match output {
                Some(path) => write_output(&path, &text)?,
                None => std::io::stdout().lock().write_all(&text)?,
            }
            Ok(if report.summary.all_cleared { ExitCode::SUCCESS } else { ExitCode::from(1) })
        }
        Command::Used { cut: Some(file), name, json, .. } => {
            let name = match name {
                Some(n) if n.trim().is_empty() => anyhow::bail!("--name: give a name"),
                Some(n) => n,
                None => file.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default(),
            };
            let lib = open_library(&cli.library)?;
            let read = ops::read_used(&lib, &file, &name)?;
            print_used(&read, json)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Used { forget: Some(name), json, .. } => {
            let lib = open_library(&cli.library)?;
            let gone = UsedCuts::open(&lib.dir).forget(&name)?;
            if json {
                write_json(&mut std::io::stdout().lock(), &gone)?;
            } else {
                eprintln!("rushes: no longer tracking the cut {:?} ({})", one_line(&gone.name), one_line(&gone.path));
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Used { json, .. } => {
            let lib = open_library(&cli.library)?;
            let cuts = UsedCuts::open(&lib.dir).list()?;
            if !json && cuts.is_empty() {
                eprintln!("no cuts tracked (`rushes used CUT` reads one)");
                return Ok(ExitCode::SUCCESS);
            }
            print_used_list(&cuts, json)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Transcript { clips, day, date_order, format, output, force } => {
            refuse_output(output.as_deref(), force)?;
            let day = day.map(|d| validate_day(&d, date_order.map(DateOrder::from))).transpose()?;
            let lib = open_library(&cli.library)?;
            let source = match &day {
                Some(d) => ops::TranscriptSource::Day(d.clone()),
                None => ops::TranscriptSource::Clips(clips),
            };
            let words = ops::transcripts(&lib, &source)?;
            let one = match (format, words.as_slice()) {
                (TranscriptFormatArg::Srt | TranscriptFormatArg::Vtt, [one]) => Some(one),
                (TranscriptFormatArg::Srt | TranscriptFormatArg::Vtt, many) => anyhow::bail!(
                    "{} clips: an SRT or WebVTT file holds one clip's times (from its first frame); \
                     write one file per clip, or use --format txt, html or docx",
                    many.len()
                ),
                _ => None,
            };
            let title = match (&day, words.as_slice()) {
                (Some(d), _) => format!("Transcripts of {d}"),
                (None, [one]) => format!("Transcript of {}", one.clip.name),
                (None, _) => "Transcripts".to_string(),
            };
            let (cues, notes) = words.iter().fold((0, 0), |(c, n), w| (c + w.cues.len(), n + w.notes.len()));
            let plural = |n: usize, one: &str| if n == 1 { format!("1 {one}") } else { format!("{n} {one}s") };
            let subtitle =
                vec![format!("{}, {}, {}", plural(words.len(), "clip"), plural(cues, "cue"), plural(notes, "note"))];
            let script = || rushes::producer::script(&title, subtitle.clone(), &words);
            let bytes = match (format, one) {
                (TranscriptFormatArg::Srt, Some(w)) => rushes::producer::srt(w).into_bytes(),
                (TranscriptFormatArg::Vtt, Some(w)) => rushes::producer::vtt(w).into_bytes(),
                (TranscriptFormatArg::Html, _) => rushes::export::script::write_html(&script()).into_bytes(),
                (TranscriptFormatArg::Docx, _) => rushes::export::script::write_docx(&script()),
                _ => rushes::export::script::write_txt(&script()).into_bytes(),
            };
            write_or_print(output.as_deref(), &bytes)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Report { what: ReportWhat::Day { day, date_order, format, output, force } } => {
            refuse_output(output.as_deref(), force)?;
            let day =
                rushes::date::parse_date(&day, date_order.map(DateOrder::from)).map_err(|e| anyhow::anyhow!("{e}"))?;
            let lib = open_library(&cli.library)?;
            let log = rushes::daylog::of_day(&lib, &day)?;
            let bytes = match format {
                DayFormatArg::Html => rushes::daylog::write_html(&log).into_bytes(),
                DayFormatArg::Csv => rushes::daylog::write_csv(&log).into_bytes(),
                DayFormatArg::Json => {
                    let mut v = Vec::new();
                    write_json(&mut v, &log)?;
                    v
                }
            };
            write_or_print(output.as_deref(), &bytes)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Relink { old, new, json } => {
            let new_abs = new.canonicalize().with_context(|| format!("{}", new.display()))?;
            if !new_abs.is_dir() {
                anyhow::bail!("{}: not a folder", new.display());
            }
            let lib = open_library(&cli.library)?;
            let new_abs = rushes::scan::os_text(new_abs.as_os_str());
            let report = edit::relink(&lib, &absolute_text(&old)?, &new_abs)?;
            print_edit(&report, json)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Forget { clips, root, transcript, json } => {
            let lib = open_library(&cli.library)?;
            let what = edit::Forget {
                clips,
                root: root.as_deref().map(absolute_text).transpose()?,
                sources: transcript.iter().map(|t| absolute_text(t)).collect::<Result<_>>()?,
            };
            let report = edit::forget(&lib, &what)?;
            print_edit(&report, json)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Set { clip, fps, json } => {
            let rate = Rate::parse(&fps).context("--fps")?;
            let lib = open_library(&cli.library)?;
            let c = edit::set_rate(&lib, &clip, rate)?;
            let mut out = std::io::stdout().lock();
            if json {
                return write_json(&mut out, &c).map(|()| ExitCode::SUCCESS);
            }
            let or_dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
            writeln!(
                out,
                "{}: {} fps, {} - {} ({} frames)",
                one_line(&c.name),
                or_dash(&c.tc.fps_label()),
                or_dash(&c.tc.start_label()),
                or_dash(&c.tc.end_label()),
                c.n_frames.unwrap_or(0)
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Bins { name, json, change: None } => {
            let lib = open_library(&cli.library)?;
            let bins = Bins::open(&lib.dir);
            let listed = match &name {
                Some(name) => {
                    vec![bins.get(name)?.ok_or_else(|| anyhow::anyhow!("no bin {name:?} (see `rushes bins`)"))?]
                }
                None => bins.list()?,
            };
            if json {
                let mut out = std::io::stdout().lock();
                return match listed.as_slice() {
                    [one] if name.is_some() => write_json(&mut out, one),
                    all => write_json(&mut out, all),
                }
                .map(|()| ExitCode::SUCCESS);
            }
            if listed.is_empty() {
                eprintln!("no bins yet (`rushes bins add BIN CLIP TC_IN TC_OUT` makes one)");
                return Ok(ExitCode::SUCCESS);
            }
            let clips = lib.clips()?.into_iter().map(|c| (c.id.clone(), c)).collect();
            print_bins(&listed, &clips)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Bins { change: Some(BinsChange::Add { bin, clip, tc_in, tc_out, comment, json }), .. } => {
            let lib = open_library(&cli.library)?;
            let clips = lib.clips()?;
            let clip_id = resolve_clip(&clip, &clips).map_err(clip_lookup)?.id.clone();
            let new = NewSelect { clip_id, tc_in, tc_out, comment, speaker: None, text: None };
            let added = Bins::open(&lib.dir).add(&lib, &bin, new)?;
            let mut out = std::io::stdout().lock();
            if json {
                return write_json(&mut out, &added).map(|()| ExitCode::SUCCESS);
            }
            writeln!(
                out,
                "{}: select {} {} {} - {}",
                one_line(&bin),
                added.id,
                one_line(&added.clip),
                added.tc_in,
                added.tc_out
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Bins { change: Some(BinsChange::Remove { bin, id }), .. } => {
            let lib = open_library(&cli.library)?;
            Bins::open(&lib.dir).remove(&bin, id)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Proxies { clip, day, date_order, force, json } => {
            let day = day.map(|d| validate_day(&d, date_order.map(DateOrder::from))).transpose()?;
            let lib = open_library(&cli.library)?;
            let request = ProxyRequest { clip, day, force };
            let report = make_proxies(&lib, &request, &Bar::new()).map_err(|e| match e {
                rushes::proxy::ProxyError::Clip(e) => clip_lookup(e),
                e => e.into(),
            })?;
            print_proxies(&report, json)?;
            // Every clip here was asked for: one that got no proxy is an
            // error, though the others are made.
            Ok(if report.failed.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(2) })
        }
        Command::Verify { day, date_order, clip, json } => {
            let date_order = date_order.map(DateOrder::from);
            let day = day.map(|d| validate_day(&d, date_order)).transpose()?;
            let lib = open_library(&cli.library)?;
            let mut clips = ops::clips(&lib, &ClipFilter { day, ..ClipFilter::default() })?;
            clips.retain(|c| !c.offline || c.hash.is_some());
            if let Some(want) = clip {
                let one = resolve_clip(&want, &clips).map_err(|e| anyhow::anyhow!("--clip: {e}"))?;
                clips = vec![one.clone()];
            }
            let bar = Bar::new();
            let report = rushes::verify::drift(&clips, &bar);
            print_drift(&report, json)?;
            Ok(if report.drifted() { ExitCode::from(2) } else { ExitCode::SUCCESS })
        }
        Command::Show { clip, as_of, json } => {
            let lib = open_library(&cli.library)?;
            let log = ops::show(&lib, &clip, as_of.day()?.as_deref())?;
            print_show(&log, json)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Serve { bind, token_file } => {
            let lib = open_library(&cli.library)?;
            let token = match token_file {
                Some(f) => Some(std::fs::read_to_string(&f).with_context(|| format!("{}", f.display()))?),
                None => None,
            };
            let server = rushes::serve::Server::bind(lib, rushes::serve::Config { bind, token, workers: 8 })?;
            let stopper = server.stopper();
            ctrlc::set_handler(move || stopper.stop()).context("cannot catch Ctrl-C")?;
            let mut out = std::io::stdout().lock();
            writeln!(out, "listening on {}", server.url())?;
            if let Some(t) = server.token() {
                writeln!(out, "open {}?token={t}", server.url())?;
            }
            out.flush()?;
            drop(out);
            server.run();
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `--fps` and `--drop-frame` as one labelling.
fn sequence_rate(fps: Option<&str>, drop_frame: bool) -> Result<Option<TcFormat>> {
    if drop_frame && fps.is_none() {
        anyhow::bail!("--drop-frame goes with --fps 29.97 or --fps 59.94");
    }
    fps.map(|f| Rate::parse(f).map(|r| if drop_frame { TcFormat::df(r) } else { Ok(TcFormat::ndf(r)) }))
        .transpose()
        .context("--fps")?
        .transpose()
        .context("--drop-frame")
}

/// A text file the user names (a paper edit), decoded as transcripts are
/// (BOMs, UTF-16, legacy code pages).
fn read_text(path: &std::path::Path) -> Result<String> {
    let bytes = std::fs::read(path).with_context(|| format!("{}", path.display()))?;
    Ok(rushes::text::decode(&bytes).text)
}

/// A clip the user named that is not one clip: not found, or several
/// (listed by id and path, so the id can be given).
fn clip_lookup(e: ClipLookupError) -> anyhow::Error {
    match e {
        ClipLookupError::NotFound { want } => anyhow::anyhow!("no clip {want:?} in the library (see `rushes clips`)"),
        ClipLookupError::Ambiguous { want, candidates } => {
            let list: Vec<String> = candidates.iter().map(|c| format!("  {}  {}", c.id, one_line(&c.path))).collect();
            anyhow::anyhow!("{} clips match {want:?}; give the id:\n{}", candidates.len(), list.join("\n"))
        }
    }
}

/// A path as the library spells it: canonical when it exists (links
/// resolved, as ingest stores paths), else made absolute as written.
/// Opens an existing library, saying so when it was converted from an
/// older rushes's schema on the way.
/// `--language`: a language code or name we know, as its ISO 639-1 code.
fn parse_language(s: &str) -> std::result::Result<String, String> {
    rushes::language::normalize(s)
        .ok_or_else(|| format!("{s:?} is not a language code or name rushes knows (e.g. en, es, ja, Spanish)"))
}

fn open_library(dir: &std::path::Path) -> Result<Library> {
    let bar = Bar::new();
    let lib = Library::open_with(dir, &bar)?;
    say_migrated(&lib);
    Ok(lib)
}

fn say_migrated(lib: &Library) {
    if let Some(m) = lib.migrated() {
        eprintln!("rushes: {}: {m}", lib.dir.display());
    }
}

fn absolute_text(path: &std::path::Path) -> Result<String> {
    let abs = match path.canonicalize() {
        Ok(p) => p,
        Err(_) => std::path::absolute(path).with_context(|| format!("{}", path.display()))?,
    };
    Ok(rushes::scan::os_text(abs.as_os_str()).trim_end_matches('/').to_string())
}

/// What an export found on the way, on stderr in the order found.
fn print_notices(notices: &[ExportNotice]) {
    for n in notices {
        match n {
            ExportNotice::Limited { .. } => eprintln!("{n} (--limit)"),
            _ => eprintln!("rushes: {n}"),
        }
    }
}

/// An ALE of clips at several rates: one log per rate beside `output`,
/// and on stderr which files and why. Nothing is written when there is no
/// `-o` or (without `--force`) one of the files exists.
fn write_per_rate(output: Option<&std::path::Path>, logs: &[ale::RateLog], force: bool) -> Result<()> {
    let rates: Vec<String> = logs.iter().map(|l| l.format.rate().label()).collect();
    let Some(output) = output else {
        anyhow::bail!(
            "these selects are at {} frame rates ({}) and an ALE has one; nothing written: give -o NAME.ale \
             to write one log per rate (NAME.<rate>.ale), or --fps RATE to convert every row to one rate",
            logs.len(),
            rates.join(", ")
        );
    };
    let paths: Vec<PathBuf> = logs.iter().map(|l| selects::per_rate_path(output, l.format)).collect();
    if let Some(taken) = paths.iter().find(|p| p.exists() && !force) {
        anyhow::bail!("{} exists; use --force to overwrite it; nothing written", taken.display());
    }
    eprintln!(
        "rushes: an ALE has one frame rate and these selects are at {} ({}): one log per rate \
         (--fps RATE converts every row into one log instead)",
        logs.len(),
        rates.join(", ")
    );
    for (log, path) in logs.iter().zip(&paths) {
        write_output(path, log.text.as_bytes())?;
        let selects = if log.selects == 1 { "select" } else { "selects" };
        eprintln!("  {}: {} {selects} at {} fps", path.display(), log.selects, log.format.rate().label());
    }
    Ok(())
}

/// An `-o` file that exists (without `--force`), or in a folder that does
/// not, is refused before any work.
fn refuse_output(output: Option<&std::path::Path>, force: bool) -> Result<()> {
    let Some(out) = output else { return Ok(()) };
    if out.exists() && !force {
        anyhow::bail!("{} exists; use --force to overwrite it", out.display());
    }
    refuse_missing_folder(out)
}

/// `-o` into a folder that does not exist is refused before any work, by
/// the folder's name (not the temporary file [`write_output`] would make).
fn refuse_missing_folder(path: &std::path::Path) -> Result<()> {
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    if !folder.is_dir() {
        anyhow::bail!("cannot write {}: the folder {} does not exist", path.display(), folder.display());
    }
    Ok(())
}

/// An export's error, naming `--record-start` when it is the cause.
fn record_start_error(e: ExportError) -> anyhow::Error {
    match e {
        ExportError::Sequence(e @ SequenceError::DropFrameSeparator { .. }) => anyhow::anyhow!("--record-start {e}"),
        ExportError::Sequence(e @ SequenceError::RecordStart(_)) => anyhow::anyhow!("--record-start: {e}"),
        e => e.into(),
    }
}

/// What an export made, written to `-o` or stdout (an ALE at several
/// rates: one file per rate beside `-o`).
fn write_rendered(output: Output, path: Option<&std::path::Path>, force: bool) -> Result<ExitCode> {
    match output {
        Output::One(text) => write_or_print(path, text.as_bytes())?,
        Output::Binary(bytes) => write_or_print(path, &bytes)?,
        Output::PerRate(logs) => write_per_rate(path, &logs, force)?,
    }
    Ok(ExitCode::SUCCESS)
}

/// A result written to `-o` (atomically) or to stdout.
fn write_or_print(output: Option<&std::path::Path>, bytes: &[u8]) -> Result<()> {
    match output {
        Some(path) => write_output(path, bytes),
        None => Ok(std::io::stdout().lock().write_all(bytes)?),
    }
}

/// An export written atomically ([`write_atomic`]); errors name the file
/// asked for.
fn write_output(path: &std::path::Path, bytes: &[u8]) -> Result<()> {
    write_atomic(path, bytes).with_context(|| format!("cannot write {}", path.display()))
}

/// `--limit`: a count of 1 or more (0 would list nothing and look like
/// an empty library).
fn at_least_one(s: &str) -> std::result::Result<NonZeroUsize, String> {
    match s.trim().parse::<usize>() {
        Ok(n) => NonZeroUsize::new(n).ok_or_else(|| "must be at least 1".to_string()),
        Err(e) => Err(format!("not a count: {e}")),
    }
}

/// `--day` read like the dates in notes sheets.
fn validate_day(d: &str, order: Option<DateOrder>) -> Result<String> {
    rushes::date::parse_date(d, order).map_err(|e| anyhow::anyhow!("--day: {e}"))
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<serde_json::Error>()
                .is_some_and(|j| j.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe))
    })
}
