//! `Ready` (what a source is ready for) and `Interest` (what a waiter waits for).
//!
//! `Ready` is a six-bit set small enough to share one atomic word with a source's tick
//! (`scheduled_io.rs`). The closed and error bits are part of both directions' masks:
//! a waiter for `readable()` must wake when the peer hangs up or the socket fails, or it
//! would sleep forever on a source that will never become readable again.
use std::fmt;
use std::ops;

/// Readiness of an I/O source, as the driver last saw it.
#[derive(Clone, Copy, PartialEq, Eq, Default)]
pub(crate) struct Ready(u8);

impl Ready {
    pub(crate) const EMPTY: Ready = Ready(0);
    pub(crate) const READABLE: Ready = Ready(1 << 0);
    pub(crate) const WRITABLE: Ready = Ready(1 << 1);
    pub(crate) const READ_CLOSED: Ready = Ready(1 << 2);
    pub(crate) const WRITE_CLOSED: Ready = Ready(1 << 3);
    pub(crate) const ERROR: Ready = Ready(1 << 4);
    pub(crate) const PRIORITY: Ready = Ready(1 << 5);
    /// Every bit.
    pub(crate) const ALL: Ready = Ready(0x3f);

    /// The readiness a driver event reports.
    #[cfg(not(runtime_loom))]
    pub(crate) fn from_event(event: &mio::event::Event) -> Ready {
        let mut ready = Ready::EMPTY;
        if event.is_readable() {
            ready |= Ready::READABLE;
        }
        if event.is_writable() {
            ready |= Ready::WRITABLE;
        }
        if event.is_read_closed() {
            ready |= Ready::READ_CLOSED;
        }
        if event.is_write_closed() {
            ready |= Ready::WRITE_CLOSED;
        }
        if event.is_error() {
            ready |= Ready::ERROR;
        }
        if event.is_priority() {
            ready |= Ready::PRIORITY;
        }
        ready
    }

    /// The bits as a number (the low bits of the readiness word).
    pub(crate) const fn as_usize(self) -> usize {
        self.0 as usize
    }

    /// The readiness held in the low bits of `word` (higher bits are ignored).
    pub(crate) const fn from_usize(word: usize) -> Ready {
        Ready((word & Ready::ALL.0 as usize) as u8)
    }

    pub(crate) const fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// Whether every bit of `other` is set here.
    pub(crate) const fn contains(self, other: Ready) -> bool {
        self.0 & other.0 == other.0
    }

    /// Whether any bit of `other` is set here.
    pub(crate) const fn intersects(self, other: Ready) -> bool {
        self.0 & other.0 != 0
    }

    pub(crate) const fn is_readable(self) -> bool {
        self.intersects(Ready(Ready::READABLE.0 | Ready::READ_CLOSED.0))
    }

    pub(crate) const fn is_writable(self) -> bool {
        self.intersects(Ready(Ready::WRITABLE.0 | Ready::WRITE_CLOSED.0))
    }

    pub(crate) const fn is_read_closed(self) -> bool {
        self.contains(Ready::READ_CLOSED)
    }

    pub(crate) const fn is_write_closed(self) -> bool {
        self.contains(Ready::WRITE_CLOSED)
    }

    pub(crate) const fn is_error(self) -> bool {
        self.contains(Ready::ERROR)
    }
}

impl ops::BitOr for Ready {
    type Output = Ready;
    fn bitor(self, rhs: Ready) -> Ready {
        Ready(self.0 | rhs.0)
    }
}

impl ops::BitOrAssign for Ready {
    fn bitor_assign(&mut self, rhs: Ready) {
        self.0 |= rhs.0;
    }
}

impl ops::BitAnd for Ready {
    type Output = Ready;
    fn bitand(self, rhs: Ready) -> Ready {
        Ready(self.0 & rhs.0)
    }
}

impl ops::Sub for Ready {
    type Output = Ready;
    /// The bits of `self` that are not in `rhs`.
    fn sub(self, rhs: Ready) -> Ready {
        Ready(self.0 & !rhs.0)
    }
}

impl fmt::Debug for Ready {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const NAMES: [&str; 6] = [
            "READABLE",
            "WRITABLE",
            "READ_CLOSED",
            "WRITE_CLOSED",
            "ERROR",
            "PRIORITY",
        ];
        let mut set = f.debug_set();
        for (bit, name) in NAMES.iter().enumerate() {
            if self.0 & (1 << bit) != 0 {
                set.entry(&format_args!("{name}"));
            }
        }
        set.finish()
    }
}

/// What a source is registered for, and what a waiter waits for.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Interest(u8);

