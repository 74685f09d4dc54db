//! The screen at the sizes people have: 80×24, 60×20, 120×40, and smaller.

use super::*;

fn text(line: &[Span]) -> String {
    line.iter().map(|(t, _)| t.as_str()).collect()
}

fn plain(s: &str) -> Vec<Span> {
    vec![(s.to_string(), ContentStyle::new())]
}

const SIZES: [(usize, usize); 3] = [(80, 24), (60, 20), (120, 40)];

fn header() -> Header {
    Header {
        deck: "concurrent.futures".into(),
        position: "12/120".into(),
        label: "review, typed".into(),
        new: 20,
        due: 100,
        repeats: 3,
    }
}

fn grades() -> Vec<(String, String)> {
    [
        "blackout again",
        "wrong again",
        "familiar again",
        "hard 12d",
        "good 30d",
        "perfect 41d",
    ]
    .iter()
    .enumerate()
    .map(|(i, w)| (i.to_string(), w.to_string()))
    .collect()
}

/// A card whose code is 40 lines, one of them 150 columns long.
fn long_card() -> Screen {
    let mut rows: Vec<Vec<Span>> = (0..40).map(|i| plain(&format!("x{i} = {i}"))).collect();
    rows[5] = plain(&format!("print({})", "'a' + ".repeat(25)));
    Screen {
        header: header(),
        pinned: vec![Block::Text {
            spans: plain("What does this print? The question must stay in view."),
            indent: 1,
        }],
        body: vec![
            Block::Blank,
            Block::Code {
                rows,
                frame: ContentStyle::new(),
            },
        ],
        footer: grades(),
        ..Screen::default()
    }
}

fn reveal(s: &mut Screen) {
    s.body.push(Block::Blank);
    s.anchor = Some(s.body.len());
    s.body.push(Block::Rule {
        ch: '┄',
        style: ContentStyle::new(),
    });
    s.body.push(Block::Text {
        spans: plain("THE-ANSWER is here"),
        indent: 1,
    });
}

#[test]
fn every_row_fits_and_the_header_is_first_at_every_size() {
    for (cols, rows) in SIZES.into_iter().chain([(40, 12), (20, 6)]) {
        let f = compose(&long_card(), &Styles::default(), cols, rows);
        assert_eq!(f.rows.len(), rows, "{cols}x{rows}");
        for r in &f.rows {
            assert!(width_of(r) <= cols, "{cols}x{rows}: {:?}", text(r));
        }
        let first = text(&f.rows[0]);
        assert!(first.contains("12/120"), "{cols}x{rows}: {first}");
        if cols >= 40 {
            assert!(first.contains("due 100"), "{cols}x{rows}: {first}");
        }
    }
}

#[test]
fn long_code_scrolls_with_a_note_and_the_question_stays() {
    for (cols, rows) in SIZES {
        let f = compose(&long_card(), &Styles::default(), cols, rows);
        let all: Vec<String> = f.rows.iter().map(|r| text(r)).collect();
        assert!(all[2].contains("What does this print?"), "{all:#?}");
        let note = all.iter().find(|l| l.contains("more lines"));
        let note = note.unwrap_or_else(|| panic!("{cols}x{rows}: no scroll note {all:#?}"));
        // What is shown plus what is below is all of it (nothing is above yet).
        let below: usize = note
            .split("↓ ")
            .nth(1)
            .and_then(|s| s.split(' ').next())
            .and_then(|n| n.parse().ok())
            .unwrap();
        let body = layout(&long_card().body, cols).0.len();
        assert!(
            body > 43,
            "42 rows of box, a blank, and the long line wrapped"
        );
        assert_eq!(f.view + below, body, "{cols}x{rows}");
        assert!(all[0].contains("12/120"));
    }
}

#[test]
fn scrolling_moves_by_rows_and_stops_at_the_ends() {
    let mut s = long_card();
    s.scroll = 1000;
    let f = compose(&s, &Styles::default(), 80, 24);
    let all: Vec<String> = f.rows.iter().map(|r| text(r)).collect();
    assert!(all.iter().any(|l| l.contains("└")), "the end: {all:#?}");
    assert!(all.iter().any(|l| l.contains("lines above")));
    assert!(!all.iter().any(|l| l.contains("more line")));
}

