//! Multivariate TPE: the rugged- and noisy-landscape strategy.
//!
//! Observations are split into a *good* group (the best `ceil(0.1·n)`, at most 25) and a
//! *bad* group (the rest). Each group becomes a Parzen mixture over the unit cube, one kernel
//! per observation plus one prior kernel: a product of truncated normals on continuous and
//! integer coordinates and smoothed one-hot kernels ([`kernels::Categorical`]) on categorical ones.
//! Candidates are drawn from the good mixture `l` and the one maximising `log l(x) − log g(x)`
//! is proposed, which ranks candidates the same way as expected improvement does (Bergstra et
//! al. 2011).
//!
//! Defaults follow Watanabe (2023): multivariate kernels, linear γ = 0.1 capped at 25, uniform
//! kernel weights, a prior of weight 1, Scott's rule bandwidth with the "magic clip" floor
//! `1 / min(100, m + 1)` (and at least half a cell for integers), 24 candidates.
//!
//! **24 candidates on every space**: a greedier argmax (more candidates) does not pay with the
//! pseudo-count kernel of [`kernels::Categorical`] and costs twice the scoring (measurements in
//! `docs/design.md`, TPE).
//!
//! **Bounded working set.** The model never looks at the whole history. It keeps the best
//! 32 observations in order, plus a reservoir of 48 drawn uniformly from all the others
//! (Vitter's algorithm R, on its own seeded stream, so it is deterministic). The good group
//! comes from the best 32; the bad group is the rest of those plus the reservoir. So one
//! `ask` costs at most `(32 + 48 + 32 liars + 2) · 24` kernel evaluations, whatever `n` is.
//! Each kernel's normalising constant is summed over coordinates once per fit, and each
//! centre's categorical options are read off once per fit, so scoring a candidate costs one
//! squared distance and a few integer comparisons per kernel and one `exp` per kernel that
//! matters. The candidates are scored in one batch ([`parzen::Parzen::log_pdf_batch`]), which keeps
//! each candidate's arithmetic and makes the kernel loops vectorise (instruction counts in
//! `docs/design.md`).
//!
//! **Pending trials.** Trials handed out and not yet told join the bad group as liars (the
//! constant-liar idea with the worst value), which pushes new candidates away from them; a
//! candidate identical to a pending point is never proposed while another exists.
//!
//! The module is laid out like Optuna's TPE: [`sampler`] holds the working set and proposes,
//! [`parzen`] is the estimator (fit, sample, score), [`kernels`] the per-coordinate kernels and
//! [`numerics`] the fast, portable special functions they use.
//!
//! # References
//! - J. Bergstra, R. Bardenet, Y. Bengio, B. Kégl (2011), "Algorithms for hyper-parameter
//!   optimization", NeurIPS.
//! - S. Watanabe (2023), "Tree-structured Parzen estimator: understanding its algorithm
//!   components and their roles for better empirical performance", arXiv:2304.11127.
//! - J. S. Vitter (1985), "Random sampling with a reservoir", ACM TOMS 11(1).

mod kernels;
mod numerics;
mod parzen;
mod sampler;

pub(crate) use sampler::Tpe;
