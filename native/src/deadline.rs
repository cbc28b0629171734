//! The per-file time limit (docgraph/limits.py): the seconds left are given with each call; a stage checks them in
//! its loops and raises `TimeLimit`, which docgraph turns into its own TimeLimitExceeded (the file is skipped).

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use std::time::{Duration, Instant};

create_exception!(
    docgraph_native,
    TimeLimit,
    PyException,
    "The file's time limit ran out in the compiled core."
);

#[derive(Clone, Copy)]
pub struct Deadline {
    end: Option<Instant>,
}

impl Deadline {
    /// `seconds`: what is left of the file's limit (None: no limit).
    pub fn new(seconds: Option<f64>) -> Self {
        let end = match seconds {
            Some(s) if s.is_finite() => Some(Instant::now() + Duration::from_secs_f64(s.max(0.0))),
            _ => None,
        };
        Deadline { end }
    }

    pub fn passed(&self) -> bool {
        matches!(self.end, Some(e) if Instant::now() > e)
    }
}
