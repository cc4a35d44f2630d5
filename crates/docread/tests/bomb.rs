//! Zip bombs: a `word/document.xml` of 100 MB of spaces deflated to ~100 KB. Its own test
//! binary, so the peak-memory reading (`VmHWM`) sees no other test's allocations.

use std::io::{Cursor, Write};
use std::time::{Duration, Instant};

use report_docread::{read, Kind, Limits, ReadError};
use zip::write::SimpleFileOptions;
use zip::{CompressionMethod, ZipWriter};

const SPACES: usize = 100 * 1024 * 1024;
const DOCUMENT: &str = "word/document.xml";

/// The bomb, written in 64 KiB chunks so building it allocates little: the XML opens a
/// paragraph's `w:t`, then come the spaces, then it closes.
fn bomb() -> Vec<u8> {
    let mut zip = ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(CompressionMethod::Deflated)
        .large_file(false);
    let chunk = vec![b' '; 64 * 1024];
    let ok = zip.start_file(DOCUMENT, options).is_ok()
        && zip
            .write_all(
                b"<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\">\
                  <w:body><w:p><w:r><w:t>",
            )
            .is_ok()
        && (0..SPACES / chunk.len()).all(|_| zip.write_all(&chunk).is_ok())
        && zip
            .write_all(b"</w:t></w:r></w:p></w:body></w:document>")
            .is_ok();
    assert!(ok, "writing the bomb");
    zip.finish().map(Cursor::into_inner).unwrap_or_default()
}

/// Rewrites the uncompressed size of `DOCUMENT` in its local header and its central
/// directory entry to `size`: a bomb whose headers lie.
fn lie_about_size(zip: &mut [u8], size: u32) {
    let name = DOCUMENT.as_bytes();
    let mut patched = 0;
    for (signature, size_at, name_at) in [(b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)] {
        let mut at = 0;
        while let Some(found) = zip
            .get(at..)
            .and_then(|rest| rest.windows(4).position(|w| w == signature))
        {
            let start = at + found;
            at = start + 4;
            let named = zip
                .get(start + name_at..start + name_at + name.len())
                .is_some_and(|n| n == name);
            if let (true, Some(field)) = (named, zip.get_mut(start + size_at..start + size_at + 4))
            {
                field.copy_from_slice(&size.to_le_bytes());
                patched += 1;
            }
        }
    }
    assert_eq!(patched, 2, "local header and central directory entry");
}

/// Peak resident memory of this process so far, in KiB (Linux).
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

#[test]
fn zip_bombs_are_too_large_fast_and_in_bounded_memory() {
    let honest = bomb();
    assert!(honest.len() < 1024 * 1024, "bomb is {} bytes", honest.len());
    let mut lying = honest.clone();
    lie_about_size(&mut lying, 4096);
    let before = peak_rss_kib();

    let started = Instant::now();
    let result = read(Kind::Docx, &honest, &Limits::default());
    assert!(matches!(result, Err(ReadError::TooLarge(_))), "{result:?}");
    assert!(
        started.elapsed() < Duration::from_millis(200),
        "{:?}",
        started.elapsed()
    );

    // Declared 4 KiB: the declared-size check passes it, and the read must stop at the
    // budget (or the zip reader at the declared size): an error, not 100 MB of text.
    let started = Instant::now();
    let result = read(Kind::Docx, &lying, &Limits::default());
    assert!(
        matches!(result, Err(ReadError::TooLarge(_) | ReadError::Corrupt(_))),
        "{result:?}"
    );
    println!("lying bomb: {result:?} in {:?}", started.elapsed());

    // A tighter budget, as the worker may set: the inflated bytes stop there.
    let tight = Limits {
        max_uncompressed: 1024 * 1024,
        ..Limits::default()
    };
    let mut lying_big = honest.clone();
    lie_about_size(&mut lying_big, 1000 * 1024);
    let result = read(Kind::Docx, &lying_big, &tight);
    assert!(
        matches!(result, Err(ReadError::TooLarge(_) | ReadError::Corrupt(_))),
        "{result:?}"
    );
    println!("lying bomb, 1 MiB budget: {result:?}");

    if let (Some(before), Some(after)) = (before, peak_rss_kib()) {
        let grown = after.saturating_sub(before) / 1024;
        println!("peak RSS grew {grown} MiB");
        assert!(grown < 96, "peak RSS grew {grown} MiB");
    }
}
