//! Progress of a long command (the simulator's back-fill, seeding, imports):
//! a bar with the rate and the time left on a terminal, plain lines every
//! tenth when the output goes to a file or a CI log.

use indicatif::{ProgressBar, ProgressStyle};
use std::io::IsTerminal;
use std::time::Instant;

pub struct Progress {
    what: &'static str,
    unit: &'static str,
    bar: Option<ProgressBar>,
    started: Instant,
    /// The last tenth a plain line was printed for.
    last_tenth: u64,
}

impl Progress {
    /// `what` names the work ("模拟遥测数据"), `unit` what is counted ("条").
    pub fn new(what: &'static str, unit: &'static str) -> Self {
        let bar = std::io::stderr().is_terminal().then(|| {
            let bar = ProgressBar::new(0);
            let template =
                format!("{what} [{{bar:30}}] {{pos}}/{{len}} {unit} · {{per_sec}} · 剩余 {{eta}}");
            if let Ok(style) = ProgressStyle::with_template(&template) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar
        });
        Self {
            what,
            unit,
            bar,
            started: Instant::now(),
            last_tenth: 0,
        }
    }

    pub fn update(&mut self, done: u64, total: u64) {
        if let Some(bar) = &self.bar {
            bar.set_length(total);
            bar.set_position(done);
            return;
        }
        let tenth = (done * 10).checked_div(total).unwrap_or(10);
        if tenth > self.last_tenth {
            self.last_tenth = tenth;
            eprintln!("{}", self.line(done, total));
        }
    }

    /// The plain line: done of total, the rate, the time left.
    fn line(&self, done: u64, total: u64) -> String {
        let seconds = self.started.elapsed().as_secs_f64().max(0.001);
        let rate = done as f64 / seconds;
        let left = if rate > 0.0 {
            (total.saturating_sub(done)) as f64 / rate
        } else {
            0.0
        };
        format!(
            "{}：{done}/{total} {}（{}%），{rate:.0} {}/秒，剩余约 {left:.0} 秒",
            self.what,
            self.unit,
            (done * 100).checked_div(total).unwrap_or(100),
            self.unit
        )
    }

    pub fn finish(self) {
        if let Some(bar) = self.bar {
            bar.finish_and_clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_line_says_how_far_and_how_fast() {
        let progress = Progress {
            what: "模拟遥测数据",
            unit: "条",
            bar: None,
            started: Instant::now() - std::time::Duration::from_secs(2),
            last_tenth: 0,
        };
        let line = progress.line(500, 1_000);
        assert!(
            line.starts_with("模拟遥测数据：500/1000 条（50%）"),
            "{line}"
        );
        assert!(line.contains("条/秒") && line.contains("剩余约"), "{line}");
        assert!(progress.line(0, 0).contains("100%"));
    }
}
