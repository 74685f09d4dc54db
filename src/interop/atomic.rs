//! Writing a file whole or not at all: through a temporary file beside it,
//! renamed over it once complete, so an interrupted or failed write never
//! leaves half a file, nor replaces a good one. For any format, exported or
//! imported.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};

/// A write that failed, naming the file. What went wrong is its source, not
/// part of its message, so a storage error under it can still be told apart
/// (a full disk is explained as such).
#[derive(Debug, thiserror::Error)]
#[error("writing {}", path.display())]
pub struct WriteError<E: std::error::Error + 'static> {
    pub path: PathBuf,
    #[source]
    pub source: E,
}

/// How much is written to the file at a time: an export of a million
/// cards made 9,000 write calls with `BufWriter`'s 8 KiB.
pub(crate) const BUFFER: usize = 1 << 20;

/// Writes `path` through `write`, given a buffered temporary file in the
/// same folder (a rename across file systems would be a copy, not atomic).
pub fn write<E>(
    path: &Path,
    write: impl FnOnce(&mut BufWriter<File>) -> Result<(), E>,
) -> Result<(), WriteError<E>>
where
    E: std::error::Error + From<std::io::Error> + 'static,
{
    let failed = |source: E| WriteError {
        path: path.to_path_buf(),
        source,
    };
    let tmp = temporary_beside(path);
    let file = File::create(&tmp).map_err(|e| failed(e.into()))?;
    let mut buf = BufWriter::with_capacity(BUFFER, file);
    let done = write(&mut buf).and_then(|()| Ok(buf.flush()?));
    if let Err(e) = done {
        let _ = std::fs::remove_file(&tmp);
        return Err(failed(e));
    }
    std::fs::rename(&tmp, path).map_err(|e| failed(e.into()))
}

/// The temporary name for `path`: hidden, and the same on every attempt,
/// so a write killed before its rename leaves one stray file, not many.
fn temporary_beside(path: &Path) -> PathBuf {
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or_else(|| Path::new("."));
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    dir.join(format!(".{name}.py201-tmp"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_write_keeps_the_old_file_and_leaves_nothing_beside_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("out.tsv");
        std::fs::write(&path, "good").unwrap();
        let failed = write(&path, |w| {
            w.write_all(b"half")?;
            Err(std::io::Error::other("stopped"))
        });
        assert_eq!(
            failed.unwrap_err().to_string(),
            format!("writing {}", path.display())
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "good");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        write(&path, |w| w.write_all(b"new")).unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
    }
}
