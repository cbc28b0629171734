//! docgraph's compiled core: the per-file stages of the Python engine (docgraph/), run from the same YAML rule data
//! given at construction. The Python engine is the reference; each stage returns what docgraph builds its own
//! objects from, identical to the Python stage's. One module a stage; this file only registers them.

use pyo3::prelude::*;

pub mod context;
pub mod deadline;
pub mod drafts;
pub mod header;
pub mod header_article;
pub mod header_issuer;
pub mod header_place;
pub mod header_text;
pub mod header_places;
pub mod pattern;
pub mod phrases;
pub mod pytables;
pub mod pytext;
pub mod relations;
pub mod relations_after;
pub mod relations_finder;
pub mod relations_reader;
pub mod scan;
pub mod shortforms;
pub mod structure;

/// The crate's version (docgraph checks it matches what it expects).
#[pyfunction]
fn version() -> &'static str {
    env!("CARGO_PKG_VERSION")
}

/// A quick check the module works: compiles a rule-shaped pattern and reads offsets in code points.
#[pyfunction]
fn self_check() -> PyResult<bool> {
    let p = pattern::Pattern::compile(r"(?i)\bcăn\s+cứ\b").map_err(pyo3::exceptions::PyValueError::new_err)?;
    let text = "👍 Căn cứ";
    Ok(p.search_chars(text, 0)
        .map_err(pyo3::exceptions::PyValueError::new_err)?
        == Some((2, 8)))
}

#[pymodule]
fn docgraph_native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(version, m)?)?;
    m.add_function(wrap_pyfunction!(self_check, m)?)?;
    m.add("TimeLimit", m.py().get_type::<deadline::TimeLimit>())?;
    m.add_function(wrap_pyfunction!(pytext::char_flags, m)?)?;
    m.add_function(wrap_pyfunction!(pytext::squeezed, m)?)?;
    m.add_function(wrap_pyfunction!(pytext::disagreeing, m)?)?;
    pattern::register(m)?;
    structure::register(m)?;
    phrases::register(m)?;
    scan::register(m)?;
    header_places::register(m)?;
    context::register(m)?;
    relations::register(m)?;
    header::register(m)?;
    drafts::register(m)?;
    Ok(())
}
