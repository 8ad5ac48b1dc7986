//! Command line: parsing (clap), progress (indicatif), printing and exit
//! codes. The only module that touches clap, indicatif and anyhow.
//!
//! Exit codes: 0 ok (an ingest with per-file failures is still 0, they are
//! listed), 2 error (or any failure under `--strict`). Results go to
//! stdout, messages and progress to stderr; a closed pipe is not an error.

use std::io::{IsTerminal, Write};
use std::num::NonZeroUsize;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

use anyhow::{Context, Result};
use clap::{Parser, Subcommand};
use indicatif::{HumanBytes, ProgressBar, ProgressStyle};

use crate::clip::{Clip, ClipFilter, NoteRecord, Relinked, Segment};
use crate::date::DateOrder;
use crate::edit::{self, EditReport};
use crate::export::ale;
use crate::export::{Handles, Sequence, apply_handles};
use crate::import::{ImportOptions, ImportReport, import_files};
use crate::ingest::{IngestError, IngestOptions, IngestReport, Progress, ingest};
use crate::library::Library;
use crate::merge::MergeOptions;
use crate::merge::Timebase;
use crate::search::{Hit, HitKind, SearchRequest, search, speaker_hints};
use crate::selects::{self, Format, Rendered};
use crate::text::Fate;
use crate::timecode::Rate;
use crate::timecode::TcFormat;

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
        #[arg(long, value_parser = ["dmy", "mdy"])]
        date_order: Option<String>,
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
        #[arg(long, value_parser = ["dmy", "mdy"])]
        date_order: Option<String>,
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
    /// (CSV/TSV, plain-text logs) and place them on clips by timecode.
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
        #[arg(long, value_parser = ["clip", "record"])]
        timebase: Option<String>,
        /// Shoot day (2026-03-14, 14/03/2026, 14 Mar 2026) for notes that
        /// carry none.
        #[arg(long)]
        day: Option<String>,
        /// Read dates such as 03/04/2026 day first (dmy) or month first
        /// (mdy); without it such a date is an error for its row.
        #[arg(long, value_parser = ["dmy", "mdy"])]
        date_order: Option<String>,
        /// Print the summary as one JSON object.
        #[arg(long)]
        json: bool,
    },
    /// Find soundbites, notes and clips by phrase. Exit 0 with hits, 1 with
    /// none, 2 on error.
    ///
    /// Query language: words (all must match), "exact phrase" (also across
    /// two consecutive cues), "words near"~3, a OR b, -word, flood* (prefix),
    /// maria~1 (fuzzy), speaker:maria, camera:a, reel:a001, day:2026-03-14,
    /// kind:note. Case and accents are ignored (cafe finds café).
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
        /// Print an array of hits.
        #[arg(long)]
        json: bool,
    },
    /// Export selects for the edit: CMX3600 EDL, FCPXML, FCP7 XML (Premiere),
    /// Avid ALE, OpenTimelineIO or CSV, frame-accurate, with handles.
    Export {
        /// Export the hits of this search (soundbites unless --kind says
        /// otherwise), in timecode order by clip.
        #[arg(long, conflicts_with = "selects", required_unless_present = "selects")]
        query: Option<String>,
        /// Export a selects CSV (clip, tc_in, tc_out[, comment, speaker,
        /// text]) — e.g. an edited `--format csv` export.
        #[arg(long)]
        selects: Option<PathBuf>,
        /// edl, fcpxml, xmeml, ale, otio or csv (any case: EDL is edl).
        #[arg(long, ignore_case = true, value_parser = ["edl", "fcpxml", "xmeml", "ale", "otio", "csv"])]
        format: String,
        /// Pad each select, clamped to its clip: a number with its unit (2s,
        /// 2 sec, 500ms, 12f, 12 frames); a bare number is refused.
        #[arg(long)]
        handles: Option<String>,
        /// Join overlapping selects of the same clip.
        #[arg(long)]
        merge: bool,
        /// Sequence title.
        #[arg(long, default_value = "rushes selects")]
        title: String,
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
    /// One clip's metadata, notes and transcript in timecode order: the
    /// shot log for that clip.
    Show {
        /// Clip file name, id or path inside the dump, or the camera's clip
        /// name the file name starts with (A003C012).
        clip: String,
        #[arg(long)]
        json: bool,
    },
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
    #[arg(long, value_parser = ["soundbite", "note", "clip"])]
    kind: Option<String>,
    /// Every word matches within one typo (as word~1).
    #[arg(long)]
    fuzzy: bool,
}

