//! The documents producers pass around: a paper edit as a script ("Word
//! with ref", as the BBC's Digital Paper Edit calls it) and a transcript
//! with its timecodes, as plain text, HTML or Word (DOCX).
//!
//! One plain value, [`Script`], is written three ways; the writers never
//! see the library. Contract of each:
//!
//! - Every entry keeps its reference: a [`Block::Bite`] gives the speaker,
//!   then `TC_IN – TC_OUT  CLIP` (source timecode in the clip's own
//!   labelling, out exclusive), then the words. Headings are headings; VO
//!   and notes ([`Block::Aside`]) are set apart (a label, indented, italic).
//! - `txt`: UTF-8, LF line ends; a heading underlined with `=` (the title)
//!   or `-`; a bite's reference line, then its words indented four spaces;
//!   an aside as `[VO] words` or `[NOTE] words`; blocks separated by a
//!   blank line.
//! - `html`: one self-contained UTF-8 page, every text escaped (`&`, `<`,
//!   `>`, `"`, `'`, as XML escapes them), `<h1>` title, `<h2>` headings, each bite a
//!   `<div class="bite">` with `<p class="ref">` and `<p class="words">`,
//!   asides `<p class="aside vo|note">`; print CSS for A4 and Letter
//!   (`@page { margin: 18mm }`, no block split across pages).
//! - `docx`: Word 2007+ written with `docx-rs`; paragraph styles `Title`,
//!   `Heading 1` (so Word's navigation pane lists the sections), `Ref`
//!   (bold speaker, then the reference), `Words`, `Aside`; A4 page.

use std::io::Cursor;

use docx_rs::{Docx, PageMargin, Paragraph, Run, RunFonts, Style, StyleType};

use super::{Select, Sequence, xml_escape};

/// A document: a title, lines under it, and blocks in order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Script {
    pub title: String,
    /// Lines under the title: the running time, the source, an assumed rate.
    pub subtitle: Vec<String>,
    pub blocks: Vec<Block>,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    /// A section; `detail` follows it in smaller type (a running time, a
    /// clip's camera, reel, start and duration).
    Heading { text: String, detail: Option<String> },
    /// Words with their source reference.
    Bite(ScriptBite),
    /// Set apart: `label` is `VO`, `NOTE`…
    Aside { label: String, text: String, detail: Option<String> },
}

#[derive(Clone, Debug, PartialEq)]
pub struct ScriptBite {
    pub speaker: Option<String>,
    /// `14:31:00;03 – 14:31:00;27  C0001.MP4`: where the words are.
    pub reference: String,
    pub text: String,
    /// After the reference: a length, a clearance, an assumed rate.
    pub detail: Option<String>,
}

/// Selects as a script: the sequence's title, then each select's speaker,
/// reference and words, its comment as a note.
pub fn of_selects(seq: &Sequence, selects: &[Select]) -> Script {
    let mut blocks = Vec::new();
    for s in selects {
        blocks.push(Block::Bite(bite_of(s)));
        if let Some(c) = s.comment.as_deref().filter(|c| !c.trim().is_empty()) {
            blocks.push(Block::Aside { label: "NOTE".into(), text: c.to_string(), detail: None });
        }
    }
    let n = selects.len();
    Script { title: seq.title.clone(), subtitle: vec![format!("{n} select{}", if n == 1 { "" } else { "s" })], blocks }
}

/// A select as a script bite: `TC_IN – TC_OUT  CLIP` in the clip's own
/// timecode, its speaker and words.
pub fn bite_of(s: &Select) -> ScriptBite {
    let rate = s.clip.rate();
    let seconds = rate.seconds(s.duration());
    ScriptBite {
        speaker: s.speaker.clone(),
        reference: format!("{} – {}  {}", s.tc_in(), s.tc_out(), s.clip.name),
        text: s.text.clone(),
        detail: Some(format!("{seconds:.1} s")),
    }
}

/// The script as plain text.
pub fn write_txt(script: &Script) -> String {
    let mut out = String::new();
    let underline = |out: &mut String, text: &str, c: char| {
        out.push_str(text);
        out.push('\n');
        out.push_str(&c.to_string().repeat(text.chars().count().max(1)));
        out.push('\n');
    };
    underline(&mut out, &one_line(&script.title), '=');
    for line in &script.subtitle {
        out.push_str(&one_line(line));
        out.push('\n');
    }
    for block in &script.blocks {
        out.push('\n');
        match block {
            Block::Heading { text, detail } => {
                underline(&mut out, &one_line(text), '-');
                if let Some(d) = detail {
                    out.push_str(&one_line(d));
                    out.push('\n');
                }
            }
            Block::Bite(b) => {
                out.push_str(&reference_line(b));
                out.push('\n');
                for line in b.text.lines().filter(|l| !l.trim().is_empty()) {
                    out.push_str("    ");
                    out.push_str(line.trim());
                    out.push('\n');
                }
            }
            Block::Aside { label, text, detail } => {
                out.push_str(&format!("[{}] {}", one_line(label), one_line(text)));
                if let Some(d) = detail {
                    out.push_str(&format!("  ({})", one_line(d)));
                }
                out.push('\n');
            }
        }
    }
    out
}

