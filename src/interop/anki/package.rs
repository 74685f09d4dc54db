//! The package file: a zip holding the collection (an SQLite file,
//! zstd-compressed in the current format), `meta` (which format), `media`
//! (the media list) and the media files. The collection is streamed out to
//! a scratch file, never held in memory; the media files are counted by
//! name and never read.

use crate::error::{Error, Problems, Result, Why};
use rusqlite::{Connection, OpenFlags};
use std::fs::File;
use std::io::Read;
use std::path::Path;

/// Anki's `PackageMetadata` (the `meta` entry), as far as py201 reads it.
#[derive(Clone, PartialEq, prost::Message)]
struct PackageMetadata {
    /// 1: `collection.anki2`; 2: `collection.anki21`; 3: `collection.anki21b`.
    #[prost(int32, tag = "1")]
    version: i32,
}

/// The newest package format this py201 reads (Anki 2.1.50 and later).
const LATEST_PACKAGE: i32 = 3;
/// The newest collection schema this py201 reads (Anki 2.1.28 and later).
pub const LATEST_SCHEMA: i64 = 18;

/// How the package's collection is opened: read only, and without
/// SQLite's lock around every call (a connection is used by one thread at
/// a time, which Rust's types ensure); with it, locking and unlocking
/// was a fifth of reading a million answers' columns.
pub const READ_ONLY: OpenFlags =
    OpenFlags::SQLITE_OPEN_READ_ONLY.union(OpenFlags::SQLITE_OPEN_NO_MUTEX);

/// A package opened for reading: its collection in a scratch file.
pub struct Package {
    pub conn: Connection,
    /// Media files in the package, skipped.
    pub media: usize,
    /// Which collection file it held.
    pub collection: &'static str,
    /// Whether the collection scheduled with FSRS in Anki.
    pub fsrs: bool,
    /// The collection's scratch file, for a second reader.
    pub db: std::path::PathBuf,
    _scratch: tempfile::TempDir,
}

impl Package {
    /// How many notes the package holds, for a progress bar.
    pub fn notes(&self) -> usize {
        self.conn
            .query_row("SELECT count(*) FROM notes", [], |r| r.get::<_, i64>(0))
            .map_or(0, |n| usize::try_from(n).unwrap_or(0))
    }
}

impl std::fmt::Debug for Package {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Package")
            .field("collection", &self.collection)
            .field("media", &self.media)
            .finish_non_exhaustive()
    }
}

fn unreadable(file: &str, why: impl Into<String>) -> Error {
    Error::Import(Problems::one(file, None, Why::Unreadable(why.into())))
}

/// Whether `path` starts as a zip archive does.
pub fn is_zip(path: &Path) -> bool {
    let mut magic = [0u8; 4];
    File::open(path)
        .and_then(|mut f| f.read_exact(&mut magic))
        .is_ok_and(|()| &magic == b"PK\x03\x04")
}

/// Opens the package at `path` (`file` names it in problems).
pub fn open(path: &Path, file: &str) -> Result<Package> {
    let f = File::open(path).map_err(|e| unreadable(file, format!("cannot read: {e}")))?;
    let mut zip = zip::ZipArchive::new(f)
        .map_err(|e| unreadable(file, format!("is not a readable zip archive: {e}")))?;
    let version = meta_version(&mut zip, file)?;
    let names: Vec<String> = zip.file_names().map(str::to_string).collect();
    let has = |n: &str| names.iter().any(|x| x == n);
    let collection = match version {
        Some(v) if v > LATEST_PACKAGE => {
            return Err(unreadable(
                file,
                format!(
                    "was made by a newer Anki (package version {v}; py201 reads up to {LATEST_PACKAGE}): export it again with \"Support older Anki versions\" ticked"
                ),
            ));
        }
        Some(LATEST_PACKAGE) if has("collection.anki21b") => "collection.anki21b",
        _ if has("collection.anki21") => "collection.anki21",
        _ if has("collection.anki2") => "collection.anki2",
        _ => {
            return Err(unreadable(
                file,
                "is a zip archive but not an Anki package (no collection.anki2, .anki21 or .anki21b in it)",
            ));
        }
    };
    let media = names
        .iter()
        .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        .count();
    let scratch = tempfile::tempdir().map_err(Error::Io)?;
    let db = scratch.path().join("collection.db");
    extract(&mut zip, collection, &db, file)?;
    let conn = Connection::open_with_flags(&db, READ_ONLY)?;
    // Anki's schema 18 indexes names with its own collation; without it
    // SQLite refuses every query on those tables.
    conn.create_collation("unicase", |a, b| {
        a.chars()
            .flat_map(char::to_lowercase)
            .cmp(b.chars().flat_map(char::to_lowercase))
    })?;
    check_schema(&conn, file, collection)?;
    let fsrs = uses_fsrs(&conn);
    Ok(Package {
        conn,
        media,
        collection,
        fsrs,
        db,
        _scratch: scratch,
    })
}

