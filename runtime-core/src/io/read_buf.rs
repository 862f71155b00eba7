//! `ReadBuf`: a cursor over a buffer that may be partly uninitialized, so that a read
//! goes straight into spare capacity without zero-filling it first.
//!
//! The buffer is three regions, `filled <= initialized <= capacity`:
//!
//! ```text
//! [ filled (read so far) | initialized, not filled | uninitialized ]
//! 0                   filled                  initialized       capacity
//! ```
//!
//! Invariants (every `unsafe` in this file relies on them):
//! 1. `filled <= initialized <= buf.len()`.
//! 2. `buf[..initialized]` is initialized memory; nothing here ever de-initializes it.
use std::fmt;
use std::mem::MaybeUninit;

/// A buffer being read into, with a filled part and a part that may be uninitialized.
///
/// The socket types' `poll_read_buf` and `read_buf` read into one: a read of `n` bytes
/// fills `n` more bytes and initializes them, and bytes that are initialized stay so, so
/// a buffer reused across reads is never zero-filled again. Build one over initialized
/// memory with [`ReadBuf::new`], or over spare capacity with [`ReadBuf::uninit`].
///
/// # Examples
///
/// ```
/// use runtime::io::ReadBuf;
/// use std::mem::MaybeUninit;
///
/// let mut storage = [MaybeUninit::<u8>::uninit(); 16];
/// let mut buf = ReadBuf::uninit(&mut storage);
/// buf.put_slice(b"hello");
/// assert_eq!(buf.filled(), b"hello");
/// assert_eq!(buf.remaining(), 11);
/// ```
pub struct ReadBuf<'a> {
    buf: &'a mut [MaybeUninit<u8>],
    filled: usize,
    initialized: usize,
}

impl<'a> ReadBuf<'a> {
    /// A `ReadBuf` over initialized memory: all of it counts as initialized, none as
    /// filled.
    ///
    /// ```
    /// let mut storage = [0u8; 8];
    /// let buf = runtime::io::ReadBuf::new(&mut storage);
    /// assert_eq!((buf.capacity(), buf.filled().len()), (8, 0));
    /// ```
    pub fn new(buf: &'a mut [u8]) -> ReadBuf<'a> {
        let initialized = buf.len();
        // SAFETY: `MaybeUninit<u8>` has the layout of `u8`; the slice stays initialized
        // because this type never writes uninitialized bytes into `..initialized`
        // (invariant 2), which here is the whole slice.
        let buf = unsafe { &mut *(buf as *mut [u8] as *mut [MaybeUninit<u8>]) };
        ReadBuf {
            buf,
            filled: 0,
            initialized,
        }
    }

    /// A `ReadBuf` over memory that may be uninitialized: none of it counts as
    /// initialized or filled.
    ///
    /// ```
    /// use std::mem::MaybeUninit;
    /// let mut spare = Vec::<u8>::with_capacity(64);
    /// let buf = runtime::io::ReadBuf::uninit(spare.spare_capacity_mut());
    /// assert_eq!(buf.remaining(), 64);
    /// # let _: &[MaybeUninit<u8>] = &[];
    /// ```
    pub fn uninit(buf: &'a mut [MaybeUninit<u8>]) -> ReadBuf<'a> {
        ReadBuf {
            buf,
            filled: 0,
            initialized: 0,
        }
    }

    /// The whole buffer's length.
    pub fn capacity(&self) -> usize {
        self.buf.len()
    }

    /// The bytes read so far.
    ///
    /// ```
    /// let mut storage = [0u8; 8];
    /// let mut buf = runtime::io::ReadBuf::new(&mut storage);
    /// buf.put_slice(b"ab");
    /// assert_eq!(buf.filled(), b"ab");
    /// ```
    pub fn filled(&self) -> &[u8] {
        // SAFETY: `..filled` is within `..initialized` (invariant 1), which is
        // initialized (invariant 2).
        unsafe { slice_assume_init(&self.buf[..self.filled]) }
    }

    /// The bytes read so far, mutably.
    pub fn filled_mut(&mut self) -> &mut [u8] {
        // SAFETY: as in `filled`.
        unsafe { slice_assume_init_mut(&mut self.buf[..self.filled]) }
    }

    /// The initialized part: the filled bytes and those after them known to be
    /// initialized.
    pub fn initialized(&self) -> &[u8] {
        // SAFETY: `..initialized` is initialized (invariant 2).
        unsafe { slice_assume_init(&self.buf[..self.initialized]) }
    }

    /// Bytes left to fill: `capacity() - filled().len()`.
    pub fn remaining(&self) -> usize {
        self.buf.len() - self.filled
    }

    /// Forgets the filled bytes (they stay initialized).
    pub fn clear(&mut self) {
        self.filled = 0;
    }

    /// The unfilled part, which may be uninitialized. Write bytes there, then call
    /// [`assume_init`](Self::assume_init) and [`advance`](Self::advance).
    ///
    /// # Safety
    ///
    /// The caller must not write uninitialized bytes into the part that is already
    /// initialized (`initialized().len() - filled().len()` bytes at the start of the
    /// returned slice).
    pub unsafe fn unfilled_mut(&mut self) -> &mut [MaybeUninit<u8>] {
        &mut self.buf[self.filled..]
    }

    /// Zero-fills what of the unfilled part is not yet initialized, and returns the
    /// whole unfilled part, initialized.
    ///
    /// ```
    /// use std::mem::MaybeUninit;
    /// let mut storage = [MaybeUninit::<u8>::uninit(); 4];
    /// let mut buf = runtime::io::ReadBuf::uninit(&mut storage);
    /// buf.initialize_unfilled()[..2].copy_from_slice(b"hi");
    /// buf.advance(2);
    /// assert_eq!(buf.filled(), b"hi");
    /// ```
    pub fn initialize_unfilled(&mut self) -> &mut [u8] {
        let len = self.remaining();
        self.initialize_unfilled_to(len)
    }

    /// Like [`initialize_unfilled`](Self::initialize_unfilled), for the first `n`
    /// unfilled bytes only.
    ///
    /// # Panics
    ///
    /// If `n > remaining()`.
    pub fn initialize_unfilled_to(&mut self, n: usize) -> &mut [u8] {
        assert!(
            n <= self.remaining(),
            "ReadBuf::initialize_unfilled_to: asked for {n} bytes, {} remain",
            self.remaining()
        );
        let end = self.filled + n;
        if self.initialized < end {
            for b in &mut self.buf[self.initialized..end] {
                b.write(0);
            }
            self.initialized = end;
        }
        // SAFETY: `filled..end` is within `..initialized`, set just above if it was not
        // (invariant 2).
        unsafe { slice_assume_init_mut(&mut self.buf[self.filled..end]) }
    }

    /// Marks `n` more bytes as filled.
    ///
    /// # Panics
    ///
    /// If the bytes are not all initialized: call [`assume_init`](Self::assume_init)
    /// first for bytes written through [`unfilled_mut`](Self::unfilled_mut).
    pub fn advance(&mut self, n: usize) {
        let new = self
            .filled
            .checked_add(n)
            .expect("ReadBuf::advance overflow");
        self.set_filled(new);
    }

    /// Sets how many bytes are filled (forward or back).
    ///
    /// # Panics
    ///
    /// If `n` is past the initialized part.
    pub fn set_filled(&mut self, n: usize) {
        assert!(
            n <= self.initialized,
            "ReadBuf: {n} bytes filled but only {} initialized; call `assume_init` first",
            self.initialized
        );
        self.filled = n;
    }

    /// Records that the first `n` unfilled bytes are initialized.
    ///
    /// # Safety
    ///
    /// The caller must have initialized `unfilled_mut()[..n]`.
    pub unsafe fn assume_init(&mut self, n: usize) {
        let end = (self.filled + n).min(self.buf.len());
        if end > self.initialized {
            self.initialized = end;
        }
    }

    /// Appends `src` to the filled part.
    ///
    /// # Panics
    ///
    /// If `src` is longer than [`remaining`](Self::remaining).
    pub fn put_slice(&mut self, src: &[u8]) {
        assert!(
            src.len() <= self.remaining(),
            "ReadBuf::put_slice: {} bytes do not fit in the {} that remain",
            src.len(),
            self.remaining()
        );
        let end = self.filled + src.len();
        for (dst, &b) in self.buf[self.filled..end].iter_mut().zip(src) {
            dst.write(b);
        }
        if end > self.initialized {
            self.initialized = end;
        }
        self.filled = end;
    }
}

impl fmt::Debug for ReadBuf<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReadBuf")
            .field("filled", &self.filled)
            .field("initialized", &self.initialized)
            .field("capacity", &self.capacity())
            .finish()
    }
}

