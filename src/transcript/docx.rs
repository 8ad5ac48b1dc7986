//! Word (`.docx`) transcripts, as Rev, Trint, Descript, Happy Scribe and
//! transcription houses send them: the same shapes as the timecoded text
//! (`stamped.rs`), read from the document's paragraphs in order, table
//! cells included (a row of stamp, speaker and words is three paragraphs,
//! which is how the text reader expects them). A docx is a zip holding
//! `word/document.xml`; `w:t` runs are text, `w:tab` a tab, `w:br`/`w:cr`
//! a line break, `w:p` a paragraph. Deleted text (`w:delText`, tracked
//! changes) is not read; inserted text is.

use std::io::Read;

use quick_xml::events::Event;

/// A document.xml larger than this is not a transcript (a 3-hour transcript
/// is a few MB of XML).
const MAX_DOCUMENT: u64 = 64 << 20;

/// The paragraphs of a docx, as text; an error says why the file is not
/// a readable Word document.
pub fn paragraphs(bytes: &[u8]) -> Result<Vec<String>, String> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes))
        .map_err(|e| format!("not a Word document (not a zip: {e})"))?;
    let entry = archive
        .by_name("word/document.xml")
        .map_err(|_| "a zip without word/document.xml: not a Word document".to_string())?;
    if entry.size() > MAX_DOCUMENT {
        return Err(format!("word/document.xml is larger than {MAX_DOCUMENT} bytes"));
    }
    let mut xml = String::new();
    entry
        .take(MAX_DOCUMENT + 1)
        .read_to_string(&mut xml)
        .map_err(|e| format!("word/document.xml does not read: {e}"))?;
    read_document(&xml)
}

/// The paragraphs of `word/document.xml`.
fn read_document(xml: &str) -> Result<Vec<String>, String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut out = Vec::new();
    let mut current = String::new();
    let mut in_text = false;
    loop {
        let event =
            reader.read_event().map_err(|e| format!("word/document.xml at byte {}: {e}", reader.buffer_position()))?;
        match event {
            Event::Start(e) => match e.local_name().as_ref() {
                "t" => in_text = true,
                "tab" => current.push('\t'),
                "br" | "cr" => {
                    out.push(std::mem::take(&mut current));
                }
                _ => {}
            },
            Event::Empty(e) => match e.local_name().as_ref() {
                "tab" => current.push('\t'),
                "br" | "cr" => out.push(std::mem::take(&mut current)),
                "p" => out.push(String::new()),
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                "t" => in_text = false,
                "p" => {
                    out.push(std::mem::take(&mut current));
                    // A paragraph is followed by a blank line, as in text.
                    out.push(String::new());
                }
                _ => {}
            },
            Event::Text(t) if in_text => current.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if in_text => {
                let c = super::xml_char(&r);
                current.extend(c);
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paragraphs_runs_and_tables() {
        let xml = r#"<w:document xmlns:w="x"><w:body>
<w:p><w:r><w:t>Speaker 1</w:t></w:r><w:r><w:tab/><w:t xml:space="preserve">00:00:03 </w:t></w:r></w:p>
<w:p><w:r><w:t>We drove &amp; </w:t></w:r><w:r><w:t>came back.</w:t></w:r><w:del><w:r><w:delText>gone</w:delText></w:r></w:del></w:p>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>[00:00:09]</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Tom</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
</w:body></w:document>"#;
        let got = read_document(xml).expect("read");
        let non_blank: Vec<&str> = got.iter().map(String::as_str).filter(|p| !p.is_empty()).collect();
        assert_eq!(non_blank, ["Speaker 1\t00:00:03 ", "We drove & came back.", "[00:00:09]", "Tom"]);
        assert!(paragraphs(b"PK\x03\x04 not really").is_err());
        assert!(paragraphs(b"plain text").is_err());
    }
}
