//! The one source of randomness: a seeded ChaCha8 stream, so the same seed gives the
//! same names and uids on every platform.

use rand_chacha::ChaCha8Rng;
use rand_core::{RngCore, SeedableRng};

/// k8s.io/apimachinery/pkg/util/rand: consonants and digits that cannot spell words.
pub const ALPHANUMS: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

#[derive(Clone, Debug)]
pub struct Rng(ChaCha8Rng);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(ChaCha8Rng::seed_from_u64(seed))
    }

    /// `rand.String(n)`: what generateName appends.
    pub fn suffix(&mut self, n: usize) -> String {
        (0..n).map(|_| ALPHANUMS[(self.0.next_u32() as usize) % ALPHANUMS.len()] as char).collect()
    }

    /// A version 4 UUID.
    pub fn uid(&mut self) -> String {
        let mut b = [0u8; 16];
        self.0.fill_bytes(&mut b);
        b[6] = (b[6] & 0x0f) | 0x40;
        b[8] = (b[8] & 0x3f) | 0x80;
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut out = String::with_capacity(36);
        for (i, x) in b.iter().enumerate() {
            if matches!(i, 4 | 6 | 8 | 10) {
                out.push('-');
            }
            out.push(HEX[usize::from(x >> 4)] as char);
            out.push(HEX[usize::from(x & 0xf)] as char);
        }
        out
    }

    /// 16 hex digits, as event names end.
    pub fn hex16(&mut self) -> String {
        format!("{:016x}", self.next_u64())
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_and_shaped() {
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        assert_eq!(a.suffix(5), b.suffix(5));
        let uid = a.uid();
        assert_eq!(uid.len(), 36);
        assert_eq!(&uid[14..15], "4");
        let dashes: Vec<usize> = uid.match_indices('-').map(|(i, _)| i).collect();
        assert_eq!(dashes, vec![8, 13, 18, 23]);
        assert!(uid.bytes().all(|c| c == b'-' || c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert!(a.suffix(5).bytes().all(|c| ALPHANUMS.contains(&c)));
    }
}