/// `SPEAKER  14:31:00;03 – 14:31:00;27  C0001.MP4  (0:01)`.
fn reference_line(b: &ScriptBite) -> String {
    let mut line = String::new();
    if let Some(who) = b.speaker.as_deref().map(one_line).filter(|w| !w.is_empty()) {
        line.push_str(&who);
        line.push_str("  ");
    }
    line.push_str(&one_line(&b.reference));
    if let Some(d) = &b.detail {
        line.push_str(&format!("  ({})", one_line(d)));
    }
    line
}

/// Text for one line: control characters and line breaks as spaces.
fn one_line(text: &str) -> String {
    text.split(|c: char| c.is_control()).map(str::trim).filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" ")
}

/// Escapes text for HTML content and attribute values: the XML escaping
/// ([`xml_escape`]), whose `&apos;` and character references HTML5 reads.
pub fn html_escape(text: &str) -> String {
    xml_escape(text)
}

/// The print CSS every HTML document of rushes shares: it prints on A4
/// and on Letter (the margins fit both) without splitting a block.
pub const PRINT_CSS: &str = "body{font-family:Georgia,'Times New Roman',serif;max-width:46em;margin:2em auto;padding:0 1em;line-height:1.4;color:#111}\
h1{font-size:1.6em;margin-bottom:.2em}h2{font-size:1.25em;margin-top:1.6em;border-bottom:1px solid #999}\
.sub{color:#444;margin:0}.detail{color:#555;font-size:.9em}\
.bite{margin:.8em 0}.ref{margin:0;font-family:Menlo,Consolas,monospace;font-size:.9em}.ref b{font-family:Georgia,serif}\
.words{margin:.2em 0 0 2em}.aside{margin:.8em 0 .8em 2em;font-style:italic;border-left:3px solid #888;padding-left:.6em}\
table{border-collapse:collapse;width:100%;font-size:.9em}th,td{border:1px solid #bbb;padding:.2em .4em;text-align:left;vertical-align:top}\
@page{margin:18mm}\
@media print{body{max-width:none;margin:0;padding:0;font-size:10.5pt}.bite,.aside,tr{break-inside:avoid}h2{break-after:avoid}}";

/// The script as one HTML page.
pub fn write_html(script: &Script) -> String {
    let mut body = String::new();
    for line in &script.subtitle {
        body.push_str(&format!("<p class=\"sub\">{}</p>\n", html_escape(line)));
    }
    for block in &script.blocks {
        match block {
            Block::Heading { text, detail } => {
                body.push_str(&format!("<h2>{}</h2>\n", html_escape(text)));
                if let Some(d) = detail {
                    body.push_str(&format!("<p class=\"detail\">{}</p>\n", html_escape(d)));
                }
            }
            Block::Bite(b) => {
                body.push_str("<div class=\"bite\"><p class=\"ref\">");
                if let Some(who) = b.speaker.as_deref().filter(|w| !w.trim().is_empty()) {
                    body.push_str(&format!("<b>{}</b>  ", html_escape(who)));
                }
                body.push_str(&html_escape(&b.reference));
                if let Some(d) = &b.detail {
                    body.push_str(&format!(" <span class=\"detail\">({})</span>", html_escape(d)));
                }
                body.push_str(&format!("</p><p class=\"words\">{}</p></div>\n", html_escape(b.text.trim())));
            }
            Block::Aside { label, text, detail } => {
                let class = label.to_ascii_lowercase().chars().filter(char::is_ascii_alphanumeric).collect::<String>();
                body.push_str(&format!(
                    "<p class=\"aside {class}\"><b>{}:</b> {}",
                    html_escape(label),
                    html_escape(text)
                ));
                if let Some(d) = detail {
                    body.push_str(&format!(" <span class=\"detail\">({})</span>", html_escape(d)));
                }
                body.push_str("</p>\n");
            }
        }
    }
    page(&script.title, &body)
}

/// A whole HTML page around `body`, titled `title` (escaped here).
pub fn page(title: &str, body: &str) -> String {
    let title = html_escape(title);
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>{title}</title>\n\
         <style>{PRINT_CSS}</style>\n</head>\n<body>\n<h1>{title}</h1>\n{body}</body>\n</html>\n"
    )
}

/// Half-points, as DOCX counts font sizes.
const BODY_SIZE: usize = 22;

