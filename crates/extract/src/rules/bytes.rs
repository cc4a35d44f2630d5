//! Bytes and charset: what is never HTML, and the windows the charset rules read.

/// Magic numbers of formats that are never HTML, whatever the server claims.
pub const BINARY_MAGIC: &[(&[u8], &str)] = &[
    (b"%PDF-", "pdf"),
    (b"PK\x03\x04", "zip"),
    (b"\x89PNG", "png"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"\xFF\xD8\xFF", "jpeg"),
    (b"RIFF", "riff"),
    (b"\x1F\x8B", "gzip"),
    (b"BZh", "bzip2"),
    (b"\xFD7zXZ", "xz"),
    (b"7z\xBC\xAF", "7z"),
    (b"Rar!", "rar"),
    (b"\x7FELF", "elf"),
    (b"\xD0\xCF\x11\xE0", "ole"),
    (b"OggS", "ogg"),
    (b"ID3", "mp3"),
    (b"\x00\x00\x01\x00", "ico"),
    (b"wOFF", "woff"),
    (b"wOF2", "woff2"),
];

/// Bytes inspected for control characters (binary data) before parsing.
pub const SNIFF_WINDOW: usize = 8192;
/// Above this share of C0 control bytes (other than tab/LF/CR/FF/ESC) the body is binary.
/// Text in any ASCII-compatible encoding has none; binary formats have 10–40 %.
pub const MAX_CONTROL_RATIO: f64 = 0.02;
/// Bytes fed to the charset detector when nothing is declared (enough for a verdict,
/// bounded cost on huge pages).
pub const GUESS_WINDOW: usize = 256 * 1024;
/// How far `<meta charset>` is searched for when `</head>`/`<body>` does not come first.
pub const META_SCAN_LIMIT: usize = 512 * 1024;
/// The WHATWG prescan window: a declaration after it is reported as `late-meta`.
pub const PRESCAN_BYTES: usize = 1024;
