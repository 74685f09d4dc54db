//! `py201 sync` end to end: a collection with history seeds the folder and
//! is unchanged by it (its log replays exactly, under SM-2 with and without
//! fuzz and under FSRS), an empty device syncs everything down, a second
//! sync changes nothing, edits of one card on two devices (the later wins,
//! the other is reported), deletes, `config sync-dir` and `sync-auto`.

// A test says unwrap plainly; the lint guards the code users run.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod sync_support;
use sync_support::*;

const MINUTE: i64 = 60_000;
const DAY: i64 = 24 * 60 * MINUTE;

/// Everything `sync` must leave alone or make equal.
fn snapshot(d: &Device, at: i64) -> (String, String, Vec<String>) {
    (d.cards_json(at), d.stats_json(at), d.log())
}

/// Two weeks of daily reviews on `laptop` alone, before any sync.
fn history(laptop: &Device) -> i64 {
    let mut answers = 0;
    for day in 0..14 {
        let before = laptop.answers().len();
        laptop.review(START + day * DAY, &[4, 3, 5, 2, 4, 4, 5, 4]);
        answers += laptop.answers().len() - before;
    }
    answers as i64
}

fn seeds_the_folder_unchanged_and_an_empty_device_syncs_down(scheduler: &[&str]) {
    let (tmp, dir) = folder();
    let laptop = Device::new(tmp.path(), "laptop");
    let desk = Device::new(tmp.path(), "desk");
    for d in [&laptop, &desk] {
        if !scheduler.is_empty() {
            d.ok(START, scheduler, "");
        }
    }
    let answers = history(&laptop);
    let at = START + 14 * DAY;
    let before = snapshot(&laptop, at);
    // A setting each device set is a shared setting's record, sent once
    // (the same value on both: nothing changes on desk).
    let setting = if scheduler.is_empty() {
        ""
    } else {
        " and 1 edit"
    };
    assert_eq!(
        laptop.sync(at, &dir),
        format!("{answers} answers{setting} sent.")
    );
    assert!(
        before == snapshot(&laptop, at),
        "{scheduler:?}: replaying the log changed laptop"
    );
    let sent = if scheduler.is_empty() {
        "."
    } else {
        ", 1 edit sent."
    };
    assert_eq!(
        desk.sync(at, &dir),
        format!("{answers} answers from laptop{sent}")
    );
    assert_converged(&[laptop, desk], at, &format!("{scheduler:?}"));
}

#[test]
fn sm2_with_fuzz_replays_exactly() {
    seeds_the_folder_unchanged_and_an_empty_device_syncs_down(&[]);
}

#[test]
fn sm2_without_fuzz_replays_exactly() {
    seeds_the_folder_unchanged_and_an_empty_device_syncs_down(&["config", "fuzz", "off"]);
}

#[test]
fn fsrs_replays_exactly() {
    seeds_the_folder_unchanged_and_an_empty_device_syncs_down(&["config", "scheduler", "fsrs"]);
}

#[test]
fn syncing_twice_changes_nothing_the_second_time() {
    let (tmp, dir) = folder();
    let (laptop, desk) = (
        Device::new(tmp.path(), "laptop"),
        Device::new(tmp.path(), "desk"),
    );
    laptop.review(START, &[4, 2, 5]);
    desk.review(START + MINUTE, &[3, 4]);
    laptop.sync(START + 2 * MINUTE, &dir);
    desk.sync(START + 3 * MINUTE, &dir);
    laptop.sync(START + 4 * MINUTE, &dir);
    for d in [&laptop, &desk] {
        let before = snapshot(d, START + 5 * MINUTE);
        let files = std::fs::read_dir(&dir).unwrap().count();
        assert_eq!(
            d.sync(START + 5 * MINUTE, &dir),
            "Nothing new to send or apply."
        );
        assert!(before == snapshot(d, START + 5 * MINUTE), "{}", d.name);
        assert_eq!(std::fs::read_dir(&dir).unwrap().count(), files);
    }
}