impl Filters {
    fn request(
        self,
        query: String,
        limit: Option<NonZeroUsize>,
        context: usize,
        default_kind: Option<HitKind>,
    ) -> SearchRequest {
        SearchRequest {
            query,
            fuzzy: self.fuzzy,
            speaker: self.speaker,
            camera: self.camera,
            reel: self.reel,
            day: self.day,
            kind: self.kind.as_deref().and_then(HitKind::parse).or(default_kind),
            limit,
            context,
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
        Command::Ingest { dirs, day, date_order, fps, json, strict } => {
            let project_rate = fps.as_deref().map(Rate::parse).transpose().context("--fps")?;
            let date_order = date_order.as_deref().and_then(DateOrder::parse);
            let day = day.map(|d| validate_day(&d, date_order)).transpose()?;
            let opts = IngestOptions { merge: MergeOptions { day, project_rate }, date_order };
            refuse_library_inside(&cli.library, &dirs)?;
            let lib = Library::open_or_create(&cli.library)
                .with_context(|| format!("cannot use library {}", cli.library.display()))?;
            let bar = Bar::new();
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
            let date_order = date_order.as_deref().and_then(DateOrder::parse);
            let day = day.map(|d| validate_day(&d, date_order)).transpose()?;
            let filter = ClipFilter { camera, day, name, offline };
            let lib = Library::open(&cli.library)?;
            let mut clips: Vec<Clip> = lib.clips()?.into_iter().filter(|c| filter.matches(c)).collect();
            clips.sort_by(|a, b| (&a.day, &a.camera, &a.path).cmp(&(&b.day, &b.camera, &b.path)));
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
        Command::Import { files, clip, camera, timebase, day, date_order, json } => {
            let timebase = match timebase.as_deref() {
                Some("record") => Some(Timebase::Record),
                Some(_) => Some(Timebase::Clip),
                None => None,
            };
            let date_order = date_order.as_deref().and_then(DateOrder::parse);
            let day = day.map(|d| validate_day(&d, date_order)).transpose()?;
            let opts = ImportOptions { clip, camera, timebase, day, date_order };
            let mut list = Vec::new();
            for f in &files {
                let abs = f.canonicalize().with_context(|| format!("{}", f.display()))?;
                if !abs.is_file() {
                    anyhow::bail!("{}: not a file", f.display());
                }
                list.push((abs.clone(), crate::scan::os_text(abs.as_os_str()), opts.clone()));
            }
            let lib = Library::open(&cli.library)?;
            let mut writer = lib.writer()?;
            let mut report = ImportReport::default();
            import_files(&lib, &mut writer, &list, false, &mut report)?;
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
        Command::Search { query, filters, limit, context, json } => {
            let lib = Library::open(&cli.library)?;
            let req = filters.request(query.join(" "), Some(limit), context, None);
            let found = search(&lib, &req)?;
            print_hits(&found.hits, json)?;
            // Someone at a terminal is told; a script has the exit status.
            if found.hits.is_empty() && std::io::stderr().is_terminal() {
                let hint = crate::search::hint(&req).map(|h| format!(" ({h})")).unwrap_or_default();
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
            Ok(if found.hits.is_empty() { ExitCode::from(1) } else { ExitCode::SUCCESS })
        }
        Command::Export {
            query,
            selects,
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
        } => {
            let format = Format::parse(&format).context("--format")?;
            let handles = handles.as_deref().map(Handles::parse).transpose().map_err(anyhow::Error::msg)?;
            let seq_rate = fps
                .as_deref()
                .map(|f| Rate::parse(f).map(|r| if drop_frame { TcFormat::df(r) } else { Ok(TcFormat::ndf(r)) }))
                .transpose()
                .context("--fps")?
                .transpose()
                .context("--drop-frame")?;
            if drop_frame && fps.is_none() {
                anyhow::bail!("--drop-frame goes with --fps 29.97 or --fps 59.94");
            }
            if let Some(out) = output.as_ref().filter(|o| o.exists() && !force) {
                anyhow::bail!("{} exists; use --force to overwrite it", out.display());
            }
            if let Some(out) = &output {
                refuse_missing_folder(out)?;
            }
            let lib = Library::open(&cli.library)?;
            let (picked, rejected) = match (&query, &selects) {
                (Some(q), _) => {
                    let req = filters.request(q.clone(), limit, 0, Some(HitKind::Soundbite));
                    let found = search(&lib, &req)?;
                    if found.total > found.hits.len() {
                        eprintln!("exported {} of {} hits (--limit)", found.hits.len(), found.total);
                    }
                    selects::from_hits(&lib, &found.hits)?
                }
                (None, Some(file)) => {
                    let bytes = std::fs::read(file).with_context(|| format!("{}", file.display()))?;
                    let (picked, rejected) = selects::from_csv(&lib, &file.display().to_string(), &bytes)?;
                    if !rejected.is_empty() {
                        let list: Vec<String> =
                            rejected.iter().map(|r| format!("  {}: {}", r.source, r.reason)).collect();
                        anyhow::bail!(
                            "{} selects cannot be exported; nothing written:\n{}",
                            rejected.len(),
                            list.join("\n")
                        );
                    }
                    (picked, rejected)
                }
                (None, None) => anyhow::bail!("give --query or --selects"),
            };
            for r in &rejected {
                eprintln!("rushes: skipped {}: {}", r.source, r.reason);
            }
            if picked.is_empty() {
                anyhow::bail!("nothing to export");
            }
            let picked = apply_handles(picked, handles, merge);
            let seq = Sequence::for_selects(&title, &picked, seq_rate, record_start.as_deref())
                .map_err(anyhow::Error::msg)?;
            for w in format.warnings(&picked) {
                eprintln!("rushes: warning: {w}");
            }
            match format.render_files(&seq, &picked, seq_rate) {
                Rendered::One(text) => {
                    if format == Format::Ale {
                        let converted = selects::other_rates(&picked, seq.format);
                        if !converted.is_empty() {
                            let to = seq.format.rate().label();
                            eprintln!(
                                "rushes: an ALE has one frame rate: rows of clips at {} converted to {to} fps \
                                 (a clip's start label keeps its seconds, its frames scaled down to the {to} fps \
                                 frame holding that instant; in points and lengths rounded to the nearest frame)",
                                converted.join(", ")
                            );
                        }
                    }
                    match output {
                        Some(path) => write_output(&path, text.as_bytes())?,
                        None => std::io::stdout().lock().write_all(text.as_bytes())?,
                    }
                }
                Rendered::PerRate(logs) => write_per_rate(output.as_deref(), &logs, force)?,
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Relink { old, new, json } => {
            let new_abs = new.canonicalize().with_context(|| format!("{}", new.display()))?;
            if !new_abs.is_dir() {
                anyhow::bail!("{}: not a folder", new.display());
            }
            let lib = Library::open(&cli.library)?;
            let new_abs = crate::scan::os_text(new_abs.as_os_str());
            let report = edit::relink(&lib, &absolute_text(&old)?, &new_abs)?;
            print_edit(&report, json)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Forget { clips, root, transcript, json } => {
            let lib = Library::open(&cli.library)?;
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
            let lib = Library::open(&cli.library)?;
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
                or_dash(&c.fps),
                or_dash(&c.start_tc),
                or_dash(&c.end_tc),
                c.n_frames.unwrap_or(0)
            )?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Show { clip, json } => {
            let lib = Library::open(&cli.library)?;
            let log = shot_log(&lib, &clip)?;
            print_show(&log, json)?;
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// A path as the library spells it: canonical when it exists (links
/// resolved, as ingest stores paths), else made absolute as written.
fn absolute_text(path: &std::path::Path) -> Result<String> {
    let abs = match path.canonicalize() {
        Ok(p) => p,
        Err(_) => std::path::absolute(path).with_context(|| format!("{}", path.display()))?,
    };
    Ok(crate::scan::os_text(abs.as_os_str()).trim_end_matches('/').to_string())
}

fn print_edit(r: &EditReport, json: bool) -> Result<()> {
    let mut out = std::io::stdout().lock();
    if json {
        return write_json(&mut out, r);
    }
    if !r.clips_relinked.is_empty() || !r.sources_relinked.is_empty() {
        writeln!(
            out,
            "relinked: {} clips, {} transcripts and notes files",
            r.clips_relinked.len(),
            r.sources_relinked.len()
        )?;
        print_relinked(&mut out, &r.clips_relinked)?;
        print_relinked(&mut out, &r.sources_relinked)?;
    }
    let missing = r.clips_not_found.iter().map(|p| (p.as_str(), "not at the new place; left as it was".to_string()));
    print_list(&mut out, "not found", " clips", missing.collect())?;
    if !r.clips_forgotten.is_empty() || !r.sources_forgotten.is_empty() {
        writeln!(
            out,
            "forgotten (removed from the library; no file touched): {} clips, {} transcripts and notes files",
            r.clips_forgotten.len(),
            r.sources_forgotten.len()
        )?;
        for path in r.clips_forgotten.iter().chain(&r.sources_forgotten) {
            writeln!(out, "  {}", one_line(path))?;
        }
    }
    Ok(())
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

/// `-o` into a folder that does not exist is refused before any work, by
/// the folder's name (not the temporary file [`write_output`] would make).
fn refuse_missing_folder(path: &std::path::Path) -> Result<()> {
    let folder = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    if !folder.is_dir() {
        anyhow::bail!("cannot write {}: the folder {} does not exist", path.display(), folder.display());
    }
    Ok(())
}

/// Writes beside the target then renames, so a reader never sees half a
/// file. Errors name the file asked for; the temporary name means nothing
/// to the user.
fn write_output(path: &std::path::Path, bytes: &[u8]) -> Result<()> {
    let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "export".into());
    let tmp = path.with_file_name(format!(".{name}.rushes-tmp"));
    let written = std::fs::write(&tmp, bytes).and_then(|()| std::fs::rename(&tmp, path));
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written.with_context(|| format!("cannot write {}", path.display()))
}

/// One clip with its notes and transcript, in timecode order.
#[derive(serde::Serialize)]
struct ShotLog {
    clip: Clip,
    notes: Vec<NoteRecord>,
    transcript: Vec<Segment>,
}

fn shot_log(lib: &Library, want: &str) -> Result<ShotLog> {
    // One snapshot: the clip's counts and its words from the same commit,
    // even while an ingest commits.
    let snap = lib.snapshot()?;
    let clips = snap.clips()?;
    let typed = crate::clip::typed_path(want);
    let mut found: Vec<&Clip> = clips
        .iter()
        .filter(|c| {
            c.id == want
                || c.name.eq_ignore_ascii_case(want)
                || c.rel_path == want
                || c.path == want
                || typed.as_deref() == Some(c.path.as_str())
                || c.name.rsplit_once('.').is_some_and(|(s, _)| s.eq_ignore_ascii_case(want))
        })
        .collect();
    if found.is_empty() {
        found = clips.iter().filter(|c| clip_name_prefix(&c.name, want)).collect();
    }
    let clip = match found.as_slice() {
        [one] => (*one).clone(),
        [] => anyhow::bail!("no clip {want:?} in the library (see `rushes clips`)"),
        many => {
            let list: Vec<String> = many.iter().map(|c| format!("  {}  {}", c.id, one_line(&c.path))).collect();
            anyhow::bail!("{} clips match {want:?}; give the id:\n{}", many.len(), list.join("\n"))
        }
    };
    let mut transcript = snap.segments_of_clip(&clip.id)?;
    transcript
        .sort_by(|a, b| a.offset_in_s.total_cmp(&b.offset_in_s).then(a.source.cmp(&b.source)).then(a.n.cmp(&b.n)));
    let mut notes = snap.notes_of_clip(&clip.id)?;
    // Notes on the whole clip first, then in timecode order.
    notes.sort_by(|a, b| {
        (a.tc.is_some(), a.offset_s.unwrap_or(0.0))
            .partial_cmp(&(b.tc.is_some(), b.offset_s.unwrap_or(0.0)))
            .unwrap_or(std::cmp::Ordering::Equal)
            .then(a.line.cmp(&b.line))
    });
    Ok(ShotLog { clip, notes, transcript })
}

/// The last part of a path as the library spells it (`show` names each
/// line's transcript by it; `--json` has the whole path).
fn file_name(path: &str) -> &str {
    path.rsplit_once('/').map_or(path, |(_, name)| name)
}

/// `A003C012` names `A003C012_260314_R1AB.mov`: camera clip names are
/// said without the date and id the camera appends after an `_` (or the
/// extension after a `.`), so a prefix counts only up to such a boundary.
fn clip_name_prefix(name: &str, want: &str) -> bool {
    let (Some(head), Some(next)) = (name.get(..want.len()), name.get(want.len()..)) else { return false };
    !want.is_empty() && head.eq_ignore_ascii_case(want) && (next.starts_with('_') || next.starts_with('.'))
}

fn print_show(log: &ShotLog, json: bool) -> Result<()> {
    let mut out = std::io::stdout().lock();
    if json {
        return write_json(&mut out, log);
    }
    let c = &log.clip;
    let or_dash = |v: &Option<String>| v.clone().unwrap_or_else(|| "-".into());
    writeln!(out, "{}  ({})", one_line(&c.name), one_line(&c.path))?;
    writeln!(
        out,
        "day {}  camera {}  reel {}  {} fps{}  {} - {}  ({:.3} s, TC from {})",
        or_dash(&c.day),
        or_dash(&c.camera),
        or_dash(&c.reel),
        or_dash(&c.fps),
        if c.drop_frame == Some(true) { " DF" } else { "" },
        or_dash(&c.start_tc),
        or_dash(&c.end_tc),
        c.duration_s,
        serde_json::to_value(c.start_tc_source).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
    )?;
    for (label, v) in [("scene", &c.scene), ("take", &c.take), ("tape", &c.tape), ("note", &c.note)] {
        if let Some(v) = v {
            writeln!(out, "{label}: {v}")?;
        }
    }
    if c.circled == Some(true) {
        writeln!(out, "circled take")?;
    }
    if !log.notes.is_empty() {
        writeln!(out, "\nNOTES")?;
        for n in &log.notes {
            let tags = if n.tags.is_empty() { String::new() } else { format!("  [{}]", n.tags.join(", ")) };
            writeln!(
                out,
                "  {:<12}  {}{}",
                n.tc_in.clone().or(n.tc.clone()).unwrap_or_else(|| "whole clip".to_string()),
                n.text.replace('\n', " / "),
                tags
            )?;
        }
    }
    if !log.transcript.is_empty() {
        writeln!(out, "\nTRANSCRIPT")?;
        for s in &log.transcript {
            let span = match (&s.tc_in, &s.tc_out) {
                (Some(i), Some(o)) => format!("{i} - {o}"),
                _ => format!("{:.3}s - {:.3}s", s.offset_in_s, s.offset_out_s),
            };
            let who = s.speaker.as_ref().map(|w| format!("{w}: ")).unwrap_or_default();
            let from = one_line(file_name(&s.source));
            writeln!(out, "  {span}  {who}{}  ({from}:{})", s.text.replace('\n', " "), s.line)?;
        }
    }
    Ok(())
}

fn print_hits(hits: &[Hit], json: bool) -> Result<()> {
    let mut out = std::io::stdout().lock();
    if json {
        return write_json(&mut out, hits);
    }
    let tty = std::io::stdout().is_terminal();
    let color = tty && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty());
    let (dim, undim) = if color { ("\x1b[2m", "\x1b[0m") } else { ("", "") };
    for (i, h) in hits.iter().enumerate() {
        if i > 0 {
            writeln!(out)?;
        }
        let kind = match h.kind {
            HitKind::Soundbite => "",
            HitKind::Note => "NOTE  ",
            HitKind::Clip => "CLIP  ",
        };
        let place = [h.camera.as_deref(), h.reel.as_deref()].into_iter().flatten().collect::<Vec<_>>().join(" / ");
        let span = match (&h.tc_in, &h.tc_out) {
            (Some(a), Some(b)) => format!("{a} - {b}"),
            (Some(a), None) => a.clone(),
            _ => String::new(),
        };
        // The day: the same clip name and timecode recur on every shoot day.
        writeln!(
            out,
            "{kind}{}  {}  {}  {}  {}",
            one_line(h.clip.as_deref().unwrap_or("(no clip)")),
            if place.is_empty() { "-" } else { &place },
            h.day.as_deref().unwrap_or("-"),
            span,
            h.speaker.as_deref().unwrap_or("")
        )?;
        // Context cues, dimmed, speaker first.
        let context = |out: &mut dyn Write, cues: &[crate::search::ContextCue]| -> std::io::Result<()> {
            for c in cues {
                let speaker = c.speaker.as_ref().map(|s| format!("{s}: ")).unwrap_or_default();
                writeln!(out, "  {dim}{speaker}{}{undim}", c.text)?;
            }
            Ok(())
        };
        context(&mut out, &h.context_before)?;
        let (open, close) = if color { ("\x1b[1;33m", "\x1b[0m") } else { plain_marks(&h.text) };
        let mut marked = String::new();
        let mut pos = 0;
        for (a, b) in h.match_bytes() {
            // Offsets off the text or off a character boundary are skipped.
            let (Some(before), Some(hit)) = (h.text.get(pos..a), h.text.get(a..b)) else { continue };
            marked.push_str(before);
            marked.push_str(open);
            marked.push_str(hit);
            marked.push_str(close);
            pos = b;
        }
        marked.push_str(h.text.get(pos..).unwrap_or_default());
        writeln!(out, "  {}", marked.replace('\n', " / "))?;
        context(&mut out, &h.context_after)?;
        if let Some(p) = h.path.as_deref().or(h.source.as_deref()) {
            writeln!(out, "  {dim}{}{undim}", one_line(p))?;
        }
    }
    Ok(())
}

/// Match marks for text without colour (piped, or `NO_COLOR`) that the
/// text itself cannot hold, so a reader or a script never takes a mark for
/// a transcriber's `[inaudible]`: `[[ ]]`, else `« »`, else `⟦ ⟧`.
fn plain_marks(text: &str) -> (&'static str, &'static str) {
    if !text.contains(['[', ']']) {
        ("[[", "]]")
    } else if !text.contains(['«', '»']) {
        ("«", "»")
    } else {
        ("⟦", "⟧")
    }
}

/// The transcripts-and-notes part of an ingest or import summary.
fn print_words_human(out: &mut impl Write, r: &ImportReport) -> Result<()> {
    let any = r.transcripts_attached + r.notes_placed + r.sources_unchanged > 0
        || !r.notes_unplaced.is_empty()
        || !r.transcripts_unmatched.is_empty()
        || !r.warnings.is_empty()
        || !r.sidecars_skipped.is_empty()
        || !r.rolled_up.is_empty();
    if !any {
        return Ok(());
    }
    let logged = if r.files_logged > 0 {
        format!("; {} files logged from sound reports", r.files_logged)
    } else {
        String::new()
    };
    writeln!(
        out,
        "transcripts: {} attached ({} segments); notes: {} placed{logged}; {} files already imported",
        r.transcripts_attached, r.segments, r.notes_placed, r.sources_unchanged
    )?;
    let unmatched = r.transcripts_unmatched.iter().map(|t| (t.path.as_str(), t.reason.clone()));
    print_list(out, "transcripts kept but not attached", "", unmatched.collect())?;
    let unplaced = r.notes_unplaced.iter().map(|n| (n.source.as_str(), format!("{} {:?}: {}", n.tc, n.text, n.reason)));
    print_list(out, "notes kept but not placed", "", unplaced.collect())?;
    // A timebase is worth a line when both readings put cues inside the
    // clip: then the choice could be wrong, and --timebase changes it.
    let contested = r.timebases.iter().filter(|t| t.detected.inside_as_clip > 0 && t.detected.inside_as_record > 0);
    let timebases = contested.map(|t| {
        let (chosen, n, other, m, flag) = match t.detected.timebase {
            Timebase::Clip => {
                ("clip time", t.detected.inside_as_clip, "record timecode", t.detected.inside_as_record, "record")
            }
            Timebase::Record => {
                ("record timecode", t.detected.inside_as_record, "clip time", t.detected.inside_as_clip, "clip")
            }
        };
        let why = format!(
            "read as {chosen}: {n} of {} cues inside {} ({m} as {other}); --timebase {flag} to change",
            t.cues, t.clip
        );
        (t.path.as_str(), why)
    });
    print_list(out, "transcript timebases chosen", "", timebases.collect())?;
    let rolled = r
        .rolled_up
        .iter()
        .map(|f| (f.path.as_str(), format!("{} cues repeating the previous one's lines merged", f.cues)));
    print_list(out, "roll-up captions (each line indexed once)", " files", rolled.collect())?;
    // What was left out and what was read by a guess are different news.
    let said = |fate: Fate| {
        r.warnings.iter().filter(move |w| w.fate == fate).map(|w| (w.source.as_str(), w.reason.clone())).collect()
    };
    print_list(out, "lines not read", "", said(Fate::Skipped))?;
    print_list(out, "read with warnings", "", said(Fate::Kept))?;
    let skipped = r.sidecars_skipped.iter().map(|s| (s.path.as_str(), s.reason.clone()));
    print_list(out, "files not imported", "", skipped.collect())?;
    Ok(())
}

fn print_words(r: &ImportReport, json: bool) -> Result<()> {
    let mut out = std::io::stdout().lock();
    if json {
        return write_json(&mut out, r);
    }
    print_words_human(&mut out, r)
}

/// The library must not live inside a folder being ingested: creating it
/// there would write into the source, and the next ingest would read it.
fn refuse_library_inside(library: &std::path::Path, dirs: &[PathBuf]) -> Result<()> {
    let lib = std::path::absolute(library).with_context(|| format!("{}", library.display()))?;
    let lib = lib.canonicalize().unwrap_or(lib);
    for dir in dirs {
        if dir.canonicalize().is_ok_and(|root| lib.starts_with(root)) {
            anyhow::bail!(
                "the library {} would be inside {}, the folder being ingested; nothing is ever written \
                 there: choose another place with --library or $RUSHES_LIBRARY",
                lib.display(),
                dir.display()
            );
        }
    }
    Ok(())
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
    crate::date::parse_date(d, order).map_err(|e| anyhow::anyhow!("--day: {e}"))
}

/// `TITLE: N UNIT`, then one `  path: reason` line per row, each escaped
/// to one line; nothing when there are no rows.
fn print_list(out: &mut impl Write, title: &str, unit: &str, rows: Vec<(&str, String)>) -> std::io::Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    writeln!(out, "{title}: {}{unit}", rows.len())?;
    for (path, reason) in rows {
        writeln!(out, "  {}: {}", one_line(path), one_line(&reason))?;
    }
    Ok(())
}

/// `relinked (folder moved): N files`, then `  new path: was old path`.
fn print_relinked(out: &mut impl Write, relinked: &[Relinked]) -> std::io::Result<()> {
    let rows = relinked.iter().map(|r| (r.path.as_str(), format!("was {}", r.from)));
    print_list(out, "relinked (found at a new place)", " files", rows.collect())
}

fn print_ingest(r: &IngestReport, json: bool) -> Result<()> {
    let mut out = std::io::stdout().lock();
    if json {
        return write_json(&mut out, r);
    }
    let relinked =
        if r.clips_relinked.is_empty() { String::new() } else { format!(", {} relinked", r.clips_relinked.len()) };
    writeln!(
        out,
        "clips: {} added, {} updated, {} unchanged, {} offline{relinked}",
        r.clips_added, r.clips_updated, r.clips_unchanged, r.clips_offline
    )?;
    print_relinked(&mut out, &r.clips_relinked)?;
    if r.skipped > 0 {
        let kinds: Vec<String> = r.skipped_by_kind.iter().map(|(k, n)| format!("{n} {k}")).collect();
        writeln!(out, "skipped: {} files ({})", r.skipped, kinds.join(", "))?;
    }
    let failures = r.failures.iter().map(|f| (f.path.as_str(), f.reason.clone()));
    print_list(&mut out, "failed", " files", failures.collect())?;
    let warned = r.cataloged_with_warnings.iter().map(|f| (f.path.as_str(), f.reason.clone()));
    print_list(&mut out, "cataloged with warnings", " files", warned.collect())?;
    print_words_human(&mut out, &r.words)?;
    writeln!(out, "library: {}", r.library)?;
    Ok(())
}

/// `clips --long`: every field, the path inside the ingested folder.
fn print_clips_long(clips: &[Clip]) -> Result<()> {
    let rows: Vec<Vec<String>> = clips
        .iter()
        .map(|c| {
            vec![
                or_dash(&c.day),
                or_dash(&c.camera),
                or_dash(&c.reel),
                if c.offline { format!("{} (offline)", one_line(&c.rel_path)) } else { one_line(&c.rel_path) },
                fps_cell(c),
                or_dash(&c.start_tc),
                or_dash(&c.end_tc),
                format!("{:.3}", c.duration_s),
                serde_json::to_value(c.start_tc_source)
                    .ok()
                    .and_then(|v| v.as_str().map(String::from))
                    .unwrap_or_default(),
                match (c.segments, c.notes) {
                    (0, 0) => String::new(),
                    (s, n) => format!("{s} cues, {n} notes"),
                },
            ]
        })
        .collect();
    let header = ["DAY", "CAM", "REEL", "CLIP", "FPS", "START", "END", "SECONDS", "TC FROM", "WORDS"];
    print_table(&header, &rows, clips.len())
}

/// Width of a terminal line: `clips` fits it.
const TERMINAL_COLUMNS: usize = 80;
/// The CLIP column never shrinks below this, whatever the others take.
const MIN_NAME_COLUMNS: usize = 12;

/// `clips`: the file name (cut in the middle with `…` when long) and the
/// fields an editor looks for, each line within [`TERMINAL_COLUMNS`];
/// WORDS counts cues (`12c`) and notes (`3n`).
fn print_clips(clips: &[Clip]) -> Result<()> {
    let rows: Vec<Vec<String>> = clips
        .iter()
        .map(|c| {
            let words = [(c.segments, "c"), (c.notes, "n")].into_iter().filter(|(n, _)| *n > 0);
            vec![
                or_dash(&c.day),
                ellipsize(&or_dash(&c.camera), 6),
                one_line(&c.name),
                fps_cell(c),
                or_dash(&c.start_tc),
                clock(c.duration_s),
                words.map(|(n, unit)| format!("{n}{unit}")).collect::<Vec<_>>().join(" "),
            ]
        })
        .collect();
    let header = ["DAY", "CAM", "CLIP", "FPS", "START", "LENGTH", "WORDS"];
    // The CLIP column gets what the others leave of the line.
    let others: usize = (0..header.len())
        .filter(|&i| i != 2)
        .map(|i| rows.iter().map(|r| columns(&r[i])).chain([header[i].len()]).max().unwrap_or(0))
        .sum();
    let name_width = TERMINAL_COLUMNS.saturating_sub(others + 2 * (header.len() - 1)).max(MIN_NAME_COLUMNS);
    let offline = " (offline)";
    let rows: Vec<Vec<String>> = clips
        .iter()
        .zip(rows)
        .map(|(c, mut row)| {
            row[2] = if c.offline {
                format!("{}{offline}", ellipsize(&row[2], name_width.saturating_sub(offline.len())))
            } else {
                ellipsize(&row[2], name_width)
            };
            row
        })
        .collect();
    print_table(&header, &rows, clips.len())
}

/// A length as people read it: `0:02`, `12:34`, `1:02:03` (whole seconds,
/// rounded down; `--long` and `--json` have the exact length).
fn clock(seconds: f64) -> String {
    let s = if seconds.is_finite() && seconds > 0.0 { seconds as u64 } else { 0 };
    match s / 3600 {
        0 => format!("{}:{:02}", s / 60, s % 60),
        h => format!("{h}:{:02}:{:02}", s / 60 % 60, s % 60),
    }
}

fn or_dash(v: &Option<String>) -> String {
    v.clone().unwrap_or_else(|| "-".to_string())
}

fn fps_cell(c: &Clip) -> String {
    match &c.fps {
        Some(f) if c.drop_frame == Some(true) => format!("{f} DF"),
        Some(f) => f.clone(),
        None => "-".to_string(),
    }
}

/// Columns `s` takes on a terminal (wide CJK characters take two).
fn columns(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// `s` in at most `max` columns: the head and the tail (where a camera
/// file's clip number and extension are) around `…`.
fn ellipsize(s: &str, max: usize) -> String {
    if columns(s) <= max {
        return s.to_string();
    }
    let budget = max.saturating_sub(1);
    let width = |c: char| unicode_width::UnicodeWidthChar::width(c).unwrap_or(0);
    let mut tail = Vec::new();
    let mut used = 0;
    for c in s.chars().rev() {
        if used + width(c) > budget / 2 {
            break;
        }
        used += width(c);
        tail.push(c);
    }
    let mut head = String::new();
    for c in s.chars() {
        if used + width(c) > budget {
            break;
        }
        used += width(c);
        head.push(c);
    }
    head.push('…');
    head.extend(tail.into_iter().rev());
    head
}

/// A left-aligned table (padded by terminal columns, so wide characters
/// line up) with a header and an `N clips` line.
fn print_table(header: &[&str], rows: &[Vec<String>], n: usize) -> Result<()> {
    let mut out = std::io::stdout().lock();
    let mut widths: Vec<usize> = header.iter().map(|h| h.len()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(columns(cell));
        }
    }
    let line = |cells: &[String]| {
        let padded: Vec<String> = cells
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c}{}", " ".repeat(w.saturating_sub(columns(c)))))
            .collect();
        padded.join("  ").trim_end().to_string()
    };
    writeln!(out, "{}", line(&header.iter().map(|h| h.to_string()).collect::<Vec<_>>()))?;
    for row in rows {
        writeln!(out, "{}", line(row))?;
    }
    writeln!(out, "{n} {}", if n == 1 { "clip" } else { "clips" })?;
    Ok(())
}

/// A name or path for a one-line-per-item human listing: control
/// characters (a newline or tab in a file name) are shown escaped (`\n`,
/// `\t`) so each item stays on its line. `--json` keeps the text as it is.
fn one_line(s: &str) -> String {
    if !s.chars().any(char::is_control) {
        return s.to_string();
    }
    s.chars().map(|c| if c.is_control() { c.escape_debug().to_string() } else { c.to_string() }).collect()
}

/// The `--json` form of a result: pretty-printed, one trailing newline.
fn write_json<T: serde::Serialize + ?Sized>(out: &mut impl Write, value: &T) -> Result<()> {
    serde_json::to_writer_pretty(&mut *out, value)?;
    writeln!(out)?;
    Ok(())
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
            || c.downcast_ref::<serde_json::Error>()
                .is_some_and(|j| j.io_error_kind() == Some(std::io::ErrorKind::BrokenPipe))
    })
}

/// The shell's status for a run stopped by Ctrl-C (128 + SIGINT).
const EXIT_INTERRUPTED: u8 = 130;

/// Set by the first Ctrl-C; the ingest reads it through [`Bar`].
static INTERRUPTED: AtomicBool = AtomicBool::new(false);

/// The first Ctrl-C asks the ingest to stop after its current batch is
/// committed, so the run ends with what it kept said; a second one stops
/// at once (the library is still only ever at a commit). Without a
/// handler (one could not be set), Ctrl-C ends the run as before.
fn stop_on_ctrl_c() {
    let _ = ctrlc::set_handler(|| {
        if INTERRUPTED.swap(true, Ordering::SeqCst) {
            std::process::exit(i32::from(EXIT_INTERRUPTED));
        }
        eprintln!("\nrushes: stopping once the clips read so far are saved (Ctrl-C again to stop at once)");
    });
}

/// An indicatif bar on a terminal (files, bytes, ETA); nothing otherwise.
struct Bar {
    bar: Option<ProgressBar>,
    bytes_done: AtomicU64,
    bytes_total: AtomicU64,
}

impl Bar {
    fn new() -> Bar {
        Bar {
            bar: std::io::stderr().is_terminal().then(ProgressBar::hidden),
            bytes_done: AtomicU64::new(0),
            bytes_total: AtomicU64::new(0),
        }
    }
}

impl Progress for Bar {
    fn begin(&self, files: u64, bytes: u64) {
        self.bytes_total.store(bytes, Ordering::Relaxed);
        if let Some(bar) = &self.bar {
            if let Ok(style) =
                ProgressStyle::with_template("{spinner} [{bar:30}] {pos}/{len} files, {msg} ({eta} left)")
            {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_length(files);
            bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
        }
    }

    fn advance(&self, bytes: u64) {
        let done = self.bytes_done.fetch_add(bytes, Ordering::Relaxed) + bytes;
        if let Some(bar) = &self.bar {
            let total = self.bytes_total.load(Ordering::Relaxed);
            bar.set_message(format!("{} / {}", HumanBytes(done), HumanBytes(total)));
            bar.inc(1);
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }

    fn interrupted(&self) -> bool {
        INTERRUPTED.load(Ordering::SeqCst)
    }
}
