use super::*;

fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

fn cx<'a>(f: &'a [(String, String)], side: Side<'a>, cloze: Option<u32>) -> Context<'a> {
    Context {
        fields: f,
        cloze,
        tags: " t1 t2 ",
        deck: "Py::Sub",
        notetype: "Basic",
        card: "Card 1",
        side,
    }
}

#[test]
fn fields_front_side_and_special_fields() {
    let f = fields(&[("Front", "dog"), ("Back", "chien")]);
    let q = render("{{Front}}", &cx(&f, Side::Question, None));
    assert_eq!(q.html, "dog");
    let a = render(
        "{{FrontSide}}<hr id=answer>{{Back}} [{{Tags}}|{{Deck}}|{{Subdeck}}|{{Type}}|{{Card}}]",
        &cx(&f, Side::Answer { front: &q.html }, None),
    );
    assert_eq!(
        a.html,
        "dog<hr id=answer>chien [t1 t2|Py::Sub|Sub|Basic|Card 1]"
    );
    assert_eq!(render("{{ Nope }}", &cx(&f, Side::Question, None)).html, "");
}

#[test]
fn sections_test_the_field_without_its_html() {
    let f = fields(&[("A", "x"), ("B", "<br> &nbsp;"), ("Add Reverse", "y")]);
    let c = cx(&f, Side::Question, None);
    assert_eq!(
        render("{{#A}}has A{{/A}}{{#B}}has B{{/B}}", &c).html,
        "has A"
    );
    assert_eq!(render("{{^B}}no B{{/B}}{{^A}}no A{{/A}}", &c).html, "no B");
    assert_eq!(
        render("{{#Add Reverse}}[{{#A}}{{A}}{{/A}}]{{/Add Reverse}}", &c).html,
        "[x]"
    );
}

#[test]
fn type_in_the_answer_names_its_field() {
    let f = fields(&[("Front", "2+2?"), ("Back", "4")]);
    let q = render("{{Front}}\n\n{{type:Back}}", &cx(&f, Side::Question, None));
    assert_eq!(q.html, "2+2?\n\n");
    assert_eq!(q.typed.as_deref(), Some("Back"));
}

#[test]
fn cloze_hides_this_cards_deletions_and_keeps_hints() {
    let f = fields(&[("Text", "{{c1::GIL::lock}} protects {{c2::bytecode}}")]);
    let q1 = render("{{cloze:Text}}", &cx(&f, Side::Question, Some(1)));
    assert_eq!(q1.html, "[lock] protects bytecode");
    let q2 = render("{{cloze:Text}}", &cx(&f, Side::Question, Some(2)));
    assert_eq!(q2.html, "GIL protects [...]");
    let a2 = render(
        "{{cloze:Text}}",
        &cx(&f, Side::Answer { front: &q2.html }, Some(2)),
    );
    assert_eq!(a2.html, "GIL protects bytecode");
    let only = render("{{cloze-only:Text}}", &cx(&f, Side::Question, Some(2)));
    assert_eq!(only.html, "bytecode");
}

#[test]
fn filters_apply_from_the_field_outwards_and_unknown_ones_keep_the_text() {
    let f = fields(&[("F", "<b>a</b> &amp; b"), ("Text", "{{c1::<i>x</i>}}")]);
    let c = cx(&f, Side::Question, Some(1));
    assert_eq!(render("{{text:F}}", &c).html, "a &amp; b");
    assert_eq!(render("{{furigana:F}}", &c).html, "<b>a</b> &amp; b");
    assert_eq!(render("{{text:cloze:Text}}", &c).html, "[...]");
    assert_eq!(render("{{hint:F}}", &c).html, "<b>a</b> &amp; b");
}