/// The script as a Word document (DOCX bytes).
pub fn write_docx(script: &Script) -> Vec<u8> {
    let mono = RunFonts::new().ascii("Courier New").hi_ansi("Courier New").cs("Courier New");
    let mut doc = Docx::new()
        // A4, 2 cm margins (twips); it prints on Letter too.
        .page_size(11906, 16838)
        .page_margin(PageMargin::new().top(1134).bottom(1134).left(1134).right(1134))
        .default_size(BODY_SIZE)
        .add_style(Style::new("Title", StyleType::Paragraph).name("Title").size(40).bold())
        .add_style(Style::new("Heading1", StyleType::Paragraph).name("Heading 1").size(30).bold().outline_lvl(0))
        .add_style(Style::new("Ref", StyleType::Paragraph).name("Ref").size(20).fonts(mono.clone()))
        .add_style(Style::new("Words", StyleType::Paragraph).name("Words").indent(Some(567), None, None, None))
        .add_style(Style::new("Aside", StyleType::Paragraph).name("Aside").italic().indent(Some(567), None, None, None))
        .add_style(Style::new("Detail", StyleType::Paragraph).name("Detail").size(18).color("555555"));
    let para = |style: &str, runs: Vec<Run>| runs.into_iter().fold(Paragraph::new().style(style), Paragraph::add_run);
    let text = |t: &str| Run::new().add_text(one_line(t));
    doc = doc.add_paragraph(para("Title", vec![text(&script.title)]));
    for line in &script.subtitle {
        doc = doc.add_paragraph(para("Detail", vec![text(line)]));
    }
    for block in &script.blocks {
        match block {
            Block::Heading { text: t, detail } => {
                doc = doc.add_paragraph(para("Heading1", vec![text(t)]).keep_next(true));
                if let Some(d) = detail {
                    doc = doc.add_paragraph(para("Detail", vec![text(d)]));
                }
            }
            Block::Bite(b) => {
                let mut runs = Vec::new();
                if let Some(who) = b.speaker.as_deref().filter(|w| !w.trim().is_empty()) {
                    runs.push(Run::new().add_text(one_line(who)).bold());
                    runs.push(Run::new().add_text("  "));
                }
                runs.push(text(&b.reference));
                if let Some(d) = &b.detail {
                    runs.push(Run::new().add_text(format!("  ({})", one_line(d))));
                }
                let has_words = !b.text.trim().is_empty();
                doc = doc.add_paragraph(para("Ref", runs).keep_next(has_words));
                if has_words {
                    doc = doc.add_paragraph(para("Words", vec![text(&b.text)]));
                }
            }
            Block::Aside { label, text: t, detail } => {
                let mut runs = vec![Run::new().add_text(format!("{}: ", one_line(label))).bold(), text(t)];
                if let Some(d) = detail {
                    runs.push(Run::new().add_text(format!("  ({})", one_line(d))));
                }
                doc = doc.add_paragraph(para("Aside", runs));
            }
        }
    }
    let mut bytes = Cursor::new(Vec::new());
    // Packing into memory fails only on an I/O error of the buffer, which
    // a Vec does not have.
    match doc.build().pack(&mut bytes) {
        Ok(()) => bytes.into_inner(),
        Err(_) => Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn example() -> Script {
        Script {
            title: "The flood".into(),
            subtitle: vec!["running time 0:11".into()],
            blocks: vec![
                Block::Heading { text: "Cold open".into(), detail: Some("0:07".into()) },
                Block::Bite(ScriptBite {
                    speaker: Some("MARIA".into()),
                    reference: "14:31:00;03 – 14:31:00;27  C0001.MP4".into(),
                    text: "That night <the> river & \"more\"".into(),
                    detail: None,
                }),
                Block::Aside {
                    label: "VO".into(),
                    text: "In March the river rose.".into(),
                    detail: Some("2 s".into()),
                },
                Block::Aside { label: "NOTE".into(), text: "hold on the door".into(), detail: None },
            ],
        }
    }

    #[test]
    fn text_keeps_every_reference() {
        let txt = write_txt(&example());
        assert_eq!(
            txt,
            "The flood\n=========\nrunning time 0:11\n\nCold open\n---------\n0:07\n\n\
             MARIA  14:31:00;03 – 14:31:00;27  C0001.MP4\n    That night <the> river & \"more\"\n\n\
             [VO] In March the river rose.  (2 s)\n\n[NOTE] hold on the door\n"
        );
    }

    #[test]
    fn html_escapes_every_text() {
        let html = write_html(&example());
        assert!(html.contains("<p class=\"words\">That night &lt;the&gt; river &amp; &quot;more&quot;</p>"));
        assert!(html.contains("<h2>Cold open</h2>"));
        assert!(html.contains("<p class=\"aside vo\"><b>VO:</b> In March the river rose."));
        assert!(html.contains("@page"));
        assert!(!html.contains("<the>"));
    }

    #[test]
    fn docx_is_a_zip_with_the_words() {
        let bytes = write_docx(&example());
        assert!(bytes.starts_with(b"PK"), "a zip");
        assert!(bytes.len() > 1000);
    }
}
