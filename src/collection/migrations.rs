//! The upgrades from one schema version to the next, in order.
//!
//! `schema.sql` is the current schema, which a new collection runs as it
//! is. A collection made by an older py201 has the version it was made at
//! in `PRAGMA user_version`; opening it runs every migration above that
//! version, oldest first, each in its own transaction together with its
//! version bump (src/collection/open.rs). A migration that has shipped is
//! history and never changes: tests/migrations.rs upgrades a collection
//! made by every released py201 and checks that each ends with exactly the
//! schema of a new collection, and with its cards and log.
//!
//! Adding a schema version N: write `migrations/NNN_what.sql` (N - 1 to N),
//! list it last below, change `schema.sql` to the schema it arrives at, and
//! add `tests/fixtures/collections/vN.db`, made by the new py201.

/// One upgrade: SQL that takes a collection at `version - 1` to `version`.
#[derive(Debug, Clone, Copy)]
pub struct Migration {
    pub version: i64,
    /// The text of its file, src/collection/migrations/NNN_*.sql.
    pub sql: &'static str,
}

macro_rules! migration {
    ($version:literal, $file:literal) => {
        Migration {
            version: $version,
            sql: include_str!(concat!("migrations/", $file)),
        }
    };
}

/// Every upgrade, oldest first: version 1 (the first release) is where
/// they start.
pub const MIGRATIONS: &[Migration] = &[
    migration!(2, "002_daily_summaries.sql"),
    migration!(3, "003_fsrs.sql"),
    migration!(4, "004_notes_as_their_card.sql"),
    migration!(5, "005_cards_note_index.sql"),
    migration!(6, "006_no_rows_for_notes_that_are_their_card.sql"),
    migration!(7, "007_one_deck_order_index.sql"),
    migration!(8, "008_answer_kind.sql"),
    migration!(9, "009_deck_counts.sql"),
    migration!(10, "010_deck_off_and_overrides.sql"),
    migration!(11, "011_device_sync.sql"),
    migration!(12, "012_edit_times_and_shared_settings.sql"),
];

/// The version the last migration arrives at: that of `schema.sql`.
pub const LATEST: i64 = {
    // Numbered 2, 3, 4, ... in order, with nothing missing.
    let mut i = 0;
    while i < MIGRATIONS.len() {
        assert!(MIGRATIONS[i].version == i as i64 + 2);
        i += 1;
    }
    MIGRATIONS.len() as i64 + 1
};

#[cfg(test)]
mod tests {
    use super::*;

    /// Every file in the folder is listed, under the version its name
    /// starts with (a migration written but not listed would never run).
    #[test]
    fn every_migration_file_is_listed_under_its_number() {
        let dir =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/collection/migrations");
        let mut files: Vec<std::path::PathBuf> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        files.sort();
        assert_eq!(files.len(), MIGRATIONS.len());
        for (file, m) in files.iter().zip(MIGRATIONS) {
            let name = file.file_name().unwrap().to_str().unwrap();
            let (number, rest) = name.split_at(3);
            assert_eq!(number.parse::<i64>().unwrap(), m.version, "{name}");
            assert!(rest.starts_with('_') && rest.ends_with(".sql"), "{name}");
            assert_eq!(std::fs::read_to_string(file).unwrap(), m.sql, "{name}");
        }
    }
}
