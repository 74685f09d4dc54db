//! The review screen's colours against the palettes terminals really draw.

use super::palette;
use crossterm::style::Color;

/// The 16 ANSI colours as two common palettes draw them: xterm's
/// defaults and GNOME Terminal's Tango (also VTE's default).
const XTERM: [(u8, u8, u8); 16] = [
    (0, 0, 0),
    (205, 0, 0),
    (0, 205, 0),
    (205, 205, 0),
    (0, 0, 238),
    (205, 0, 205),
    (0, 205, 205),
    (229, 229, 229),
    (127, 127, 127),
    (255, 0, 0),
    (0, 255, 0),
    (255, 255, 0),
    (92, 92, 255),
    (255, 0, 255),
    (0, 255, 255),
    (255, 255, 255),
];
const TANGO: [(u8, u8, u8); 16] = [
    (46, 52, 54),
    (204, 0, 0),
    (78, 154, 6),
    (196, 160, 0),
    (52, 101, 164),
    (117, 80, 123),
    (6, 152, 154),
    (211, 215, 207),
    (85, 87, 83),
    (239, 41, 41),
    (138, 226, 52),
    (252, 233, 79),
    (114, 159, 207),
    (173, 127, 168),
    (52, 226, 226),
    (238, 238, 236),
];

fn ansi(c: Color) -> usize {
    match c {
        Color::Black => 0,
        Color::DarkRed => 1,
        Color::DarkGreen => 2,
        Color::DarkYellow => 3,
        Color::DarkBlue => 4,
        Color::DarkMagenta => 5,
        Color::DarkCyan => 6,
        Color::Grey => 7,
        Color::DarkGrey => 8,
        Color::Red => 9,
        Color::Green => 10,
        Color::Yellow => 11,
        Color::Blue => 12,
        Color::Magenta => 13,
        Color::Cyan => 14,
        Color::White => 15,
        other => panic!("{other:?} is not one of the 16 ANSI colours"),
    }
}

/// WCAG 2 relative luminance and contrast ratio.
fn luminance((r, g, b): (u8, u8, u8)) -> f64 {
    let f = |v: u8| {
        let v = f64::from(v) / 255.0;
        if v <= 0.039_28 {
            v / 12.92
        } else {
            ((v + 0.055) / 1.055).powf(2.4)
        }
    };
    0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b)
}

fn contrast(a: (u8, u8, u8), b: (u8, u8, u8)) -> f64 {
    let (x, y) = (luminance(a), luminance(b));
    (x.max(y) + 0.05) / (x.min(y) + 0.05)
}

#[test]
fn every_colour_reads_on_light_and_dark_backgrounds() {
    let white = (255, 255, 255);
    let black = (0, 0, 0);
    for c in palette::ALL {
        for (name, p) in [("xterm", &XTERM), ("tango", &TANGO)] {
            let fg = p[ansi(c)];
            for (bg_name, bg) in [("white", white), ("black", black)] {
                let r = contrast(fg, bg);
                // 2.7:1 is as far as the 16 ANSI colours go on both
                // backgrounds at once (blue on Tango white); the bright
                // yellow this screen once used gave 1.07:1 on white.
                assert!(r >= 2.7, "{c:?} in {name} on {bg_name}: {r:.2}:1");
            }
        }
    }
    // The measure itself: black on white is 21:1, yellow on white ~1.07:1.
    assert!((contrast(black, white) - 21.0).abs() < 1e-9);
    assert!(contrast(XTERM[11], white) < 1.1);
}