impl Interest {
    pub(crate) const READABLE: Interest = Interest(1 << 0);
    pub(crate) const WRITABLE: Interest = Interest(1 << 1);
    pub(crate) const PRIORITY: Interest = Interest(1 << 2);

    pub(crate) const fn is_readable(self) -> bool {
        self.0 & Interest::READABLE.0 != 0
    }

    pub(crate) const fn is_writable(self) -> bool {
        self.0 & Interest::WRITABLE.0 != 0
    }

    pub(crate) const fn is_priority(self) -> bool {
        self.0 & Interest::PRIORITY.0 != 0
    }

    /// Both interests.
    pub(crate) const fn add(self, other: Interest) -> Interest {
        Interest(self.0 | other.0)
    }

    /// The readiness bits that satisfy a waiter with this interest: the direction's own
    /// bit, its closed bit and the error bit (see the module docs).
    pub(crate) const fn mask(self) -> Ready {
        let mut bits = 0;
        if self.is_readable() {
            bits |= Ready::READABLE.0 | Ready::READ_CLOSED.0 | Ready::ERROR.0;
        }
        if self.is_writable() {
            bits |= Ready::WRITABLE.0 | Ready::WRITE_CLOSED.0 | Ready::ERROR.0;
        }
        if self.is_priority() {
            bits |= Ready::PRIORITY.0 | Ready::READ_CLOSED.0 | Ready::ERROR.0;
        }
        Ready(bits)
    }

    /// mio's interest.
    #[cfg(not(runtime_loom))]
    pub(crate) fn to_mio(self) -> mio::Interest {
        let mut out: Option<mio::Interest> = None;
        let mut add = |i: mio::Interest| out = Some(out.map_or(i, |o| o.add(i)));
        if self.is_readable() {
            add(mio::Interest::READABLE);
        }
        if self.is_writable() {
            add(mio::Interest::WRITABLE);
        }
        if self.is_priority() {
            add(mio::Interest::PRIORITY);
        }
        // Every constructor sets a bit, so `out` is never empty.
        out.unwrap_or(mio::Interest::READABLE)
    }
}

#[cfg(all(test, not(runtime_loom)))]
mod tests {
    use super::*;

    #[test]
    fn masks_include_closed_and_error() {
        let r = Interest::READABLE.mask();
        assert!(r.contains(Ready::READABLE | Ready::READ_CLOSED | Ready::ERROR));
        assert!(!r.intersects(Ready::WRITABLE | Ready::WRITE_CLOSED | Ready::PRIORITY));
        let w = Interest::WRITABLE.mask();
        assert!(w.contains(Ready::WRITABLE | Ready::WRITE_CLOSED | Ready::ERROR));
        assert!(!w.intersects(Ready::READABLE | Ready::READ_CLOSED));
        let both = Interest::READABLE.add(Interest::WRITABLE);
        assert_eq!(both.mask(), r | w);
        assert!(Interest::PRIORITY.mask().contains(Ready::PRIORITY));
    }

    #[test]
    fn set_operations_and_word_round_trip() {
        let ready = Ready::READABLE | Ready::WRITE_CLOSED;
        assert!(ready.is_readable() && ready.is_writable() && ready.is_write_closed());
        assert!(!ready.is_read_closed() && !ready.is_error());
        assert_eq!(ready - Ready::READABLE, Ready::WRITE_CLOSED);
        assert_eq!(Ready::from_usize(ready.as_usize() | 0xff00), ready);
        assert!(Ready::EMPTY.is_empty());
        assert_eq!(format!("{ready:?}"), "{READABLE, WRITE_CLOSED}");
    }

    #[test]
    fn from_a_real_event() {
        let mut poll = mio::Poll::new().unwrap();
        let (mut a, mut b) = mio::net::UnixStream::pair().unwrap();
        let interest = Interest::READABLE.add(Interest::WRITABLE).to_mio();
        poll.registry()
            .register(&mut a, mio::Token(1), interest)
            .unwrap();
        std::io::Write::write_all(&mut b, b"x").unwrap();
        drop(b);
        let mut events = mio::Events::with_capacity(8);
        let mut seen = Ready::EMPTY;
        for _ in 0..10 {
            poll.poll(&mut events, Some(std::time::Duration::from_millis(100)))
                .unwrap();
            for e in events.iter() {
                assert_eq!(e.token(), mio::Token(1));
                seen |= Ready::from_event(e);
            }
            if seen.is_read_closed() {
                break;
            }
        }
        assert!(seen.contains(Ready::READABLE | Ready::WRITABLE | Ready::READ_CLOSED));
        poll.registry().deregister(&mut a).unwrap();
    }
}