/// # Safety
///
/// Every byte of `s` must be initialized.
unsafe fn slice_assume_init(s: &[MaybeUninit<u8>]) -> &[u8] {
    // SAFETY: the caller promises `s` is initialized; `MaybeUninit<u8>` has `u8`'s
    // layout.
    unsafe { &*(s as *const [MaybeUninit<u8>] as *const [u8]) }
}

/// # Safety
///
/// Every byte of `s` must be initialized.
unsafe fn slice_assume_init_mut(s: &mut [MaybeUninit<u8>]) -> &mut [u8] {
    // SAFETY: as in `slice_assume_init`.
    unsafe { &mut *(s as *mut [MaybeUninit<u8>] as *mut [u8]) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initialized_bytes_stay_initialized_across_clear() {
        let mut storage = [MaybeUninit::<u8>::uninit(); 8];
        let mut buf = ReadBuf::uninit(&mut storage);
        buf.put_slice(b"abcd");
        buf.clear();
        assert_eq!(buf.initialized(), b"abcd");
        buf.set_filled(3);
        assert_eq!(buf.filled(), b"abc");
    }

    #[test]
    #[should_panic(expected = "call `assume_init` first")]
    fn advancing_past_the_initialized_part_panics() {
        let mut storage = [MaybeUninit::<u8>::uninit(); 8];
        ReadBuf::uninit(&mut storage).advance(1);
    }

    #[test]
    fn assume_init_then_advance() {
        let mut storage = [MaybeUninit::<u8>::uninit(); 8];
        let mut buf = ReadBuf::uninit(&mut storage);
        // SAFETY: the two bytes are written before `assume_init` is told of them.
        unsafe {
            buf.unfilled_mut()[0].write(7);
            buf.unfilled_mut()[1].write(9);
            buf.assume_init(2);
        }
        buf.advance(2);
        assert_eq!(buf.filled(), &[7, 9]);
        assert_eq!(buf.initialize_unfilled().len(), 6);
        assert_eq!(buf.initialized().len(), 8);
    }
}