#[test]
fn the_revealed_answer_comes_into_view_under_the_question() {
    for (cols, rows) in SIZES {
        let mut s = long_card();
        reveal(&mut s);
        let f = compose(&s, &Styles::default(), cols, rows);
        let all: Vec<String> = f.rows.iter().map(|r| text(r)).collect();
        assert!(all[2].contains("What does this print?"), "{all:#?}");
        assert!(
            all.iter().any(|l| l.contains("THE-ANSWER")),
            "{cols}x{rows} {all:#?}"
        );
        assert!(all.iter().any(|l| l.contains("lines above")), "{all:#?}");
        assert!(f.scroll > 0);
    }
}

#[test]
fn a_short_card_has_no_scroll_note() {
    let mut s = long_card();
    s.body.truncate(1);
    reveal(&mut s);
    let f = compose(&s, &Styles::default(), 80, 24);
    assert_eq!(f.view, 0);
    let all: Vec<String> = f.rows.iter().map(|r| text(r)).collect();
    assert!(!all.iter().any(|l| l.contains("scroll")), "{all:#?}");
    assert!(all[5].contains("┄"), "{all:#?}");
}

#[test]
fn the_grade_keys_take_two_rows_at_80_columns_and_one_at_120() {
    let st = Styles::default();
    assert_eq!(footer_rows(&grades(), &st, 120).len(), 1);
    let rows = footer_rows(&grades(), &st, 80);
    assert_eq!(rows.len(), 2);
    let rows60 = footer_rows(&grades(), &st, 60);
    for r in rows.iter().chain(&rows60) {
        assert!(width_of(r) <= 80);
    }
    assert!(rows60.iter().all(|r| width_of(r) <= 60));
    assert!(text(&rows[0]).ends_with("2 familiar again"), "{rows:?}");
    assert_eq!(text(&rows[1]), " 3 hard 12d  4 good 30d  5 perfect 41d");
}

#[test]
fn the_header_shortens_the_deck_name_before_dropping_counts() {
    let h = Header {
        deck: "A deck with a really very long name indeed".into(),
        ..header()
    };
    let (l, r) = fit_header(&h, 60);
    assert!(l.width() + r.width() <= 60, "{l}|{r}");
    assert!(l.contains('…') && l.contains("12/120"), "{l}");
    assert!(r.contains("due 100"), "{r}");
    let (l, r) = fit_header(&header(), 120);
    assert_eq!(l, " concurrent.futures · 12/120 · review, typed");
    assert_eq!(r, "new 20 · due 100 · repeats 3 ");
}

#[test]
fn long_code_lines_wrap_with_a_marker_and_lose_nothing() {
    let line = plain(&"abcdefghij".repeat(12));
    let rows = code_box(&[line], ContentStyle::new(), 60);
    let body: Vec<String> = rows[1..rows.len() - 1].iter().map(|r| text(r)).collect();
    assert!(body.len() > 2, "{body:#?}");
    let kept: String = body
        .iter()
        .map(|r| {
            r.trim_start_matches("  │ ")
                .trim_end_matches('│')
                .trim()
                .trim_end_matches('↩')
        })
        .collect();
    assert_eq!(kept, "abcdefghij".repeat(12));
    assert!(rows.iter().all(|r| width_of(r) <= 60));
}

#[test]
fn prose_wraps_at_words_and_cuts_only_words_wider_than_a_row() {
    let rows = word_wrap(&plain("one two three four five six"), 1, 12);
    let t: Vec<String> = rows.iter().map(|r| text(r)).collect();
    assert_eq!(t, [" one two ", " three four ", " five six"]);
    let rows = word_wrap(&plain(&"x".repeat(30)), 1, 12);
    assert!(rows.iter().all(|r| width_of(r) <= 12), "{rows:?}");
    assert_eq!(rows.iter().map(|r| text(r).trim().len()).sum::<usize>(), 30);
}
