//! Uniform random search: the baseline every other strategy must beat.

use alloc::vec::Vec;

use serde::{Deserialize, Serialize};

use super::Context;
use crate::rng::{Rng, Stream};

/// Uniform random search over the unit cube.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct RandomSearch {
    rng: Rng,
}

impl RandomSearch {
    pub(crate) fn new(seed: u64) -> Self {
        Self { rng: Rng::new(seed, Stream::Random) }
    }

    pub(crate) fn propose(&mut self, ctx: &Context<'_>) -> Vec<f64> {
        let mut u: Vec<f64> = ctx.kinds.iter().map(|_| self.rng.uniform()).collect();
        crate::encoding::snap(ctx.space, &mut u);
        u
    }
}
