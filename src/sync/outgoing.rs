//! What is new here since the last sync, as this device's next segment:
//! answers given (each numbered once, for good), answers undone, and cards
//! whose text, deck, tags or flags differ from their last synced record.
//! Runs inside the sync's transaction and marks what it takes as sent.

use super::segment::{Answer, CardFields, CardRecord, NoteFields, Segment};
use crate::collection::device_cards::{self, CardText, DELETED, Synced};
use crate::collection::devices::{self, Device};
use crate::error::Result;
use crate::model::CardContent;
use rusqlite::Connection;
use std::collections::{BTreeSet, HashMap};

/// The segment to send, and the cards whose log it touched (to replay).
pub struct Outgoing {
    pub segment: Segment,
    pub cards: BTreeSet<i64>,
}

/// Gathers this device's changes; `now_ms` stamps the changes found whose
/// time the card does not hold (see [`edit_time`]).
pub fn gather(conn: &Connection, me: &mut Device, now_ms: i64) -> Result<Outgoing> {
    let mut out = Outgoing {
        segment: Segment {
            device: me.id.clone(),
            name: me.name.clone(),
            seq: me.segments + 1,
            ..Segment::default()
        },
        cards: BTreeSet::new(),
    };
    gather_answers(conn, me, &mut out, false)?;
    if !devices::log_in_step(conn)? {
        // Rows written or removed unseen (history from before this
        // collection's first sync, say): the whole log is read.
        gather_answers(conn, me, &mut out, true)?;
    }
    gather_cards(conn, &me.id, now_ms, &mut out.segment)?;
    Ok(out)
}

/// Answers undone and answers given since the last sync, among the log
/// rows the triggers noted or (`whole`) all.
fn gather_answers(
    conn: &Connection,
    me: &mut Device,
    out: &mut Outgoing,
    whole: bool,
) -> Result<()> {
    for key in devices::broken_links(conn, whole)? {
        devices::mark_undone(conn, (&key.0, key.1))?;
        out.segment.undone.push(key);
    }
    for a in devices::unsent_answers(conn, whole)? {
        me.answers += 1;
        devices::link(
            conn,
            (&me.id, me.answers),
            a.revlog_id,
            a.card_id,
            a.time_ms,
        )?;
        out.cards.insert(a.card_id);
        out.segment.answers.push(Answer {
            seq: me.answers,
            card: a.uid,
            time_ms: a.time_ms,
            day: a.day,
            grade: a.grade,
            taken_ms: a.taken_ms,
        });
    }
    Ok(())
}

/// When a card's change was made: the card's own modification time
/// (`add`, `edit`, `tag`, `suspend`, ... stamp it), so that of two devices'
/// edits the later wins whichever syncs first. A change that left no later
/// stamp than the record it changes (a leech tagged while answering, which
/// stays off the answer path's work, or an undo) takes the sync's time, as
/// every change did before schema 12.
fn edit_time(text: &CardText, synced: &Synced, now_ms: i64) -> i64 {
    if text.modified_ms > synced.mod_ms {
        text.modified_ms
    } else {
        now_ms.max(synced.mod_ms + 1)
    }
}

/// Cards changed here since their record, and cards deleted here.
fn gather_cards(conn: &Connection, me: &str, now_ms: i64, seg: &mut Segment) -> Result<()> {
    let mut shipped = Shipped::default();
    for (text, synced) in device_cards::cards_and_records(conn)? {
        let fields = to_fields(&text);
        let digest = fields.digest();
        let base = synced.as_ref().map(Synced::id);
        let mod_ms = match &synced {
            Some(s) if s.digest == digest => continue,
            Some(s) => edit_time(&text, s, now_ms),
            None if shipped.untouched(&text) => {
                // Every device has it so: remembered here, not sent, and
                // losing to any record that comes (device "" sorts first).
                let start = Synced {
                    mod_ms: 0,
                    device: String::new(),
                    digest,
                    base: None,
                };
                device_cards::set_record(conn, &text.uid, &start)?;
                continue;
            }
            // Never synced: the card as it stood before this device joined,
            // at its last change (0 when not known: any edit wins over it).
            None => text.modified_ms,
        };
        let record = Synced {
            mod_ms,
            device: me.to_string(),
            digest,
            base: base.clone(),
        };
        device_cards::set_record(conn, &text.uid, &record)?;
        seg.cards.push(CardRecord {
            uid: text.uid,
            mod_ms,
            device: me.to_string(),
            base,
            deleted: false,
            fields,
        });
    }
    for (uid, held) in device_cards::deleted_here(conn)? {
        // A deletion leaves no card to stamp: the sync's time.
        let mod_ms = now_ms.max(held.mod_ms + 1);
        let record = Synced {
            mod_ms,
            device: me.to_string(),
            digest: DELETED.into(),
            base: Some(held.id()),
        };
        device_cards::set_record(conn, &uid, &record)?;
        seg.cards.push(CardRecord {
            uid,
            mod_ms,
            device: me.to_string(),
            base: Some(held.id()),
            deleted: true,
            fields: CardFields::default(),
        });
    }
    Ok(())
}

/// The built-in cards as this py201 ships them (read once a sync needs
/// them: only cards never synced are compared).
#[derive(Default)]
struct Shipped(Option<HashMap<String, CardContent>>);

impl Shipped {
    /// A built-in card exactly as shipped, not suspended, buried or
    /// retired: every device has it the same, so it needs no record until
    /// it changes.
    fn untouched(&mut self, t: &CardText) -> bool {
        if !t.builtin || t.suspended || t.buried_until.is_some() || t.retired {
            return false;
        }
        let cards = self.0.get_or_insert_with(|| {
            crate::decks::builtin::decks()
                .unwrap_or_default()
                .into_iter()
                .flat_map(|d| d.cards)
                .map(|c| (c.uid.clone(), c))
                .collect()
        });
        cards.get(&t.uid).is_some_and(|c| {
            c.kind.as_str() == t.kind
                && c.front == t.front
                && c.back == t.back
                && c.code == t.code
                && c.tags.join(" ") == t.tags
                && c.source == t.source
        })
    }
}

/// The file format's fields of a card.
pub fn to_fields(t: &CardText) -> CardFields {
    CardFields {
        deck: t.deck.clone(),
        kind: t.kind.clone(),
        front: t.front.clone(),
        back: t.back.clone(),
        code: t.code.clone(),
        tags: t.tags.clone(),
        source: t.source.clone(),
        note_id: t.note_id.clone(),
        position: t.position,
        suspended: t.suspended,
        buried_until: t.buried_until,
        retired: t.retired,
        note: t.note.as_ref().map(|(deck, position, fields)| NoteFields {
            deck: deck.clone(),
            position: *position,
            fields: fields.clone(),
        }),
        own_text: t.own_text,
    }
}

/// A card's text from the file format's fields, modified at `mod_ms`.
pub fn from_fields(uid: &str, f: &CardFields, mod_ms: i64) -> CardText {
    CardText {
        uid: uid.to_string(),
        deck: f.deck.clone(),
        kind: f.kind.clone(),
        front: f.front.clone(),
        back: f.back.clone(),
        code: f.code.clone(),
        tags: f.tags.clone(),
        source: f.source.clone(),
        note_id: f.note_id.clone(),
        position: f.position,
        suspended: f.suspended,
        buried_until: f.buried_until,
        retired: f.retired,
        note: f
            .note
            .as_ref()
            .map(|n| (n.deck.clone(), n.position, n.fields.clone())),
        builtin: false,
        own_text: f.own_text,
        modified_ms: mod_ms,
    }
}