/// Whether Anki's `fsrs` setting is on: in the `config` table (schema
/// 18) or the `col` row's JSON (schema 11). A package without it is SM-2.
fn uses_fsrs(conn: &Connection) -> bool {
    let table = conn
        .query_row(
            "SELECT CAST(val AS TEXT) FROM config WHERE key = 'fsrs'",
            [],
            |r| r.get::<_, String>(0),
        )
        .is_ok_and(|v| v.trim() == "true");
    let json = || {
        conn.query_row("SELECT conf FROM col", [], |r| r.get::<_, String>(0))
            .ok()
            .and_then(|c| serde_json::from_str::<serde_json::Value>(&c).ok())
            .is_some_and(|c| c["fsrs"] == serde_json::Value::Bool(true))
    };
    table || json()
}

/// The package format `meta` names, if the package has one (packages
/// before Anki 2.1.50 have none).
fn meta_version(zip: &mut zip::ZipArchive<File>, file: &str) -> Result<Option<i32>> {
    let Ok(entry) = zip.by_name("meta") else {
        return Ok(None);
    };
    let mut bytes = Vec::new();
    // A few bytes in every Anki version; more is not a meta entry.
    entry
        .take(4096)
        .read_to_end(&mut bytes)
        .map_err(|e| unreadable(file, format!("meta: cannot read: {e}")))?;
    let meta: PackageMetadata = prost::Message::decode(bytes.as_slice())
        .map_err(|e| unreadable(file, format!("meta: not Anki's package metadata: {e}")))?;
    Ok(Some(meta.version))
}

/// Streams the collection entry into `to`, through zstd for `.anki21b`.
fn extract(zip: &mut zip::ZipArchive<File>, name: &str, to: &Path, file: &str) -> Result<()> {
    let entry = zip
        .by_name(name)
        .map_err(|e| unreadable(file, format!("{name}: cannot read: {e}")))?;
    let out = File::create(to).map_err(Error::Io)?;
    let copied = if name.ends_with(".anki21b") {
        // libzstd finds a stream that is not zstd only at the first read,
        // and says so as it says any damage: the magic is looked at first.
        let mut entry = entry;
        let mut magic = [0u8; 4];
        if entry.read_exact(&mut magic).is_err() || !is_zstd(magic) {
            return Err(unreadable(file, format!("{name}: not a zstd stream")));
        }
        let z = zstd::stream::read::Decoder::new(std::io::Cursor::new(magic).chain(entry))
            .map_err(|e| unreadable(file, format!("{name}: cannot inflate: {e}")))?;
        copy(z, out)
    } else {
        copy(entry, out)
    };
    copied.map_err(|e| unreadable(file, format!("{name}: damaged: {e}")))?;
    Ok(())
}

/// Whether a stream starting with `magic` is zstd: a frame (0xFD2FB528,
/// little-endian) or a skippable frame (0x184D2A50 to 0x184D2A5F).
fn is_zstd(magic: [u8; 4]) -> bool {
    let m = u32::from_le_bytes(magic);
    m == 0xFD2F_B528 || m & 0xFFFF_FFF0 == 0x184D_2A50
}

/// How much of the collection is inflated at a time.
const CHUNK: usize = 1 << 20;

/// Copies `from` into `to`, writing each chunk on a second thread while
/// the next is inflated: writing the hundred megabytes of a large
/// collection took a third as long as inflating them.
fn copy(mut from: impl Read, mut to: File) -> std::io::Result<()> {
    use std::io::Write;
    use std::sync::mpsc::sync_channel;
    std::thread::scope(|s| {
        let (full, written) = sync_channel::<Vec<u8>>(1);
        let (empty, chunks) = sync_channel::<Vec<u8>>(2);
        let writer = s.spawn(move || -> std::io::Result<()> {
            for chunk in written {
                to.write_all(&chunk)?;
                // The reader may have stopped (it failed): then this ends.
                let _ = empty.send(chunk);
            }
            Ok(())
        });
        let read = (|| -> std::io::Result<()> {
            let mut spare = vec![vec![0; CHUNK], vec![0; CHUNK]];
            loop {
                let mut buf = match spare.pop() {
                    Some(b) => b,
                    None => chunks.recv().map_err(|_| std::io::ErrorKind::BrokenPipe)?,
                };
                buf.resize(CHUNK, 0);
                let mut n = 0;
                while n < CHUNK {
                    match from.read(&mut buf[n..]) {
                        Ok(0) => break,
                        Ok(k) => n += k,
                        Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                        Err(e) => return Err(e),
                    }
                }
                if n == 0 {
                    return Ok(());
                }
                buf.truncate(n);
                if full.send(buf).is_err() {
                    // The writer failed: its error is the one to give.
                    return Ok(());
                }
            }
        })();
        drop(full);
        let wrote = writer
            .join()
            .unwrap_or_else(|_| Err(std::io::ErrorKind::Other.into()));
        read.and(wrote)
    })
}

/// Refuses a collection this py201 cannot read: not SQLite, not Anki's, or
/// a schema from a newer Anki.
fn check_schema(conn: &Connection, file: &str, name: &str) -> Result<()> {
    let ver: i64 = conn
        .query_row("SELECT ver FROM col", [], |r| r.get(0))
        .map_err(|e| unreadable(file, format!("{name}: not an Anki collection: {e}")))?;
    if ver > LATEST_SCHEMA {
        return Err(unreadable(
            file,
            format!(
                "{name} was made by a newer Anki (collection schema {ver}; py201 reads up to {LATEST_SCHEMA})"
            ),
        ));
    }
    Ok(())
}
