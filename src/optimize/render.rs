//! How a fit looks in `py201 optimize`: how well the default and the fitted
//! parameters predict the log, the fitted parameters, and what became of
//! them. Pure functions to text.

use super::Fit;
use comfy_table::presets::UTF8_FULL_CONDENSED;
use std::fmt::Write as _;

/// What was done with fitted parameters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    DryRun,
    /// They predict the log worse than the defaults.
    Worse,
    Stored,
}

/// The fit on `reviews` reviews of `cards` cards: both parameter sets'
/// scores, and the fitted parameters.
pub fn report(reviews: usize, cards: usize, default: &Fit, fit: &Fit, fitted: &[f32]) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "FSRS fitted to {reviews} reviews of {cards} cards.");
    let mut table = crate::table::new();
    table
        .load_style(UTF8_FULL_CONDENSED)
        .set_header(vec!["Parameters", "Log loss", "RMSE"]);
    for (name, f) in [("default", default), ("fitted", fit)] {
        table.add_row(vec![
            name.to_string(),
            format!("{:.4}", f.log_loss),
            format!("{:.4}", f.rmse),
        ]);
    }
    let _ = writeln!(out, "{table}");
    let _ = writeln!(out, "(on your own review history; lower is better)");
    let text: Vec<String> = fitted.iter().map(|p| format!("{p:.4}")).collect();
    let _ = writeln!(out, "Fitted parameters: {}", text.join(" "));
    out
}

/// The closing line.
pub fn verdict(v: Verdict) -> &'static str {
    match v {
        Verdict::DryRun => "Dry run: nothing stored.\n",
        Verdict::Worse => {
            "Not stored: the fitted parameters predict your history worse than the defaults.\n"
        }
        Verdict::Stored => "Stored: FSRS schedules with these parameters from now on.\n",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn report_scores_both_sets_to_four_decimals() {
        let default = Fit {
            log_loss: 0.5,
            rmse: 0.1,
        };
        let fit = Fit {
            log_loss: 0.25,
            rmse: 0.05,
        };
        let text = report(400, 3, &default, &fit, &[1.0, 2.5]);
        assert!(text.starts_with("FSRS fitted to 400 reviews of 3 cards.\n"));
        assert!(text.contains("0.5000") && text.contains("0.2500"));
        assert!(text.ends_with("Fitted parameters: 1.0000 2.5000\n"));
        assert!(!fit.worse_than(&default) && default.worse_than(&fit));
        assert!(verdict(Verdict::DryRun).ends_with('\n'));
    }
}
