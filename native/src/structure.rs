//! The structure reader (docgraph/structure.py): filled in by the next step.
use pyo3::prelude::*;

pub fn register(_m: &Bound<'_, PyModule>) -> PyResult<()> {
    Ok(())
}
