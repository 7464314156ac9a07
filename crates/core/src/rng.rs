//! The one portable random source: ChaCha8 seeded from the config seed.
//!
//! Each purpose (probe scrambling, TPE sampling, restarts, random search, reservoir,
//! parallel fill-in, CMA-ES sampling, trust-region spreads and restarts, GP-EI candidates) draws from its own ChaCha stream, so adding draws to one purpose never
//! shifts another. Every transform below uses only IEEE arithmetic and `libm`, so the same
//! seed gives bit-identical numbers on every platform. The generator state serializes, so a
//! snapshot resumes the stream exactly.

use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};
use serde::{Deserialize, Serialize};

/// Independent sub-streams of the config seed.
#[derive(Debug, Clone, Copy)]
#[repr(u64)]
pub(crate) enum Stream {
    Probe = 1,
    Tpe = 2,
    Restart = 3,
    Random = 4,
    Reservoir = 5,
    Parallel = 6,
    Cmaes = 7,
    TrustRegion = 8,
    Gp = 9,
}

/// A seeded, serializable random stream.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(into = "RngState", from = "RngState")]
pub(crate) struct Rng(ChaCha8Rng);

/// The serialized form of a stream: key, stream number and position. The position is a
/// `u128` in `rand_chacha`; it is written as two `u64` halves because serde cannot buffer a
/// `u128` inside the internally tagged strategy enum.
#[derive(Serialize, Deserialize)]
struct RngState {
    seed: [u8; 32],
    stream: u64,
    word_pos: [u64; 2],
}

impl From<Rng> for RngState {
    fn from(rng: Rng) -> Self {
        let pos = rng.0.get_word_pos();
        Self {
            seed: rng.0.get_seed(),
            stream: rng.0.get_stream(),
            word_pos: [(pos >> 64) as u64, pos as u64],
        }
    }
}

impl From<RngState> for Rng {
    fn from(state: RngState) -> Self {
        let mut rng = ChaCha8Rng::from_seed(state.seed);
        rng.set_stream(state.stream);
        rng.set_word_pos((u128::from(state.word_pos[0]) << 64) | u128::from(state.word_pos[1]));
        Self(rng)
    }
}

impl Rng {
    pub(crate) fn new(seed: u64, stream: Stream) -> Self {
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        rng.set_stream(stream as u64);
        Self(rng)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// Uniform in `[0, 1)` with 53 random bits.
    pub(crate) fn uniform(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / 9_007_199_254_740_992.0)
    }

    /// Uniform integer in `0..n` (`n > 0`), by multiply-shift.
    pub(crate) fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Standard normal by Box–Muller (one draw per call; simple and portable).
    pub(crate) fn normal(&mut self) -> f64 {
        let u1 = 1.0 - self.uniform(); // (0, 1]
        let u2 = self.uniform();
        libm::sqrt(-2.0 * libm::log(u1)) * libm::cos(core::f64::consts::TAU * u2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn streams_are_independent_and_reproducible() {
        let mut a = Rng::new(7, Stream::Tpe);
        let mut b = Rng::new(7, Stream::Tpe);
        let mut c = Rng::new(7, Stream::Restart);
        let xa: alloc::vec::Vec<u64> = (0..4).map(|_| a.next_u64()).collect();
        let xb: alloc::vec::Vec<u64> = (0..4).map(|_| b.next_u64()).collect();
        let xc: alloc::vec::Vec<u64> = (0..4).map(|_| c.next_u64()).collect();
        assert_eq!(xa, xb);
        assert_ne!(xa, xc);
        let u = a.uniform();
        assert!((0.0..1.0).contains(&u));
        assert!(a.below(3) < 3);
    }

    #[test]
    fn a_stream_resumes_from_its_serialized_form() {
        let mut a = Rng::new(11, Stream::Restart);
        for _ in 0..5 {
            a.next_u64();
        }
        let text = serde_json::to_string(&a).unwrap_or_default();
        let mut b: Rng = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
        assert_eq!(a, b);
        assert_eq!(a.next_u64(), b.next_u64());
    }
}