#[test]
fn edits_of_one_card_on_two_devices_keep_the_later_and_say_so() {
    let (tmp, dir) = folder();
    let (laptop, desk) = (
        Device::new(tmp.path(), "laptop"),
        Device::new(tmp.path(), "desk"),
    );
    let card = "id:gil-what-it-prevents";
    // Both have joined the folder: what they change now are edits (a
    // change made before a device first synced is only its starting point,
    // and loses to any edit).
    assert_eq!(laptop.sync(START, &dir), "Nothing new to send or apply.");
    assert_eq!(desk.sync(START, &dir), "Nothing new to send or apply.");
    laptop.ok(START, &["tag", card, "+from-laptop"], "");
    desk.ok(START + MINUTE, &["tag", card, "+from-desk"], "");
    desk.ok(START + MINUTE, &["suspend", card], "");
    assert_eq!(laptop.sync(START + 2 * MINUTE, &dir), "1 edit sent.");
    // Desk's edit reaches the folder later: it wins, and desk says so.
    assert_eq!(
        desk.sync(START + 3 * MINUTE, &dir),
        "1 edit sent.\ncard gil-what-it-prevents: edited on laptop and desk; desk's later edit kept"
    );
    assert_eq!(
        laptop.sync(START + 4 * MINUTE, &dir),
        "1 edit from desk.\ncard gil-what-it-prevents: edited on laptop and desk; desk's later edit kept"
    );
    assert_converged(&[laptop, desk], START + 5 * MINUTE, "after the conflict");
    let laptop = Device::new(tmp.path(), "laptop");
    let shown = laptop.ok(START + 5 * MINUTE, &["cards", card, "--json"], "");
    let c: serde_json::Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(
        c[0]["tags"],
        serde_json::json!(["gil", "from-desk"]),
        "{shown}"
    );
    assert_eq!(c[0]["state"], "suspended");
}

#[test]
fn added_and_deleted_cards_travel() {
    let (tmp, dir) = folder();
    let (laptop, desk) = (
        Device::new(tmp.path(), "laptop"),
        Device::new(tmp.path(), "desk"),
    );
    let add = [
        "add", "--deck", "Mine", "--id", "my-card", "--front", "Q?", "--back", "A.",
    ];
    laptop.ok(START, &add, "");
    laptop.sync(START + MINUTE, &dir);
    assert_eq!(desk.sync(START + 2 * MINUTE, &dir), "1 edit from laptop.");
    assert_converged(&[laptop, desk], START + 3 * MINUTE, "after the add");
    let laptop = Device::new(tmp.path(), "laptop");
    let desk = Device::new(tmp.path(), "desk");
    laptop.ok(START + 4 * MINUTE, &["delete", "id:my-card", "--yes"], "");
    assert_eq!(laptop.sync(START + 5 * MINUTE, &dir), "1 edit sent.");
    assert_eq!(desk.sync(START + 6 * MINUTE, &dir), "1 edit from laptop.");
    assert_eq!(
        desk.query("SELECT count(*) FROM cards WHERE uid = 'my-card'"),
        0
    );
    assert_converged(&[laptop, desk], START + 7 * MINUTE, "after the delete");
}

#[test]
fn sync_dir_and_sync_auto() {
    let (tmp, dir) = folder();
    let laptop = Device::new(tmp.path(), "laptop");
    let out = laptop.run(START, &["sync"], "");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "py201: error: no sync folder: name one (`py201 sync DIR`) or set it (`py201 config sync-dir DIR`)\n"
    );
    let path = dir.to_str().unwrap();
    laptop.ok(START, &["config", "sync-dir", path], "");
    laptop.review(START, &[4]);
    assert_eq!(laptop.ok(START, &["sync"], ""), "1 answer sent.\n");
    laptop.ok(START, &["config", "sync-auto", "on"], "");
    let out = laptop.run(START + MINUTE, &["review", "--limit", "1"], "\n5\n");
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(
        stderr, "py201: sync: Nothing new to send or apply.\npy201: sync: 1 answer sent.\n",
        "a sync before the session and one after it"
    );
    let bad = laptop.run(START, &["config", "sync-auto", "maybe"], "");
    assert_eq!(
        String::from_utf8(bad.stderr).unwrap(),
        "py201: error: sync-auto: \"maybe\" is not on or off\n"
    );
}

