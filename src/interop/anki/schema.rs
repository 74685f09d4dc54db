//! Note types and decks, from either collection schema Anki writes: 18
//! (tables `notetypes`, `fields`, `templates`, `decks`, with protobuf
//! configs) or 11 (JSON in the `col` row).

use crate::error::{Error, Problems, Result, Why};
use rusqlite::Connection;
use std::collections::HashMap;

/// A note type: its fields in order and its card templates by ordinal.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NoteType {
    pub name: String,
    pub cloze: bool,
    pub fields: Vec<String>,
    pub templates: Vec<Template>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Template {
    pub name: String,
    pub front: String,
    pub back: String,
}

/// `Notetype.Config`, as far as py201 reads it.
#[derive(Clone, PartialEq, prost::Message)]
struct NotetypeConfig {
    /// 0: normal; 1: cloze.
    #[prost(int32, tag = "1")]
    kind: i32,
}

/// `Notetype.Template.Config`, as far as py201 reads it.
#[derive(Clone, PartialEq, prost::Message)]
struct TemplateConfig {
    #[prost(string, tag = "1")]
    q_format: String,
    #[prost(string, tag = "2")]
    a_format: String,
}

/// Whether the collection keeps note types in tables (schema 18).
fn has_tables(conn: &Connection) -> Result<bool> {
    let n: i64 = conn.query_row(
        "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'notetypes'",
        [],
        |r| r.get(0),
    )?;
    Ok(n > 0)
}

/// Every note type, by id.
pub fn note_types(conn: &Connection, file: &str) -> Result<HashMap<i64, NoteType>> {
    if has_tables(conn)? {
        note_types_18(conn)
    } else {
        note_types_11(conn, file)
    }
}

/// JSON of the `col` row that does not parse.
fn bad_json(file: &str, what: &str, e: &serde_json::Error) -> Error {
    let why = Why::Unreadable(format!("the collection's {what} are not valid JSON: {e}"));
    Error::Import(Problems::one(file, None, why))
}

/// Every deck's full name (`Parent::Child`), by id.
pub fn decks(conn: &Connection, file: &str) -> Result<HashMap<i64, String>> {
    if has_tables(conn)? {
        let mut stmt = conn.prepare("SELECT id, name FROM decks")?;
        let rows = stmt.query_map([], |r| {
            let name: String = r.get(1)?;
            // Schema 18 separates the levels of a name with \x1f.
            Ok((r.get(0)?, name.replace('\u{1f}', "::")))
        })?;
        return Ok(rows.collect::<rusqlite::Result<_>>()?);
    }
    let json: String = conn.query_row("SELECT decks FROM col", [], |r| r.get(0))?;
    let decks: HashMap<String, serde_json::Value> =
        serde_json::from_str(&json).map_err(|e| bad_json(file, "decks", &e))?;
    Ok(decks
        .into_iter()
        .filter_map(|(id, d)| Some((id.parse().ok()?, d["name"].as_str()?.to_string())))
        .collect())
}

fn note_types_18(conn: &Connection) -> Result<HashMap<i64, NoteType>> {
    let mut types = HashMap::new();
    let mut stmt = conn.prepare("SELECT id, name, config FROM notetypes")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let config: Vec<u8> = r.get(2)?;
        let kind = prost::Message::decode(config.as_slice()).map_or(0, |c: NotetypeConfig| c.kind);
        let nt = NoteType {
            name: r.get(1)?,
            cloze: kind == 1,
            ..NoteType::default()
        };
        types.insert(r.get::<_, i64>(0)?, nt);
    }
    let mut stmt = conn.prepare("SELECT ntid, name FROM fields ORDER BY ntid, ord")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        if let Some(nt) = types.get_mut(&r.get::<_, i64>(0)?) {
            nt.fields.push(r.get(1)?);
        }
    }
    let mut stmt = conn.prepare("SELECT ntid, name, config FROM templates ORDER BY ntid, ord")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let config: Vec<u8> = r.get(2)?;
        let c: TemplateConfig = prost::Message::decode(config.as_slice()).unwrap_or_default();
        if let Some(nt) = types.get_mut(&r.get::<_, i64>(0)?) {
            nt.templates.push(Template {
                name: r.get(1)?,
                front: c.q_format,
                back: c.a_format,
            });
        }
    }
    Ok(types)
}

fn note_types_11(conn: &Connection, file: &str) -> Result<HashMap<i64, NoteType>> {
    let json: String = conn.query_row("SELECT models FROM col", [], |r| r.get(0))?;
    let models: HashMap<String, serde_json::Value> =
        serde_json::from_str(&json).map_err(|e| bad_json(file, "note types", &e))?;
    let by_ord = |list: &serde_json::Value| {
        let mut items: Vec<serde_json::Value> = list.as_array().cloned().unwrap_or_default();
        items.sort_by_key(|v| v["ord"].as_i64().unwrap_or(0));
        items
    };
    let text = |v: &serde_json::Value, key: &str| v[key].as_str().unwrap_or("").to_string();
    Ok(models
        .into_iter()
        .filter_map(|(id, m)| {
            let nt = NoteType {
                name: text(&m, "name"),
                cloze: m["type"].as_i64() == Some(1),
                fields: by_ord(&m["flds"]).iter().map(|f| text(f, "name")).collect(),
                templates: by_ord(&m["tmpls"])
                    .iter()
                    .map(|t| Template {
                        name: text(t, "name"),
                        front: text(t, "qfmt"),
                        back: text(t, "afmt"),
                    })
                    .collect(),
            };
            Some((id.parse().ok()?, nt))
        })
        .collect())
}
