use super::*;

#[test]
fn plain_text_stays_byte_for_byte() {
    for s in ["a  b\n\n c\t", "x > 1 is true", "", "  "] {
        assert_eq!(to_text(s), s);
    }
}

#[test]
fn line_breaks_blocks_and_entities() {
    assert_eq!(to_text("a<br>b &amp; <b>c</b>&lt;d&gt;"), "a\nb & c<d>");
    assert_eq!(to_text("<div>x</div><div>y</div>"), "x\ny");
    assert_eq!(to_text("<p>one</p><p>two</p>"), "one\ntwo");
    // HTML5's named entities, not a short list.
    assert_eq!(
        to_text("&hellip;&rarr;&nbsp;&frac12;&NotEqualTilde;"),
        "…→ ½≂̸"
    );
    assert_eq!(
        to_text("Counter(&#x27;a&#x27;) &#39;&#8364;&apos; &amp;lt;"),
        "Counter('a') '€' &lt;"
    );
}

#[test]
fn real_world_markup() {
    // Nested spans with styles, an attribute holding '>', an unclosed tag.
    let html =
        r#"<span style="color: rgb(0, 0, 0);"><span title="a > b">x</span> <i>y</span><div>z"#;
    assert_eq!(to_text(html), "x y\nz");
    assert_eq!(
        to_text("a<script>alert('<b>')</script>b<style>p{}</style><!-- c -->c"),
        "abc"
    );
    // Spaces as written (a learner's double space survives a round trip).
    assert_eq!(to_text("  <div>  spaced   out  </div>  "), "  spaced   out");
    assert_eq!(to_text("a,&nbsp; b<br>c"), "a,  b\nc");
}

#[test]
fn code_stays_code() {
    assert_eq!(
        to_text("What does <code>len(x)</code> call?"),
        "What does `len(x)` call?"
    );
    let t = split_code("What prints?<pre>for i in range(2):\n    print(i &lt; 1)</pre>after");
    assert_eq!(t.text, "What prints?\nafter");
    assert_eq!(
        t.code.as_deref(),
        Some("for i in range(2):\n    print(i < 1)")
    );
    // Inline, the block keeps its lines and indentation.
    assert_eq!(to_text("a<pre>x\n  y</pre>b"), "a\nx\n  y\nb");
}

#[test]
fn images_name_their_file() {
    assert_eq!(
        to_text(r#"see <img src="cat.png" alt="a cat">"#),
        "see [image: cat.png]"
    );
}

#[test]
fn comments_alone_read_as_the_parser_reads_them() {
    // py201's own export marks a note's source so.
    let field = "Answer 0, short.<!--py201 source: Benchmark-->";
    assert_eq!(
        without_comments(field).map(|t| t.text).as_deref(),
        Some("Answer 0, short.")
    );
    assert_eq!(to_text(field), "Answer 0, short.");
    assert_eq!(to_text("a <!-- x --> b\n<!--y-->\n c \u{a0}"), "a  b\n\n c");
    // What the parser reads otherwise is left to it: it reads "\r" as
    // "\n" and drops a leading byte-order mark.
    for s in [
        "a<!-- x -- y -->b",
        "a<!-->b",
        "a<!-- x",
        "a<b>c</b>",
        "a&lt;<!--x-->",
        "\r<!--x-->",
        "\u{feff}<!--x-->",
    ] {
        assert_eq!(without_comments(s), None, "{s:?}");
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
    /// Whatever the shortcut for comments reads, the parser reads the same.
    #[test]
    fn the_comment_shortcut_agrees_with_the_parser(
        parts in proptest::collection::vec(proptest::sample::select(vec![
            "a", "b c", " ", "  ", "\n", "\t", "\u{a0}", "é", "<!--", "-->", "-", "--",
            ">", "<", "!", "&", "&amp;", "\r", "\r\n", "\0", "\u{feff}", "<br>", "x<!--s-->y",
        ]), 0..12)
    ) {
        let html: String = parts.concat();
        for take_code in [false, true] {
            if let Some(text) = without_comments(&html) {
                proptest::prop_assert_eq!(text, parse(&html, take_code), "{:?}", html);
            }
        }
    }
}
