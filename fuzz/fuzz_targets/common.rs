//! Checks shared by the fuzz targets (included with `#[path]`; not a target itself).

use arqonhpo_core::{Param, Params, Space, Value};

/// Panics unless every value of `params` is a legal value of its parameter in `space`.
pub fn assert_inside(space: &Space, params: &Params) {
    for ((_, p), (_, v)) in space.iter().zip(params.iter()) {
        let ok = match (p, v) {
            (Param::Float { low, high, .. }, Value::Float(x)) => low <= x && x <= high,
            (Param::Int { low, high, .. }, Value::Int(x)) => {
                *low <= *x as f64 && *x as f64 <= *high
            }
            (Param::Choice { choices }, v) => choices.contains(v),
            _ => false,
        };
        assert!(ok, "{v:?} is outside {p:?}");
    }
}
