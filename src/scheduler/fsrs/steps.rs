//! Learning and relearning steps: the `"1m 10m"` settings and their delays.

use super::DAY_SECS;

/// Learning or relearning steps: up to 8 delays, in seconds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Steps {
    // Visible to the scheduler for its constant defaults.
    pub(super) secs: [u32; Steps::MAX],
    pub(super) len: u8,
}

impl Steps {
    pub const MAX: usize = 8;

    pub fn new(secs: &[u32]) -> Option<Steps> {
        if secs.len() > Self::MAX || secs.contains(&0) {
            return None;
        }
        let mut out = Steps {
            secs: [0; Self::MAX],
            len: secs.len() as u8,
        };
        out.secs[..secs.len()].copy_from_slice(secs);
        Some(out)
    }

    /// Parses `"1m 10m"`: whole numbers with a unit s, m, h or d, separated by
    /// spaces or commas; each step at most 30 days. An empty text means no steps.
    pub fn parse(text: &str) -> Option<Steps> {
        let mut secs = Vec::new();
        for tok in text.split([' ', ',', '\t']).filter(|t| !t.is_empty()) {
            let (num, unit) = tok.split_at(tok.len().checked_sub(1)?);
            let n: u32 = num.parse().ok()?;
            let mult = match unit {
                "s" => 1,
                "m" => 60,
                "h" => 3600,
                "d" => DAY_SECS,
                _ => return None,
            };
            let s = n.checked_mul(mult)?;
            if s > 30 * DAY_SECS {
                return None;
            }
            secs.push(s);
        }
        Steps::new(&secs)
    }

    pub fn as_slice(&self) -> &[u32] {
        &self.secs[..usize::from(self.len)]
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }
}

impl std::fmt::Display for Steps {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let parts: Vec<String> = self.as_slice().iter().map(|&s| short_delay(s)).collect();
        f.write_str(&parts.join(" "))
    }
}

/// `600` -> `10m`: the largest unit that divides the delay exactly.
pub fn short_delay(secs: u32) -> String {
    for (unit, size) in [("d", DAY_SECS), ("h", 3600), ("m", 60)] {
        if secs % size == 0 {
            return format!("{}{unit}", secs / size);
        }
    }
    format!("{secs}s")
}
