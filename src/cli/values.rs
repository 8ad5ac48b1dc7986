//! The fixed sets of values the command line takes, as clap enums, each
//! turned into the library's own type once, where the arguments are read.
//! Variants carry no doc comments: clap would list them in `--help`, which
//! shows only the names.

use clap::ValueEnum;
use clap::builder::PossibleValue;
use rushes::date::DateOrder;
use rushes::ingest::VerifyMode;
use rushes::merge::Timebase;
use rushes::ops::ImportKind;
use rushes::releases::Status;
use rushes::search::HitKind;
use rushes::selects::Format;

/// `--format`: the library's formats by their names ([`Format::name`]).
#[derive(Clone, Copy, Debug)]
pub struct FormatArg(pub Format);

/// [`Format::ALL`], each as a `FormatArg`.
const FORMATS: [FormatArg; Format::ALL.len()] = {
    let mut all = [FormatArg(Format::Edl); Format::ALL.len()];
    let mut i = 0;
    while i < all.len() {
        all[i] = FormatArg(Format::ALL[i]);
        i += 1;
    }
    all
};

impl ValueEnum for FormatArg {
    fn value_variants<'a>() -> &'a [Self] {
        &FORMATS
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.0.name()))
    }
}

/// `--kind`.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum KindArg {
    Soundbite,
    Note,
    Clip,
}

impl From<KindArg> for HitKind {
    fn from(k: KindArg) -> HitKind {
        match k {
            KindArg::Soundbite => HitKind::Soundbite,
            KindArg::Note => HitKind::Note,
            KindArg::Clip => HitKind::Clip,
        }
    }
}

/// `--timebase`.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum TimebaseArg {
    Clip,
    Record,
}

impl From<TimebaseArg> for Timebase {
    fn from(t: TimebaseArg) -> Timebase {
        match t {
            TimebaseArg::Clip => Timebase::Clip,
            TimebaseArg::Record => Timebase::Record,
        }
    }
}

/// `--date-order`.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum DateOrderArg {
    Dmy,
    Mdy,
}

impl From<DateOrderArg> for DateOrder {
    fn from(d: DateOrderArg) -> DateOrder {
        match d {
            DateOrderArg::Dmy => DateOrder::Dmy,
            DateOrderArg::Mdy => DateOrder::Mdy,
        }
    }
}

/// `--verify[=all]`: new and changed files (the flag alone), or all.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum VerifyArg {
    #[value(hide = true)]
    New,
    All,
}

impl From<VerifyArg> for VerifyMode {
    fn from(v: VerifyArg) -> VerifyMode {
        match v {
            VerifyArg::New => VerifyMode::New,
            VerifyArg::All => VerifyMode::All,
        }
    }
}

/// `--clearance`: the statuses by their names ([`Status::name`]).
#[derive(Clone, Copy, Debug)]
pub struct StatusArg(pub Status);

const STATUSES: [StatusArg; Status::ALL.len()] = {
    let mut all = [StatusArg(Status::Cleared); Status::ALL.len()];
    let mut i = 0;
    while i < all.len() {
        all[i] = StatusArg(Status::ALL[i]);
        i += 1;
    }
    all
};

impl ValueEnum for StatusArg {
    fn value_variants<'a>() -> &'a [Self] {
        &STATUSES
    }

    fn to_possible_value(&self) -> Option<PossibleValue> {
        Some(PossibleValue::new(self.0.name()))
    }
}

/// `import --kind`.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ImportKindArg {
    Releases,
}

impl From<ImportKindArg> for ImportKind {
    fn from(k: ImportKindArg) -> ImportKind {
        match k {
            ImportKindArg::Releases => ImportKind::Releases,
        }
    }
}

/// `clearances --format`.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum ReportFormatArg {
    Table,
    Csv,
    Json,
}

/// `transcript --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum TranscriptFormatArg {
    Txt,
    Html,
    Docx,
    Srt,
    Vtt,
}

/// `report day --format`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum DayFormatArg {
    Html,
    Csv,
    Json,
}
