//! What makes the package's SQLite file an Anki collection of schema 11:
//! its tables, and the JSON its `col` row holds (settings, note types,
//! decks, deck options), as Anki's own legacy export writes them.

use super::{Options, html};
use crate::collection::Config;
use crate::collection::package::PackageDeck;
use crate::interop::text;
use serde_json::{Value, json};
use std::collections::HashMap;

/// Fixed note type ids: every py201 package names the same three note
/// types, so Anki matches them on a second import.
pub(super) const NOTETYPE_BASIC: i64 = 1_201_000_000_001;
pub(super) const NOTETYPE_TYPED: i64 = 1_201_000_000_002;
pub(super) const NOTETYPE_CLOZE: i64 = 1_201_000_000_003;
/// Anki deck ids for py201 decks (Anki matches decks by name on import).
const DECK_ID_BASE: i64 = 1_201_000_100_000;
/// Anki's default deck and deck options group, which every collection has.
pub(super) const DEFAULT_DECK: i64 = 1;
const DEFAULT_CONF: i64 = 1;

pub(super) const SCHEMA: &str = "
CREATE TABLE col (id integer PRIMARY KEY, crt integer NOT NULL, mod integer NOT NULL,
  scm integer NOT NULL, ver integer NOT NULL, dty integer NOT NULL, usn integer NOT NULL,
  ls integer NOT NULL, conf text NOT NULL, models text NOT NULL, decks text NOT NULL,
  dconf text NOT NULL, tags text NOT NULL);
CREATE TABLE notes (id integer PRIMARY KEY, guid text NOT NULL, mid integer NOT NULL,
  mod integer NOT NULL, usn integer NOT NULL, tags text NOT NULL, flds text NOT NULL,
  sfld integer NOT NULL, csum integer NOT NULL, flags integer NOT NULL, data text NOT NULL);
CREATE TABLE cards (id integer PRIMARY KEY, nid integer NOT NULL, did integer NOT NULL,
  ord integer NOT NULL, mod integer NOT NULL, usn integer NOT NULL, type integer NOT NULL,
  queue integer NOT NULL, due integer NOT NULL, ivl integer NOT NULL, factor integer NOT NULL,
  reps integer NOT NULL, lapses integer NOT NULL, left integer NOT NULL, odue integer NOT NULL,
  odid integer NOT NULL, flags integer NOT NULL, data text NOT NULL);
CREATE TABLE revlog (id integer PRIMARY KEY, cid integer NOT NULL, usn integer NOT NULL,
  ease integer NOT NULL, ivl integer NOT NULL, lastIvl integer NOT NULL, factor integer NOT NULL,
  time integer NOT NULL, type integer NOT NULL);
CREATE TABLE graves (usn integer NOT NULL, oid integer NOT NULL, type integer NOT NULL);
";

/// Anki's indexes, built after the rows are in (faster than maintaining them).
pub(super) const INDEXES: &str = "
CREATE INDEX ix_notes_usn ON notes (usn);
CREATE INDEX ix_cards_usn ON cards (usn);
CREATE INDEX ix_revlog_usn ON revlog (usn);
CREATE INDEX ix_cards_nid ON cards (nid);
CREATE INDEX ix_cards_sched ON cards (did, queue, due);
CREATE INDEX ix_revlog_cid ON revlog (cid);
CREATE INDEX ix_notes_csum ON notes (csum);
";

/// py201 deck id -> Anki deck id. A py201 deck called "Default" becomes
/// Anki's default deck rather than a second deck of that name.
pub(super) fn anki_deck_ids(decks: &[PackageDeck]) -> HashMap<i64, i64> {
    decks
        .iter()
        .map(|d| {
            let id = if d.name.trim().eq_ignore_ascii_case("default") {
                DEFAULT_DECK
            } else {
                DECK_ID_BASE + d.id
            };
            (d.id, id)
        })
        .collect()
}

pub(super) fn col_conf(opts: &Options, cards: usize) -> Value {
    json!({
        "activeDecks": [DEFAULT_DECK],
        "curDeck": DEFAULT_DECK,
        "curModel": NOTETYPE_BASIC,
        "nextPos": cards + 1,
        "newSpread": 0,
        "collapseTime": 1200,
        "timeLim": 0,
        "estTimes": true,
        "dueCounts": true,
        "sortType": "noteFld",
        "sortBackwards": false,
        "addToCur": true,
        "dayLearnFirst": false,
        "schedVer": 2,
        // py201's study day starts at the same hour; day numbers count from
        // `crt` taken as a UTC date (creationOffset: minutes west of UTC).
        "rollover": opts.config.day_starts_at,
        "creationOffset": 0,
    })
}

fn deck_json(id: i64, name: &str, description: &str, mtime: i64) -> Value {
    json!({
        "id": id,
        "mod": mtime,
        "name": name,
        "usn": -1,
        "lrnToday": [0, 0],
        "revToday": [0, 0],
        "newToday": [0, 0],
        "timeToday": [0, 0],
        "collapsed": false,
        "browserCollapsed": false,
        "desc": html(description),
        "dyn": 0,
        "conf": DEFAULT_CONF,
        "extendNew": 0,
        "extendRev": 0,
    })
}

