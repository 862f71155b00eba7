//! A tiny xorshift generator for victim selection; not for security.
use std::cell::Cell;

/// xorshift64* state.
#[derive(Debug)]
pub(crate) struct FastRand {
    state: Cell<u64>,
}

impl FastRand {
    pub(crate) fn new(seed: u64) -> FastRand {
        FastRand {
            state: Cell::new(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1),
        }
    }

    /// A pseudo-random number in `0..n` (`n > 0`).
    pub(crate) fn below(&self, n: u32) -> u32 {
        let mut x = self.state.get();
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.state.set(x);
        let r = (x.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 32) as u32;
        ((r as u64 * n as u64) >> 32) as u32
    }
}

#[cfg(all(test, not(runtime_loom)))]
mod tests {
    use super::*;

    #[test]
    fn stays_in_range_and_covers_it() {
        let r = FastRand::new(42);
        let mut seen = [false; 7];
        for _ in 0..1000 {
            seen[r.below(7) as usize] = true;
        }
        assert!(seen.iter().all(|s| *s));
    }
}