#[test]
fn a_forget_and_a_deck_turned_off_travel() {
    let (tmp, dir) = folder();
    let (laptop, desk) = (
        Device::new(tmp.path(), "laptop"),
        Device::new(tmp.path(), "desk"),
    );
    laptop.review(START, &[5, 5]);
    laptop.sync(START + MINUTE, &dir);
    assert_eq!(
        desk.sync(START + 2 * MINUTE, &dir),
        "2 answers from laptop."
    );
    let card = "id:dm-binop-calls-type-method:c1";
    desk.ok(START + 3 * MINUTE, &["forget", card], "");
    desk.ok(START + 3 * MINUTE, &["decks", "off", "Data Model"], "");
    assert_eq!(desk.sync(START + 4 * MINUTE, &dir), "2 edits sent.");
    assert_eq!(laptop.sync(START + 5 * MINUTE, &dir), "2 edits from desk.");
    let shown = laptop.ok(START + 5 * MINUTE, &["cards", card, "--json"], "");
    let c: serde_json::Value = serde_json::from_str(&shown).unwrap();
    assert_eq!(
        (&c[0]["state"], &c[0]["reps"]),
        (&serde_json::json!("new"), &serde_json::json!(0))
    );
    // Its answer stays in the log.
    assert_eq!(laptop.answers().len(), 2);
    // The next answer, on either device, starts from a new card.
    laptop.ok(START + 6 * MINUTE, &["decks", "on", "Data Model"], "");
    laptop.review(START + 6 * MINUTE, &[4]);
    laptop.sync(START + 7 * MINUTE, &dir);
    desk.sync(START + 8 * MINUTE, &dir);
    assert_converged(&[laptop, desk], START + 9 * MINUTE, "after a forget");
}

#[test]
fn a_collection_rebuilt_from_a_json_backup_rejoins_without_doubling_answers() {
    let (tmp, dir) = folder();
    let (laptop, desk) = (
        Device::new(tmp.path(), "laptop"),
        Device::new(tmp.path(), "desk"),
    );
    laptop.review(START, &[4, 5, 3]);
    laptop.sync(START + MINUTE, &dir);
    desk.sync(START + MINUTE, &dir);
    let backup = tmp.path().join("backup.json");
    let path = backup.to_str().unwrap();
    laptop.ok(START, &["export", "--format", "json", "-o", path], "");
    // The backup holds no device id: the rebuilt collection is a new device,
    // and sends laptop's answers again, under its own keys.
    let rebuilt = Device {
        db: tmp.path().join("rebuilt.db"),
        name: "rebuilt".into(),
    };
    rebuilt.ok(START, &["import", path], "");
    rebuilt.ok(START, &["config", "device-name", "rebuilt"], "");
    rebuilt.sync(START + 2 * MINUTE, &dir);
    desk.sync(START + 3 * MINUTE, &dir);
    laptop.sync(START + 3 * MINUTE, &dir);
    for _ in 0..2 {
        for d in [&rebuilt, &desk, &laptop] {
            d.sync(START + 4 * MINUTE, &dir);
        }
    }
    for d in [&laptop, &desk, &rebuilt] {
        assert_eq!(d.answers().len(), 3, "{}: each answer once", d.name);
    }
    assert_converged(
        &[laptop, desk, rebuilt],
        START + 5 * MINUTE,
        "after the rebuild",
    );
}

/// Answers that arrive by an import (an Anki package with its review log,
/// written in bulk without the log's per-row triggers) are sent like any.
#[test]
fn answers_imported_from_an_anki_package_travel() {
    let (tmp, dir) = folder();
    let (laptop, desk) = (
        Device::new(tmp.path(), "laptop"),
        Device::new(tmp.path(), "desk"),
    );
    // Reviewed elsewhere (Anki, say): two cards of a deck, three answers.
    let phone = Device::new(tmp.path(), "phone");
    for (front, id) in [("Q1", "q-1"), ("Q2", "q-2")] {
        phone.ok(
            START,
            &[
                "add", "--deck", "Mine", "--front", front, "--back", "A", "--id", id,
            ],
            "",
        );
    }
    phone.ok(START, &["review", "deck:mine"], "\n4\n\n2\n\n4\n");
    let pkg = tmp.path().join("mine.apkg");
    let pkg = pkg.to_str().unwrap();
    phone.ok(
        START,
        &[
            "export",
            "--format",
            "apkg",
            "--with-progress",
            "--deck",
            "Mine",
            "-o",
            pkg,
        ],
        "",
    );
    assert_eq!(phone.answers().len(), 3);
    laptop.sync(START + MINUTE, &dir);
    laptop.ok(START + 2 * MINUTE, &["import", pkg], "");
    // The import noted its answers for the next sync, as the trigger it
    // sets aside would have: the sync then reads them, not the whole log.
    let noted: i64 = rusqlite::Connection::open(&laptop.db)
        .unwrap()
        .query_row(
            "SELECT count(*) FROM sync_log_changes s JOIN revlog r ON r.id = s.revlog_id",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(noted, 3);
    assert_eq!(
        laptop.sync(START + 3 * MINUTE, &dir),
        "3 answers and 2 edits sent."
    );
    desk.sync(START + 4 * MINUTE, &dir);
    assert_eq!(desk.answers(), laptop.answers());
    assert_converged(&[laptop, desk], START + 5 * MINUTE, "after the import");
}
