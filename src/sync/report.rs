//! What a sync did, in the words `py201 sync` prints: "12 answers and 1
//! edit from laptop, 30 answers sent".

use super::incoming::Brought;

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Report {
    /// What came from each device, by its name.
    pub from: Vec<(String, Brought)>,
    pub sent: Brought,
    /// Edits of the same card on two devices: which one was kept.
    pub conflicts: Vec<String>,
    /// Shared settings another device changed here: its name, and each
    /// "key value".
    pub settings: Vec<(String, Vec<String>)>,
    /// Files or folders that could not be used, one line each; the rest
    /// of the folder was synced.
    pub problems: Vec<String>,
}

impl Report {
    pub fn add_from(&mut self, name: &str, b: &Brought) {
        match self.from.iter_mut().find(|(n, _)| n == name) {
            Some((_, sum)) => {
                sum.answers += b.answers;
                sum.undos += b.undos;
                sum.edits += b.edits;
            }
            None => self.from.push((name.to_string(), b.clone())),
        }
    }

    pub fn add_settings(&mut self, name: &str, changed: Vec<String>) {
        if changed.is_empty() {
            return;
        }
        match self.settings.iter_mut().find(|(n, _)| n == name) {
            Some((_, all)) => all.extend(changed),
            None => self.settings.push((name.to_string(), changed)),
        }
    }

    /// One line per device whose settings were taken: "settings from
    /// laptop: scheduler fsrs, fuzz off".
    pub fn settings_lines(&self) -> Vec<String> {
        self.settings
            .iter()
            .map(|(name, s)| format!("settings from {name}: {}", s.join(", ")))
            .collect()
    }

    /// The one summary line (devices by name).
    pub fn summary(&self) -> String {
        let mut from: Vec<&(String, Brought)> = self.from.iter().collect();
        from.sort_by(|a, b| a.0.cmp(&b.0));
        let mut parts: Vec<String> = from
            .into_iter()
            .filter(|(_, b)| !is_empty(b))
            .map(|(name, b)| format!("{} from {name}", counts(b)))
            .collect();
        if !is_empty(&self.sent) {
            parts.push(format!("{} sent", counts(&self.sent)));
        }
        if parts.is_empty() {
            return "Nothing new to send or apply.".to_string();
        }
        let mut line = parts.join(", ");
        line.push('.');
        upper_first(&line)
    }
}

fn is_empty(b: &Brought) -> bool {
    b.answers + b.undos + b.edits == 0
}

/// "12 answers and 1 edit", "2 undos", "1 answer, 1 undo and 3 edits".
fn counts(b: &Brought) -> String {
    let items: Vec<String> = [(b.answers, "answer"), (b.undos, "undo"), (b.edits, "edit")]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, noun)| format!("{n} {noun}{}", if *n == 1 { "" } else { "s" }))
        .collect();
    match items.split_last() {
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        None => String::new(),
    }
}

fn upper_first(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn b(answers: u64, undos: u64, edits: u64) -> Brought {
        Brought {
            answers,
            undos,
            edits,
        }
    }

    #[test]
    fn the_summary_reads_as_the_issue_asks() {
        let mut r = Report::default();
        r.add_from("laptop", &b(12, 0, 1));
        r.sent = b(30, 0, 0);
        assert_eq!(
            r.summary(),
            "12 answers and 1 edit from laptop, 30 answers sent."
        );
        r.add_from("desk", &b(1, 1, 3));
        assert_eq!(
            r.summary(),
            "1 answer, 1 undo and 3 edits from desk, 12 answers and 1 edit from laptop, 30 answers sent."
        );
        assert_eq!(Report::default().summary(), "Nothing new to send or apply.");
    }

    #[test]
    fn settings_taken_are_one_line_per_device() {
        let mut r = Report::default();
        r.add_settings("laptop", vec!["scheduler fsrs".into()]);
        r.add_settings("desk", vec![]);
        r.add_settings("laptop", vec!["fuzz off".into()]);
        assert_eq!(
            r.settings_lines(),
            vec!["settings from laptop: scheduler fsrs, fuzz off".to_string()]
        );
    }
}
