//! The fixed sets of values the command line takes, as clap enums, each
//! turned into the library's own type once, where the arguments are read.
//! Variants carry no doc comments: clap would list them in `--help`, which
//! shows only the names.

use clap::ValueEnum;
use rushes::date::DateOrder;
use rushes::merge::Timebase;
use rushes::search::HitKind;
use rushes::selects::Format;

/// `--format`.
#[derive(Clone, Copy, Debug, ValueEnum)]
pub enum FormatArg {
    Edl,
    Fcpxml,
    Xmeml,
    Ale,
    Otio,
    Csv,
}

impl From<FormatArg> for Format {
    fn from(f: FormatArg) -> Format {
        match f {
            FormatArg::Edl => Format::Edl,
            FormatArg::Fcpxml => Format::Fcpxml,
            FormatArg::Xmeml => Format::Xmeml,
            FormatArg::Ale => Format::Ale,
            FormatArg::Otio => Format::Otio,
            FormatArg::Csv => Format::Csv,
        }
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