pub(super) fn decks(decks: &[PackageDeck], now_s: i64) -> Value {
    let ids = anki_deck_ids(decks);
    let mut all = serde_json::Map::new();
    if !ids.values().any(|&id| id == DEFAULT_DECK) {
        all.insert(
            DEFAULT_DECK.to_string(),
            deck_json(DEFAULT_DECK, "Default", "", 0),
        );
    }
    for d in decks {
        let id = ids.get(&d.id).copied().unwrap_or(DECK_ID_BASE + d.id);
        all.insert(
            id.to_string(),
            deck_json(id, d.name.trim(), &d.description, now_s),
        );
    }
    Value::Object(all)
}

/// Anki's default options group, with py201's daily limits and maximum interval.
pub(super) fn deck_conf(config: &Config) -> Value {
    json!({
        DEFAULT_CONF.to_string(): {
            "id": DEFAULT_CONF,
            "mod": 0,
            "name": "Default",
            "usn": 0,
            "maxTaken": 60,
            "autoplay": true,
            "timer": 0,
            "replayq": true,
            "dyn": false,
            "new": {
                "bury": false,
                "delays": [1.0, 10.0],
                "initialFactor": 2500,
                "ints": [1, 4, 0],
                "order": 1,
                "perDay": config.new_per_day,
            },
            "rev": {
                "bury": false,
                "ease4": 1.3,
                "ivlFct": 1.0,
                "maxIvl": config.max_interval,
                "perDay": config.reviews_per_day,
                "hardFactor": 1.2,
            },
            "lapse": {
                "delays": [10.0],
                // Tag leeches (as py201 flags them at 8 lapses), never suspend them.
                "leechAction": 1,
                "leechFails": 8,
                "minInt": 1,
                "mult": 0.0,
            },
        }
    })
}

const CSS: &str = ".card {\n    font-family: arial;\n    font-size: 20px;\n    line-height: 1.5;\n    text-align: center;\n    color: black;\n    background-color: white;\n}\npre {\n    text-align: left;\n}\n";
const CLOZE_CSS: &str = ".cloze {\n    font-weight: bold;\n    color: blue;\n}\n.nightMode .cloze {\n    color: lightblue;\n}\n";
const LATEX_PRE: &str = "\\documentclass[12pt]{article}\n\\special{papersize=3in,5in}\n\\usepackage[utf8]{inputenc}\n\\usepackage{amssymb,amsmath}\n\\pagestyle{empty}\n\\setlength{\\parindent}{0in}\n\\begin{document}\n";

fn field(name: &str, ord: u16, id: i64) -> Value {
    json!({
        "name": name,
        "ord": ord,
        "sticky": false,
        "rtl": false,
        "font": "Arial",
        "size": 20,
        "description": "",
        "plainText": false,
        "collapsed": false,
        "excludeFromSearch": false,
        "id": id,
    })
}

fn notetype(
    id: i64,
    name: &str,
    cloze: bool,
    stock_kind: i64,
    fields: [&str; 2],
    template: (&str, &str, &str),
    required_fields: &[u16],
) -> Value {
    let css = if cloze {
        format!("{CSS}{CLOZE_CSS}")
    } else {
        CSS.to_string()
    };
    json!({
        "id": id,
        "name": name,
        "type": i64::from(cloze),
        "mod": 0,
        "usn": 0,
        "sortf": 0,
        "did": null,
        "tmpls": [{
            "name": template.0,
            "ord": 0,
            "qfmt": template.1,
            "afmt": template.2,
            "bqfmt": "",
            "bafmt": "",
            "did": null,
            "bfont": "",
            "bsize": 0,
            "id": id * 10,
        }],
        "flds": [field(fields[0], 0, id * 10 + 1), field(fields[1], 1, id * 10 + 2)],
        "css": css,
        "latexPre": LATEX_PRE,
        "latexPost": "\\end{document}",
        "latexsvg": false,
        "req": [[0, "any", required_fields]],
        "originalStockKind": stock_kind,
    })
}

/// Anki's stock note types (2.1.66 and later), under fixed ids.
pub(super) fn notetypes() -> Value {
    let basic = notetype(
        NOTETYPE_BASIC,
        text::NOTETYPE_BASIC,
        false,
        1,
        ["Front", "Back"],
        (
            "Card 1",
            "{{Front}}",
            "{{FrontSide}}\n\n<hr id=answer>\n\n{{Back}}",
        ),
        &[0],
    );
    let typed = notetype(
        NOTETYPE_TYPED,
        text::NOTETYPE_TYPED,
        false,
        4,
        ["Front", "Back"],
        (
            "Card 1",
            "{{Front}}\n\n{{type:Back}}",
            "{{Front}}\n\n<hr id=answer>\n\n{{type:Back}}",
        ),
        &[0, 1],
    );
    let cloze = notetype(
        NOTETYPE_CLOZE,
        text::NOTETYPE_CLOZE,
        true,
        5,
        ["Text", "Back Extra"],
        (
            "Cloze",
            "{{cloze:Text}}",
            "{{cloze:Text}}<br>\n{{Back Extra}}",
        ),
        &[0],
    );
    let mut all = serde_json::Map::new();
    for nt in [basic, typed, cloze] {
        if let Some(id) = nt.get("id").and_then(Value::as_i64) {
            all.insert(id.to_string(), nt);
        }
    }
    Value::Object(all)
}
